package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Result is the offline check of one stack.
type Result struct {
	Stack    string
	Init     StepResult // terraform init, or a copy of another stack's init
	Validate StepResult // the plan's own validation; terraform validate only after a failed plan
	Plan     StepResult // terraform plan -refresh=false with fake credentials
	Show     StepResult // terraform show -json of the plan, saved as PlanJSON (not in quick mode)
	PlanJSON string     // path of plan.json, for policy checks

	Adds, Changes, Destroys int // planned resource actions (a replace counts as one add and one destroy)
}

// offlineOverrideFile is the Terraform override file Offline writes beside
// each cdk.tf.json (which it never modifies).
const offlineOverrideFile = "zz_offline_override.tf.json"

// Offline validates and plans every stack without cloud access, up to
// opts.Parallel stacks at once. Each stack is copied into the scratch folder
// with an override file that swaps its backend for a local one, lets the AWS
// provider plan with fake credentials, and points every terraform_remote_state
// at a stub state holding fake values of the upstream stack's outputs. So
// dependent stacks plan too, in any order.
//
// A failing stack does not stop the others; the error joins every failure,
// naming stack and step. Results are in the order of stacks.
func Offline(ctx context.Context, opts Options, stacks []Stack) ([]Result, error) {
	tf, err := newTerraform(&opts)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(stacks))
	cfgs := make([]*stackConfig, len(stacks))
	stubs := &stubStates{dir: filepath.Join(opts.Scratch, "stubs"), stacks: map[string]Stack{}}
	for _, s := range stacks {
		stubs.stacks[s.Name] = s
	}
	for i, s := range stacks {
		results[i].Stack = s.Name
		dir := scratchStackDir(opts.Scratch, s.Name)
		cfg, err := prepareOffline(s, dir, stubs)
		if err != nil {
			results[i].Init = StepResult{Ran: true, Output: err.Error()}
			continue
		}
		cfgs[i] = cfg
	}

	// All stacks in one Terraform run when they all pass (together.go); else,
	// or when asked, each on its own, below.
	if !opts.PerStack && tf.offlineTogether(ctx, opts, results, cfgs) {
		return results, nil
	}

	// One real init per distinct set of required providers, run one at a time
	// (the plugin cache is not safe for concurrent installs); the other stacks
	// copy its .terraform folder and lock file. That is sound because every
	// copy has the same backend (the override's) and the same providers. A
	// stack whose own config breaks init does not take the others down: the
	// next stack of the group tries.
	templates := map[string]int{}
	for i, cfg := range cfgs {
		if cfg == nil || len(cfg.Module) > 0 {
			continue
		}
		key := providersKey(cfg)
		if _, ok := templates[key]; ok {
			continue
		}
		results[i].Init = tf.initStack(ctx, opts.Scratch, results[i].Stack)
		if results[i].Init.OK {
			templates[key] = i
		}
	}

	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		if cfg == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r := &results[i]
			if !r.Init.Ran {
				if t, ok := templates[providersKey(cfg)]; ok && len(cfg.Module) == 0 {
					r.Init = cloneInit(scratchStackDir(opts.Scratch, results[t].Stack), scratchStackDir(opts.Scratch, r.Stack))
				} else {
					r.Init = tf.initStack(ctx, opts.Scratch, r.Stack) // modules need their own init
				}
			}
			if r.Init.OK {
				tf.offlineStack(ctx, opts.Scratch, opts.Quick, r)
			}
			tf.logf("offline %-28s init %s %s  validate %s %s  plan %s %s (+%d ~%d -%d)  show %s %s",
				r.Stack, r.Init.Status(), secs(r.Init), r.Validate.Status(), secs(r.Validate),
				r.Plan.Status(), secs(r.Plan), r.Adds, r.Changes, r.Destroys, r.Show.Status(), secs(r.Show))
		}()
	}
	wg.Wait()

	var errs []error
	for _, r := range results {
		for _, step := range []struct {
			name string
			s    StepResult
		}{{"init", r.Init}, {"validate", r.Validate}, {"plan", r.Plan}, {"show", r.Show}} {
			if step.s.Ran && !step.s.OK {
				errs = append(errs, stepError(r.Stack, step.name, step.s))
				break
			}
		}
	}
	return results, errors.Join(errs...)
}

func secs(s StepResult) string { return fmt.Sprintf("%.1fs", s.Duration.Seconds()) }

// providersKey identifies a stack's required providers (json.Marshal sorts keys).
func providersKey(cfg *stackConfig) string {
	b, _ := json.Marshal(cfg.Terraform.RequiredProviders)
	return string(b)
}

// prepareOffline copies stack s to dir and writes its override and the stubs it reads.
func prepareOffline(s Stack, dir string, stubs *stubStates) (*stackConfig, error) {
	cfg, err := loadStackConfig(s.Dir)
	if err != nil {
		return nil, err
	}
	if err := copyStack(s.Dir, dir); err != nil {
		return nil, fmt.Errorf("copying %s: %w", s.Dir, err)
	}
	if _, err := dropEndpoints(dir); err != nil { // nothing is called offline
		return nil, err
	}
	stubPaths := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(cfg.Data.RemoteState)) {
		path, err := stubs.path(s, cfg, name)
		if err != nil {
			return nil, err
		}
		stubPaths[name] = path
	}
	ov, err := offlineOverride(cfg, stubPaths)
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(ov, "", "  ")
	if err != nil {
		return nil, err
	}
	return cfg, os.WriteFile(filepath.Join(dir, offlineOverrideFile), data, 0o644)
}

// offlineOverride is the content of the override file for a stack:
//   - a local backend in the stack's folder, replacing local, s3 or cloud
//     (an override's backend block wins over a cloud block, see Terraform's
//     override file docs);
//   - every AWS provider configuration, matched by alias, set to plan with fake
//     credentials and no account look-up (allowed_account_ids must be unset
//     for that), with credential sources removed (the copy has no emulator
//     endpoints: dropEndpoints);
//   - every terraform_remote_state reading its stub state file.
func offlineOverride(cfg *stackConfig, stubPaths map[string]string) (map[string]any, error) {
	ov := map[string]any{
		"terraform": map[string]any{
			"backend": map[string]any{"local": map[string]any{"path": "terraform.tfstate"}},
		},
	}
	providers, err := cfg.providers("aws")
	if err != nil {
		return nil, err
	}
	if len(providers) > 0 {
		var list []any
		for _, p := range providers {
			entry := map[string]any{
				"skip_credentials_validation": true,
				"skip_requesting_account_id":  true,
				"skip_metadata_api_check":     true,
				"skip_region_validation":      true,
				"allowed_account_ids":         nil,
			}
			if a := p.alias(); a != "" {
				entry["alias"] = a
			}
			for _, k := range []string{"profile", "shared_config_files", "shared_credentials_files"} {
				if _, ok := p[k]; ok {
					entry[k] = nil
				}
			}
			// An override's nested block replaces all blocks of that type; an
			// empty one leaves every setting at its default.
			for _, k := range []string{"assume_role", "assume_role_with_web_identity"} {
				if _, ok := p[k]; ok {
					entry[k] = map[string]any{}
				}
			}
			list = append(list, entry)
		}
		ov["provider"] = map[string]any{"aws": list}
	}
	if len(stubPaths) > 0 {
		rs := map[string]any{}
		for name, path := range stubPaths {
			rs[name] = map[string]any{
				"backend": "local",
				"config":  map[string]any{"path": path},
				// cdktf sets workspace = terraform.workspace; pin it, so a
				// local read never looks in terraform.tfstate.d/.
				"workspace": "default",
			}
		}
		ov["data"] = map[string]any{"terraform_remote_state": rs}
	}
	return ov, nil
}

// stubStates writes the stub state files that stand in for upstream stacks.
type stubStates struct {
	dir     string           // where stubs are written
	stacks  map[string]Stack // known stacks by name
	written map[string]bool  // stub files already written
}

// path returns the stub state file for remote state ds of stack s, writing it
// on first use. A known upstream stack gets one stub holding every output it
// declares, so a reference to an output it lacks fails the plan, as it would
// for real. An unknown upstream gets a stub of just the outputs s reads.
func (st *stubStates) path(s Stack, cfg *stackConfig, ds string) (string, error) {
	up := upstreamOf(ds, cfg.Data.RemoteState[ds])
	upDir := ""
	if u, ok := st.stacks[up]; ok {
		upDir = u.Dir
	} else if sib := filepath.Join(filepath.Dir(s.Dir), up); up != "" && fileExists(filepath.Join(sib, stackFile)) {
		upDir = sib // a stack of the same cdktf.out that was not selected
	}
	var path string
	outputs := map[string]bool{} // name -> sensitive
	if upDir != "" {
		path = filepath.Join(st.dir, up+".tfstate")
		if st.written[path] {
			return path, nil
		}
		upCfg, err := loadStackConfig(upDir)
		if err != nil {
			return "", fmt.Errorf("reading upstream %s of %s: %w", up, s.Name, err)
		}
		for name, o := range upCfg.Output {
			outputs[name] = o.Sensitive
		}
	} else {
		path = filepath.Join(st.dir, s.Name+"."+ds+".tfstate")
		for _, name := range referencedOutputs(cfg.raw, ds) {
			outputs[name] = true
		}
	}
	if err := os.MkdirAll(st.dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, stubState(outputs), 0o644); err != nil {
		return "", err
	}
	if st.written == nil {
		st.written = map[string]bool{}
	}
	st.written[path] = true
	return path, nil
}

// upstreamOf names the stack a terraform_remote_state reads: from cdktf's
// data source name, else from its backend config.
func upstreamOf(ds string, rs remoteState) string {
	if name, ok := strings.CutPrefix(ds, "cross-stack-reference-input-"); ok {
		return name
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	switch rs.Backend {
	case "local":
		base := strings.TrimSuffix(filepath.Base(str(rs.Config, "path")), ".tfstate")
		return strings.TrimPrefix(base, "terraform.") // cdktf's default: terraform.<stack>.tfstate
	case "s3":
		stack, _, _ := strings.Cut(str(rs.Config, "key"), "/")
		return stack
	case "remote":
		ws, _ := rs.Config["workspaces"].(map[string]any)
		return str(ws, "name")
	}
	return ""
}

// referencedOutputs lists the outputs of remote state ds that a stack reads.
func referencedOutputs(raw []byte, ds string) []string {
	re := regexp.MustCompile(`data\.terraform_remote_state\.` + regexp.QuoteMeta(ds) + `\.outputs\.([A-Za-z0-9_-]+)`)
	seen := map[string]bool{}
	for _, m := range re.FindAllSubmatch(raw, -1) {
		seen[string(m[1])] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

// stubState is a state file with only outputs, each a StubValue. Terraform
// needs each output's type.
func stubState(outputs map[string]bool) []byte {
	type output struct {
		Value     any  `json:"value"`
		Type      any  `json:"type"`
		Sensitive bool `json:"sensitive"`
	}
	out := map[string]output{}
	for name, sensitive := range outputs {
		v := StubValue(name)
		var typ any = "string"
		if _, ok := v.([]string); ok {
			typ = []string{"list", "string"}
		}
		out[name] = output{Value: v, Type: typ, Sensitive: sensitive}
	}
	data, _ := json.MarshalIndent(map[string]any{
		"version": 4, "terraform_version": "1.11.0", "serial": 1, "lineage": "stub",
		"outputs": out, "resources": []any{},
	}, "", "  ")
	return data
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// initStack runs terraform init in a stack copy and drops the lock's hashes.
func (tf *terraform) initStack(ctx context.Context, scratch, stack string) StepResult {
	dir := scratchStackDir(scratch, stack)
	res, _ := tf.run(ctx, dir, logPath(scratch, stack, "init"), nil, "init", "-input=false", "-no-color")
	if res.OK {
		if err := dropLockHashes(dir); err != nil {
			res.OK, res.Output = false, err.Error()
		}
	}
	return res
}

// planArgs is the offline plan of a stack or of several together, saved to planFile.
func planArgs(planFile string) []string {
	return []string{"plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=" + planFile}
}

// cloneInit gives dir the initialized state of from: its .terraform folder
// (provider links and backend record) and lock file.
func cloneInit(from, dir string) StepResult {
	start := time.Now()
	res := StepResult{Ran: true}
	err := copyTree(filepath.Join(from, ".terraform"), filepath.Join(dir, ".terraform"), nil)
	if err == nil {
		err = copyFile(filepath.Join(from, ".terraform.lock.hcl"), filepath.Join(dir, ".terraform.lock.hcl"))
	}
	res.OK, res.Duration = err == nil, time.Since(start)
	if err != nil {
		res.Output = err.Error()
	}
	return res
}

// offlineStack plans and shows one initialized stack. The plan does the
// validation (terraform plan runs the same validate walk first, and each
// Terraform command costs ~1.5-2 s of CPU just to load the AWS provider's
// schema), so terraform validate runs only after a failed plan, to tell the
// two apart. In quick mode no plan.json is written.
func (tf *terraform) offlineStack(ctx context.Context, scratch string, quick bool, r *Result) {
	dir := scratchStackDir(scratch, r.Stack)
	planFile := filepath.Join(dir, "offline.tfplan")
	r.Plan, _ = tf.run(ctx, dir, logPath(scratch, r.Stack, "plan"), nil, planArgs(planFile)...)
	if !r.Plan.OK {
		r.Validate, _ = tf.run(ctx, dir, logPath(scratch, r.Stack, "validate"), nil, "validate", "-no-color")
		if !r.Validate.OK {
			r.Plan = StepResult{} // the configuration is invalid: report that, not the plan
		}
		return
	}
	r.Validate = StepResult{Ran: true, OK: true, Log: r.Plan.Log} // validated by the plan
	r.Adds, r.Changes, r.Destroys = planCounts(r.Plan.Log)
	if quick {
		return
	}
	r.PlanJSON = filepath.Join(dir, "plan.json")
	f, err := os.Create(r.PlanJSON)
	if err != nil {
		r.Show = StepResult{Ran: true, Output: err.Error()}
		return
	}
	r.Show, _ = tf.run(ctx, dir, logPath(scratch, r.Stack, "show"), f, "show", "-json", "-no-color", planFile)
	if err := f.Close(); err != nil && r.Show.OK {
		r.Show.OK, r.Show.Output = false, err.Error()
	}
}

// logPath is where the log of a stack's step goes.
func logPath(scratch, stack, step string) string {
	return filepath.Join(scratch, "logs", stack, step+".log")
}

var planLine = regexp.MustCompile(`(?m)^Plan: .*`)
var planCount = regexp.MustCompile(`(\d+) to (add|change|destroy)`)

// planCounts reads the "Plan: 1 to add, 2 to change, 3 to destroy." line of
// a plan log; none (No changes.) means zeros.
func planCounts(logPath string) (adds, changes, destroys int) {
	data, _ := os.ReadFile(logPath)
	for _, m := range planCount.FindAllStringSubmatch(planLine.FindString(string(data)), -1) {
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "add":
			adds = n
		case "change":
			changes = n
		case "destroy":
			destroys = n
		}
	}
	return adds, changes, destroys
}
