package diagram

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
)

// Files is an environment's pictures: Mermaid and SVG.
type Files struct {
	Env     string
	Mermaid []byte
	SVG     []byte
}

// Render draws envID from its stacks.
func Render(ctx context.Context, envID string, stacks []Stack) (Files, error) {
	g, err := Build(envID, stacks)
	if err != nil {
		return Files{}, err
	}
	svg, err := g.SVG(ctx)
	if err != nil {
		return Files{}, err
	}
	return Files{Env: envID, Mermaid: g.Mermaid(), SVG: svg}, nil
}

// Paths are where the files of an environment live in dir.
func Paths(dir, envID string) (mermaid, svg string) {
	return filepath.Join(dir, envID+".mmd"), filepath.Join(dir, envID+".svg")
}

// Write writes f into dir (each file replaced whole, through a temporary
// file) and reports whether anything changed.
func (f Files) Write(dir string) (changed bool, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	mmd, svg := Paths(dir, f.Env)
	for path, data := range map[string][]byte{mmd: f.Mermaid, svg: f.SVG} {
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
			continue
		}
		changed = true
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return changed, err
		}
		if err := os.Rename(tmp, path); err != nil {
			return changed, err
		}
	}
	return changed, nil
}

// FromManifest reads the stacks of a cdktf output folder, grouped by
// environment (a stack <customer>-<env>-<role> belongs to <customer>-<env>),
// keeping those of envs (all when empty).
func FromManifest(outdir string, envs []string) (map[string][]Stack, error) {
	stacks, err := harness.ReadManifest(outdir)
	if err != nil {
		return nil, err
	}
	out := map[string][]Stack{}
	for _, s := range stacks {
		env := config.EnvOfStack(s.Name)
		if strings.HasSuffix(s.Name, config.BootstrapSuffix) || len(envs) > 0 && !contains(envs, env) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.Dir, "cdk.tf.json"))
		if err != nil {
			return nil, err
		}
		out[env] = append(out[env], Stack{Name: s.Name, JSON: data})
	}
	for _, e := range envs {
		if _, ok := out[e]; !ok {
			return nil, fmt.Errorf("environment %s has no stacks in %s", e, outdir)
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
