package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/internal/nodeenv"
	"github.com/multiregion/multiregion/stacks"
	"github.com/multiregion/multiregion/workspaces"
)

// selectionEnv names the environment variable that selects environments,
// e.g. MULTIREGION_ENVIRONMENTS=acme-prod,acme-staging.
const selectionEnv = "MULTIREGION_ENVIRONMENTS"

// contextKey is the cdktf context value that selects environments (in
// cdktf.json's "context", or CDKTF_CONTEXT_JSON as the cdktf CLI passes it).
const contextKey = "environments"

// selectedEnvironments returns the environments to synthesize, empty for
// all: the environment variable wins over the CLI's context, which wins over
// cdktf.json (read directly when the app runs without the CLI).
func selectedEnvironments() ([]string, error) {
	if v := os.Getenv(selectionEnv); v != "" {
		return splitList(v), nil
	}
	if raw := os.Getenv("CDKTF_CONTEXT_JSON"); raw != "" {
		return contextSelection("CDKTF_CONTEXT_JSON", []byte(raw))
	}
	raw, err := os.ReadFile("cdktf.json")
	if err != nil {
		return nil, nil
	}
	var file struct {
		Context json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(raw, &file); err != nil || file.Context == nil {
		return nil, nil
	}
	return contextSelection("cdktf.json context", file.Context)
}

// contextSelection reads the "environments" value: a list or a comma-separated string.
func contextSelection(source string, raw []byte) ([]string, error) {
	var ctx map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ctx); err != nil {
		return nil, fmt.Errorf("%s: not a JSON object: %w", source, err)
	}
	v, ok := ctx[contextKey]
	if !ok {
		return nil, nil
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return list, nil
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return splitList(s), nil
	}
	return nil, fmt.Errorf("%s: %q: %s is not allowed; want a list of environment ids or a comma-separated string, e.g. \"acme-prod,acme-staging\"", source, contextKey, v)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// outdir is where the cdktf CLI wants the output (CDKTF_OUTDIR), else
// cdktf.out. keepOrphans is true under the CLI: it lists the stack folders
// before the app runs and removes afterwards those the run did not produce,
// so they must still be there for it (it fails on a missing one).
func outdir() (dir string, keepOrphans bool) {
	if d := os.Getenv("CDKTF_OUTDIR"); d != "" {
		return d, true
	}
	return "cdktf.out", false
}

// synthesize writes the environments' stacks into a fresh folder beside dir
// and swaps it in only when synthesis succeeded, so a failed or interrupted
// run leaves an earlier output intact and no fresh folder behind. Terraform
// working state of the old output (.terraform folders and lock files)
// moves over, so deploys need no re-init. Stack folders of the old output
// that the run does not produce move over too when keepOrphans (for the
// cdktf CLI to remove), else they go.
func synthesize(dir string, envs []*config.Environment, keepOrphans bool) error {
	dir = filepath.Clean(dir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".new-")
	if err != nil {
		return err
	}
	// Ctrl-C reaches the app and its jsii kernel together: the kernel
	// stops, synthesis fails, and the fresh folder goes before the app exits
	// (removing it while the kernel might still write would leave debris).
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupted)
	defer os.RemoveAll(tmp) // no-op after a successful swap
	err = synthesizeInto(tmp, envs)
	select {
	case sig := <-interrupted:
		return fmt.Errorf("%v: synthesis interrupted; %s is left as it was", sig, dir)
	default:
	}
	if err != nil {
		return err
	}
	if err := workspaces.Write(tmp, envs); err != nil { // what the HCP Terraform workspaces need
		return err
	}
	return swap(tmp, dir, keepOrphans)
}

// synthesizeInto builds the app and synthesizes it into outdir.
func synthesizeInto(outdir string, envs []*config.Environment) (err error) {
	defer func() {
		if r := recover(); r != nil { // jsii reports synthesis errors as panics
			err = fmt.Errorf("synthesis failed: %v", r)
		}
	}()
	nodeenv.Setup() // before the first jsii call starts the kernel
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	stacks.Build(app, envs)
	app.Synth()
	return nil
}

// swap replaces dir by tmp, carrying over each stack's Terraform working
// state, and with keepOrphans the stack folders tmp does not have.
func swap(tmp, dir string, keepOrphans bool) error {
	old := dir + ".old"
	os.RemoveAll(old)
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir) // put the earlier output back
		return err
	}
	keep, _ := filepath.Glob(filepath.Join(old, "stacks", "*", ".terraform*"))
	for _, p := range keep {
		rel, _ := filepath.Rel(old, p)
		target := filepath.Join(dir, rel)
		if _, err := os.Stat(filepath.Dir(target)); err == nil {
			os.Rename(p, target)
		}
	}
	if keepOrphans {
		stackDirs, _ := filepath.Glob(filepath.Join(old, "stacks", "*"))
		for _, p := range stackDirs {
			target := filepath.Join(dir, "stacks", filepath.Base(p))
			if _, err := os.Lstat(target); os.IsNotExist(err) {
				os.MkdirAll(filepath.Dir(target), 0o755)
				os.Rename(p, target)
			}
		}
	}
	return os.RemoveAll(old)
}
