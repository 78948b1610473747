package harness

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Terraform starts a provider process for every provider configuration, in
// the validate walk and again in the plan walk, and each start costs the AWS
// provider a good part of a CPU-second before it plans anything (it builds
// and checks its schemas). The stacks of an environment declare the same
// regions and default tags, so most of their AWS configurations are equal.
// The combined offline run (together.go) declares each distinct
// configuration once, in its root module, and passes it to the stack
// modules, which are copies of the prepared stacks without their AWS
// provider blocks. The configurations are the stacks' own as the override
// leaves them; only their number changes.

// sharedProviders is how the combined run's root module provides the stacks'
// AWS provider configurations.
type sharedProviders struct {
	root     []map[string]any             // the root's aws blocks, aliases s0, s1, ...
	required map[string]any               // the root's required_providers.aws (the first stack's)
	passes   map[string]map[string]string // stack -> its key ("aws", "aws.primary") -> the root's ("aws.s0")
}

// sharedModuleDir is where the combined run's module copy of a stack goes.
func sharedModuleDir(scratch, stack string) string {
	return filepath.Join(togetherDir(scratch), "stacks", stack)
}

// shareProviders writes a module copy of each prepared stack without its AWS
// provider blocks (sharedModuleDir) and returns the root's configurations
// and what each module gets. It returns nil, writing nothing that matters,
// when a configuration cannot move to the root module as it is: it has an
// expression, a stack has none or two identical ones (a module's keys must
// map back one to one for its plan.json), or a file has an unexpected shape.
// The combined run then calls the stack copies as they are.
func shareProviders(scratch string, stacks []string) (*sharedProviders, error) {
	sp := &sharedProviders{passes: map[string]map[string]string{}}
	index := map[string]string{} // a configuration's JSON -> its root key
	for _, stack := range stacks {
		src := scratchStackDir(scratch, stack)
		main, err := readJSONNumbers(filepath.Join(src, stackFile))
		if err != nil {
			return nil, err
		}
		override, err := readJSONNumbers(filepath.Join(src, offlineOverrideFile))
		if err != nil {
			return nil, err
		}
		blocks, ok := awsBlocks(main)
		if !ok || len(blocks) == 0 {
			return nil, nil
		}
		overrides, _ := awsBlocks(override)
		passes := map[string]string{}
		seen := map[string]bool{}
		var aliases []string
		for _, b := range blocks {
			alias, _ := b["alias"].(string)
			cfg := maps.Clone(b)
			delete(cfg, "alias")
			for _, ov := range overrides {
				if a, _ := ov["alias"].(string); a == alias {
					for k, v := range ov {
						if k != "alias" {
							cfg[k] = v // null too: unset, as the override has it
						}
					}
				}
			}
			if hasExpression(cfg) {
				return nil, nil
			}
			key, err := json.Marshal(cfg) // map keys sorted: equal configurations, equal keys
			if err != nil {
				return nil, err
			}
			if seen[string(key)] {
				return nil, nil
			}
			seen[string(key)] = true
			rootKey, ok := index[string(key)]
			if !ok {
				rootAlias := fmt.Sprintf("s%d", len(sp.root))
				rootKey = "aws." + rootAlias
				index[string(key)] = rootKey
				cfg["alias"] = rootAlias
				sp.root = append(sp.root, cfg)
			}
			local := "aws"
			if alias != "" {
				local = "aws." + alias
				aliases = append(aliases, local)
			}
			passes[local] = rootKey
		}
		sp.passes[stack] = passes

		// The module copy: no AWS provider blocks, and its aliases declared
		// as configuration_aliases so the root can pass them.
		tf, _ := main["terraform"].(map[string]any)
		rp, _ := tf["required_providers"].(map[string]any)
		aws, _ := rp["aws"].(map[string]any)
		if aws == nil {
			return nil, nil
		}
		if sp.required == nil {
			sp.required = maps.Clone(aws)
		}
		if len(aliases) > 0 {
			slices.Sort(aliases)
			aws["configuration_aliases"] = aliases
		}
		providers := main["provider"].(map[string]any) // awsBlocks checked it
		delete(providers, "aws")
		if len(providers) == 0 {
			delete(main, "provider")
		}
		delete(override, "provider")
		dst := sharedModuleDir(scratch, stack)
		if err := os.RemoveAll(dst); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return nil, err
		}
		for name, doc := range map[string]map[string]any{stackFile: main, offlineOverrideFile: override} {
			if err := writeJSON(filepath.Join(dst, name), doc); err != nil {
				return nil, err
			}
		}
	}
	return sp, nil
}

// hasExpression reports whether a JSON value holds a Terraform template
// ("${...}" or "%{...}"), which would mean something else in the root module.
func hasExpression(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, "${") || strings.Contains(v, "%{")
	case map[string]any:
		return slices.ContainsFunc(slices.Collect(maps.Values(v)), hasExpression)
	case []any:
		return slices.ContainsFunc(v, hasExpression)
	}
	return false
}

// localKeys maps the root's provider keys back to one stack's own.
func (sp *sharedProviders) localKeys(stack string) map[string]string {
	back := map[string]string{}
	for local, root := range sp.passes[stack] {
		back[root] = local
	}
	return back
}
