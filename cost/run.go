package cost

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
)

// RunOptions say which environment Run estimates, and how.
type RunOptions struct {
	Repo string // the project (the folder with go.mod and config/environments)
	Env  string // e.g. acme-prod
	// Tier, when set, estimates the environment as if its file said
	// `tier: <Tier>`: the file is copied with that one change, synthesized
	// and planned, so every tier default (NAT per AZ, endpoints, Multi-AZ,
	// WAF ...) comes out as the app would really make it.
	Tier config.Tier
	// Scratch is the work folder, wiped first; nothing outside it changes.
	// Keep it inside the project, so that the app run from a copy of the
	// config there still finds the project's Node.js (internal/nodeenv
	// looks for go.mod upward from the working directory).
	Scratch string
	// PluginCacheDir is Terraform's provider cache (see harness.Options).
	PluginCacheDir string
	Log            io.Writer
}

// Run synthesizes one environment into the scratch folder (with the app
// built from Repo), plans its stacks offline (harness.Offline) and prices
// the plans.
func Run(ctx context.Context, o RunOptions) (*Estimate, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	scratch, err := filepath.Abs(o.Scratch)
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(scratch); err != nil {
		return nil, err
	}
	root := o.Repo // the folder the app reads config/environments from
	if o.Tier != "" {
		root = filepath.Join(scratch, "project")
		if err := copyConfig(o.Repo, root, o.Env, o.Tier); err != nil {
			return nil, err
		}
	}
	envs, err := config.LoadDir(filepath.Join(root, config.DefaultDir), []string{o.Env})
	if err != nil {
		return nil, err
	}
	var env *config.Environment
	for _, e := range envs {
		if e.ID() == o.Env {
			env = e
		}
	}
	outdir := filepath.Join(scratch, "cdktf.out")
	if err := synthesize(ctx, o.Repo, root, scratch, outdir, o.Env, o.Log); err != nil {
		return nil, err
	}
	all, err := harness.ReadManifest(outdir)
	if err != nil {
		return nil, err
	}
	var stacks []harness.Stack
	for _, s := range all {
		if config.EnvOfStack(s.Name) == o.Env {
			stacks = append(stacks, s)
		}
	}
	results, err := harness.Offline(ctx, harness.Options{Scratch: filepath.Join(scratch, "offline"), PluginCacheDir: o.PluginCacheDir, Log: o.Log}, stacks)
	if err != nil {
		return nil, fmt.Errorf("planning %s offline: %w", o.Env, err)
	}
	prices, err := LoadPrices()
	if err != nil {
		return nil, err
	}
	est, err := FromResults(results, []*config.Environment{env}, prices)
	if err != nil {
		return nil, err
	}
	return est[0], nil
}

// synthesize builds the app of repo and runs it in root, writing env's
// stacks (and those it needs) to outdir.
func synthesize(ctx context.Context, repo, root, scratch, outdir, env string, log io.Writer) error {
	app := filepath.Join(scratch, "app")
	build := exec.CommandContext(ctx, "go", "build", "-o", app, ".")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the app (go build in %s): %v\n%s", repo, err, out)
	}
	run := exec.CommandContext(ctx, app)
	run.Dir = root
	run.Env = append(os.Environ(), "CDKTF_OUTDIR="+outdir, "MULTIREGION_ENVIRONMENTS="+env, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	run.Stdout, run.Stderr = log, log
	if err := run.Run(); err != nil {
		return fmt.Errorf("synthesizing %s: %w", env, err)
	}
	return nil
}

// copyConfig copies repo's environment files to root, setting
// `tier: <tier>` in env's file (and changing nothing else in it).
func copyConfig(repo, root, env string, tier config.Tier) error {
	src := filepath.Join(repo, config.DefaultDir)
	dst := filepath.Join(root, config.DefaultDir)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	paths, err := filepath.Glob(filepath.Join(src, "*.y*ml"))
	if err != nil {
		return err
	}
	found := false
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		base := filepath.Base(p)
		if strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml") == env {
			found = true
			if data, err = setTier(p, data, tier); err != nil {
				return err
			}
		}
		if err := os.WriteFile(filepath.Join(dst, base), data, 0o644); err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("%s: no file for environment %s", src, env)
	}
	return nil
}

// setTier sets the top-level tier key of a YAML document.
func setTier(path string, data []byte, tier config.Tier) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a mapping of settings", path)
	}
	m := doc.Content[0]
	set := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "tier" {
			m.Content[i+1].SetString(string(tier))
			set = true
		}
	}
	if !set {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "tier"}, &yaml.Node{Kind: yaml.ScalarNode, Value: string(tier)})
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// FromResults prices the plans of harness.Offline's results, one estimate
// per environment of envs that has stacks among them (in the order of envs).
// Environments on an emulator are left out: they cost nothing.
func FromResults(results []harness.Result, envs []*config.Environment, prices *Prices) ([]*Estimate, error) {
	byEnv := map[string][]StackPlan{}
	for _, r := range results {
		if r.PlanJSON == "" {
			continue
		}
		p, err := ReadPlan(r.Stack, r.PlanJSON)
		if err != nil {
			return nil, err
		}
		byEnv[config.EnvOfStack(r.Stack)] = append(byEnv[config.EnvOfStack(r.Stack)], p)
	}
	var out []*Estimate
	for _, e := range envs {
		plans, ok := byEnv[e.ID()]
		if !ok || e.Emulator != nil {
			continue
		}
		est, err := EstimateEnv(e.ID(), e.Usage.Values(), plans, prices)
		if err != nil {
			return nil, fmt.Errorf("estimating %s: %w", e.ID(), err)
		}
		est.Tier = string(e.Tier)
		out = append(out, est)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no plans to price (plan.json is written unless the offline check ran quick)")
	}
	return out, nil
}
