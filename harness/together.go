package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Planning every stack in one Terraform run costs a fraction of the CPU of
// a run per stack: Terraform loads the AWS provider's schema once per
// command, and one plan and one show -json replace a plan and a show per
// stack. The run's root module (<scratch>/together) calls each prepared
// stack copy as a module; the copies keep their override files, so each
// module reads its own stub states, and its backend block is ignored
// (Terraform warns, harmlessly). Their AWS provider configurations are
// shared where they are equal (share.go).
//
// A failure of the combined run says little about which stack failed, so
// Offline then checks every stack in a run of its own; the combined run is
// only ever a faster way to the same all-pass answer.

// togetherDir is the root module of the combined run.
func togetherDir(scratch string) string { return filepath.Join(scratch, "together") }

// moduleName is the module call names Terraform accepts.
var moduleName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// offlineTogether plans the prepared stacks of results (cfgs[i] != nil for
// all) in one Terraform run and fills in their results. It reports false,
// leaving results untouched, when the stacks cannot share a run or the run
// fails: then the caller checks them one by one.
func (tf *terraform) offlineTogether(ctx context.Context, opts Options, results []Result, cfgs []*stackConfig) bool {
	if len(results) < 2 {
		return false
	}
	dir := togetherDir(opts.Scratch)
	for i, r := range results {
		if cfgs[i] == nil || !moduleName.MatchString(r.Stack) {
			return false
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return false
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false
	}
	shared, err := shareProviders(opts.Scratch, stackNames(results))
	if err != nil {
		tf.logf("offline %d stacks together: sharing provider configurations: %v; each module keeps its own", len(results), err)
		shared = nil
	}
	root := map[string]any{}
	calls := map[string]any{}
	for _, r := range results {
		source := scratchStackDir(opts.Scratch, r.Stack)
		call := map[string]any{}
		if shared != nil {
			source = sharedModuleDir(opts.Scratch, r.Stack)
			call["providers"] = shared.passes[r.Stack]
		}
		rel, err := filepath.Rel(dir, source)
		if err != nil {
			return false
		}
		call["source"] = "./" + filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "..") {
			call["source"] = filepath.ToSlash(rel)
		}
		calls[r.Stack] = call
	}
	root["module"] = calls
	if shared != nil {
		root["terraform"] = map[string]any{"required_providers": map[string]any{"aws": shared.required}}
		root["provider"] = map[string]any{"aws": shared.root}
	}
	data, _ := json.MarshalIndent(root, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), data, 0o644); err != nil {
		return false
	}

	const name = "(together)"
	init, _ := tf.run(ctx, dir, logPath(opts.Scratch, name, "init"), nil, "init", "-input=false", "-no-color")
	if !init.OK {
		tf.logf("offline %d stacks together: init failed, checking each on its own", len(results))
		return false
	}
	planFile := filepath.Join(dir, "offline.tfplan")
	plan, _ := tf.run(ctx, dir, logPath(opts.Scratch, name, "plan"), nil, planArgs(planFile)...)
	if !plan.OK {
		tf.logf("offline %d stacks together: plan failed, checking each on its own", len(results))
		return false
	}
	counts, err := moduleCounts(plan.Log)
	if err != nil {
		tf.logf("offline %d stacks together: %v; checking each on its own", len(results), err)
		return false
	}
	var show StepResult
	var split map[string][]byte
	if !opts.Quick {
		var out strings.Builder
		show, _ = tf.run(ctx, dir, logPath(opts.Scratch, name, "show"), &out, "show", "-json", "-no-color", planFile)
		if show.OK {
			split, err = splitPlanJSON([]byte(out.String()), stackNames(results), shared)
		}
		if !show.OK || err != nil {
			tf.logf("offline %d stacks together: show failed (%v), checking each on its own", len(results), err)
			return false
		}
	}

	// Each stack is charged an equal share of the shared steps.
	share := func(s StepResult) StepResult {
		s.Duration /= time.Duration(len(results))
		return s
	}
	for i := range results {
		r := &results[i]
		r.Init, r.Plan = share(init), share(plan)
		r.Validate = StepResult{Ran: true, OK: true, Log: plan.Log} // validated by the plan
		c := counts[r.Stack]
		r.Adds, r.Changes, r.Destroys = c[0], c[1], c[2]
		if opts.Quick {
			continue
		}
		r.Show = share(show)
		r.PlanJSON = filepath.Join(scratchStackDir(opts.Scratch, r.Stack), "plan.json")
		if err := os.WriteFile(r.PlanJSON, split[r.Stack], 0o644); err != nil {
			r.Show.OK, r.Show.Output = false, err.Error()
		}
	}
	tf.logf("offline %d stacks together  init %s %s  plan %s %s  show %s %s",
		len(results), init.Status(), secs(init), plan.Status(), secs(plan), show.Status(), secs(show))
	return true
}

func stackNames(results []Result) []string {
	names := make([]string, len(results))
	for i, r := range results {
		names[i] = r.Stack
	}
	return names
}

// changeLine is a resource's header in a plan's text, e.g.
// "  # module.acme-dev-primary.aws_vpc.vpc will be created".
var changeLine = regexp.MustCompile(`(?m)^\s*# module\.([A-Za-z0-9_-]+)\.\S+.* (will be created|will be destroyed|will be updated in-place|must be replaced)$`)

// moduleCounts reads the planned adds, changes and destroys per top-level
// module from the text of a plan log, and checks that they add up to the
// plan's own "Plan:" line, so a header format it misreads cannot go unseen.
func moduleCounts(logPath string) (map[string][3]int, error) {
	data, err := os.ReadFile(logPath)
	if err != nil {
		return nil, err
	}
	counts := map[string][3]int{}
	var total [3]int
	for _, m := range changeLine.FindAllStringSubmatch(string(data), -1) {
		c := counts[m[1]]
		switch m[2] {
		case "will be created":
			c[0]++
		case "will be updated in-place":
			c[1]++
		case "will be destroyed":
			c[2]++
		case "must be replaced": // one add and one destroy, as Terraform counts it
			c[0]++
			c[2]++
		}
		counts[m[1]] = c
	}
	for _, c := range counts {
		for i := range total {
			total[i] += c[i]
		}
	}
	a, ch, d := planCounts(logPath)
	if total != [3]int{a, ch, d} {
		return nil, fmt.Errorf("resource headers add up to +%d ~%d -%d, the plan says +%d ~%d -%d", total[0], total[1], total[2], a, ch, d)
	}
	return counts, nil
}

// splitPlanJSON cuts the show -json output of the combined plan into one
// plan document per stack, shaped as that stack's own plan would be: its
// resource changes, planned values and configuration, with the
// "module.<stack>." prefix taken off every address. Root outputs are not in
// it (a module's outputs are not part of a plan's output changes).
//
// With shared provider configurations (share.go) a stack's provider_config
// is rebuilt from the root's configurations it was given, under its own keys,
// and its resources' provider_config_key point at those keys again.
func splitPlanJSON(data []byte, stacks []string, shared *sharedProviders) (map[string][]byte, error) {
	var all struct {
		FormatVersion    string           `json:"format_version"`
		TerraformVersion string           `json:"terraform_version"`
		ResourceChanges  []map[string]any `json:"resource_changes"`
		PlannedValues    struct {
			RootModule struct {
				ChildModules []map[string]any `json:"child_modules"`
			} `json:"root_module"`
		} `json:"planned_values"`
		Configuration struct {
			ProviderConfig map[string]map[string]any `json:"provider_config"`
			RootModule     struct {
				ModuleCalls map[string]map[string]any `json:"module_calls"`
			} `json:"root_module"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("reading the combined plan: %w", err)
	}
	out := map[string][]byte{}
	for _, stack := range stacks {
		prefix := "module." + stack
		changes := []any{}
		for _, rc := range all.ResourceChanges {
			if ma, _ := rc["module_address"].(string); ma == prefix || strings.HasPrefix(ma, prefix+".") {
				changes = append(changes, unprefix(rc, prefix))
			}
		}
		root := map[string]any{}
		for _, m := range all.PlannedValues.RootModule.ChildModules {
			if m["address"] == prefix {
				root = unprefix(m, prefix).(map[string]any)
				delete(root, "address")
			}
		}
		providers := map[string]any{}
		keys := map[string]string{} // provider_config_key in the combined plan -> in the stack's own
		for key, p := range all.Configuration.ProviderConfig {
			if k, ok := strings.CutPrefix(key, prefix+":"); ok {
				p = unprefix(p, prefix).(map[string]any)
				delete(p, "module_address")
				providers[k] = p
				keys[key] = k
			}
		}
		var config any = map[string]any{}
		if call, ok := all.Configuration.RootModule.ModuleCalls[stack]; ok {
			config = call["module"]
		}
		if shared != nil {
			maps.Copy(keys, shared.localKeys(stack))
			for local, rootKey := range shared.passes[stack] {
				p, ok := all.Configuration.ProviderConfig[rootKey]
				if !ok {
					return nil, fmt.Errorf("the combined plan has no provider configuration %s (%s of %s)", rootKey, local, stack)
				}
				p = maps.Clone(p)
				delete(p, "alias")
				if alias, ok := strings.CutPrefix(local, "aws."); ok {
					p["alias"] = alias
				}
				providers[local] = p
			}
		}
		config = rekeyProviders(config, keys)
		doc, err := json.Marshal(map[string]any{
			"format_version":    all.FormatVersion,
			"terraform_version": all.TerraformVersion,
			"resource_changes":  changes,
			"planned_values":    map[string]any{"root_module": root},
			"configuration":     map[string]any{"provider_config": providers, "root_module": config},
		})
		if err != nil {
			return nil, err
		}
		out[stack] = doc
	}
	return out, nil
}

// rekeyProviders copies v with every provider_config_key in it mapped
// through keys (a key not in it stays).
func rekeyProviders(v any, keys map[string]string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if s, ok := x.(string); ok && k == "provider_config_key" {
				if local, ok := keys[s]; ok {
					x = local
				}
			}
			out[k] = rekeyProviders(x, keys)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = rekeyProviders(x, keys)
		}
		return out
	}
	return v
}

// unprefix copies v with prefix ("module.<stack>") taken off the address and
// module_address values inside it; a module_address that was just the prefix
// goes (the resource is in the root module of its own plan).
func unprefix(v any, prefix string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "address" || k == "module_address") {
				if s == prefix {
					if k == "module_address" {
						continue
					}
					out[k] = ""
					continue
				}
				out[k] = strings.TrimPrefix(s, prefix+".")
				continue
			}
			out[k] = unprefix(x, prefix)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = unprefix(x, prefix)
		}
		return out
	}
	return v
}
