// Command diff shows, offline, what Terraform would do to the stacks of one
// or more environments: it synthesizes them into a scratch folder, plans
// each stack against the real AWS provider with fake credentials and stub
// state for the stacks upstream (as the checks do), and prints Terraform's
// plan per stack. It never touches cdktf.out or any state: everything
// happens in .check/diff.
//
//	go run ./cmd/diff acme-prod [acme-staging ...]
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/multiregion/multiregion/harness"
)

const modulePath = "github.com/multiregion/multiregion"

func main() {
	envs := os.Args[1:]
	if len(envs) == 0 || strings.HasPrefix(envs[0], "-") {
		fmt.Fprintln(os.Stderr, "usage: go run ./cmd/diff <customer>-<env> [...]   e.g. go run ./cmd/diff acme-prod")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := diff(ctx, envs); err != nil {
		fmt.Fprintln(os.Stderr, "diff:", err)
		stop()
		os.Exit(1)
	}
}

func diff(ctx context.Context, envs []string) error {
	repo, err := harness.ModuleRoot(modulePath)
	if err != nil {
		return err
	}
	if err := harness.RequireTerraform(); err != nil {
		return err
	}
	scratch := filepath.Join(repo, ".check", "diff")
	outdir := filepath.Join(scratch, "cdktf.out")
	if err := harness.Synthesize(ctx, repo, outdir, envs); err != nil {
		return err
	}
	stacks, err := harness.ReadManifest(outdir)
	if err != nil {
		return err
	}
	offline := filepath.Join(scratch, "offline")
	if err := os.RemoveAll(offline); err != nil {
		return err
	}
	results, err := harness.Offline(ctx, harness.Options{
		Scratch:        offline,
		Quick:          true,
		PerStack:       true,
		PluginCacheDir: harness.PluginCache(filepath.Join(repo, ".check")),
	}, stacks)
	for _, r := range results {
		fmt.Printf("\n===== %s =====\n", r.Stack)
		if !r.Plan.OK {
			fmt.Println("(no plan: see the error below)")
			continue
		}
		plan, readErr := os.ReadFile(r.Plan.Log)
		if readErr != nil {
			err = errors.Join(err, readErr)
			continue
		}
		fmt.Print(string(plan))
	}
	return err
}
