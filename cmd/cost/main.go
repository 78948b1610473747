// Command cost estimates one environment's monthly AWS cost: it synthesizes
// the environment, plans its stacks offline and prices the plans (package
// cost), printing the bill of materials, the total per stack and the top
// cost drivers. With -what-if-tier it also estimates the same environment at
// another tier (its file with only `tier` changed, synthesized and planned
// the same way) and prints the difference, and the comparison with the
// reference estimate as Markdown (the block docs/cost.md shows). All work happens under
// .check/cost; nothing else changes.
//
//	go run ./cmd/cost -env acme-prod [-what-if-tier development] [-json]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/cost"
)

func main() {
	env := flag.String("env", "", "the environment to estimate, e.g. acme-prod (required)")
	whatIf := flag.String("what-if-tier", "", "also estimate the environment at this tier (production or development) and print the difference")
	asJSON := flag.Bool("json", false, "print the estimate(s) as JSON")
	verbose := flag.Bool("v", false, "show synthesis and Terraform progress")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *env, config.Tier(*whatIf), *asJSON, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "cost:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, env string, whatIf config.Tier, asJSON, verbose bool) error {
	if env == "" {
		return fmt.Errorf("-env is required, e.g. -env acme-prod")
	}
	if whatIf != "" && whatIf != config.TierProduction && whatIf != config.TierDevelopment {
		return fmt.Errorf("-what-if-tier %q: want %s or %s", whatIf, config.TierProduction, config.TierDevelopment)
	}
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(repo, "go.mod")); err != nil {
		return fmt.Errorf("run this at the root of the project (no go.mod in %s)", repo)
	}
	cache := os.Getenv("TF_PLUGIN_CACHE_DIR")
	if cache == "" {
		cache = filepath.Join(repo, ".check", "plugin-cache")
	}
	var log io.Writer = io.Discard
	if verbose {
		log = os.Stderr
	}
	opts := cost.RunOptions{Repo: repo, Env: env, Scratch: filepath.Join(repo, ".check", "cost", env), PluginCacheDir: cache, Log: log}
	est, err := cost.Run(ctx, opts)
	if err != nil {
		return err
	}
	if whatIf == "" {
		if asJSON {
			return cost.WriteJSON(os.Stdout, est)
		}
		cost.WriteBill(os.Stdout, est)
		return nil
	}
	opts.Tier, opts.Scratch = whatIf, filepath.Join(repo, ".check", "cost", env+"-"+string(whatIf))
	alt, err := cost.Run(ctx, opts)
	if err != nil {
		return fmt.Errorf("%s at tier %s: %w", env, whatIf, err)
	}
	cmp := cost.Compare(est, alt, string(whatIf))
	if asJSON {
		return cost.WriteJSON(os.Stdout, cmp)
	}
	cost.WriteBill(os.Stdout, est)
	fmt.Println()
	cost.WriteComparison(os.Stdout, cmp)
	fmt.Println()
	cost.WriteReference(os.Stdout, cmp)
	return nil
}
