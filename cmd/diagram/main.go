// Command diagram draws every environment of a synthesized cdktf output as
// docs/diagrams/<env>.mmd (Mermaid) and docs/diagrams/<env>.svg.
//
//	go run ./cmd/diagram [-outdir cdktf.out] [-envs acme-prod] [-dir docs/diagrams]
package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/diagram"
)

func main() {
	outdir := flag.String("outdir", "cdktf.out", "synthesized cdktf output to draw (go run . writes it)")
	envs := flag.String("envs", "", "comma-separated environments to draw (default: all in the output)")
	dir := flag.String("dir", "docs/diagrams", "folder the pictures are written to")
	flag.Parse()
	if err := run(*outdir, *envs, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "diagram:", err)
		os.Exit(1)
	}
}

func run(outdir, envs, dir string) error {
	var selection []string
	if envs != "" {
		selection = strings.Split(envs, ",")
	}
	byEnv, err := diagram.FromManifest(outdir, selection)
	if err != nil {
		return err
	}
	ctx := context.Background()
	for _, env := range slices.Sorted(maps.Keys(byEnv)) {
		files, err := diagram.Render(ctx, env, byEnv[env])
		if err != nil {
			return err
		}
		changed, err := files.Write(dir)
		if err != nil {
			return err
		}
		mmd, svg := diagram.Paths(dir, env)
		state := "unchanged"
		if changed {
			state = "written"
		}
		fmt.Printf("diagram %s: %s, %s (%s)\n", env, mmd, svg, state)
	}
	return nil
}
