// Package policy runs the platform's Rego policy pack (the .rego files
// beside this file, embedded) on a stack's Terraform plan JSON with OPA's Go
// library. The same files run unchanged with opa eval, conftest and as an
// HCP Terraform OPA policy set (policies.hcl): each rule is a package
// terraform.policies.<rule> whose deny is the list of violations left after
// the waivers in waivers.rego.
package policy

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"
)

//go:embed *.rego
var files embed.FS

// Context is what the platform knows about a stack beyond its plan; the pack
// reads it as data.multiregion.context.
type Context struct {
	Stack string `json:"stack,omitempty"`
	Tier  string `json:"tier,omitempty"`
	// Regions are the regions the environment's config names.
	Regions []string `json:"regions,omitempty"`
	// AllowedDestroy are addresses of stateful resources the operator allows
	// this plan to delete or replace.
	AllowedDestroy []string `json:"allowed_destroy,omitempty"`
}

// Finding is one violation of a rule.
type Finding struct {
	Rule, Address, Message string
}

func (f Finding) String() string { return f.Rule + ": " + f.Address + ": " + f.Message }

// Report is the pack's verdict on one plan.
type Report struct {
	Stack      string
	Rules      int       // rules evaluated
	Violations []Finding // not waived: each fails the check
	Waived     []Finding // waived, with the waiver's reason in Message
}

// Pack is the compiled policy pack.
type Pack struct {
	compiler *ast.Compiler
	rules    []string
}

// Modules returns the pack's Rego files by name, as embedded.
func Modules() (map[string]string, error) {
	mods := map[string]string{}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(path)
		mods[path] = string(data)
		return err
	})
	return mods, err
}

// Load compiles the embedded pack, plus extra modules (name -> Rego) that
// add to it or, under an embedded file's name, replace it.
func Load(extra map[string]string) (*Pack, error) {
	mods, err := Modules()
	if err != nil {
		return nil, err
	}
	for name, src := range extra {
		mods[name] = src
	}
	compiler, err := ast.CompileModulesWithOpt(mods, ast.CompileOpts{})
	if err != nil {
		return nil, fmt.Errorf("compiling the policy pack: %w", err)
	}
	p := &Pack{compiler: compiler}
	prefix := ast.MustParseRef("data.terraform.policies")
	seen := map[string]bool{}
	for _, m := range compiler.Modules {
		path := m.Package.Path
		if len(path) == len(prefix)+1 && path.HasPrefix(prefix) {
			name := strings.Trim(path[len(prefix)].Value.String(), `"`)
			if !seen[name] {
				seen[name] = true
				p.rules = append(p.rules, name)
			}
		}
	}
	slices.Sort(p.rules)
	return p, nil
}

// Rules lists the pack's rules by name.
func (p *Pack) Rules() []string { return slices.Clone(p.rules) }

// Evaluate runs every rule on a plan (terraform show -json output) of the
// stack c names. stackJSON, when not nil, is the stack's synthesized
// configuration: its AWS providers' allowed_account_ids are put back into
// the plan's configuration where a plan override removed them (the offline
// plan must run without them), so the pack sees what a real run sees.
func (p *Pack) Evaluate(ctx context.Context, plan, stackJSON []byte, c Context) (Report, error) {
	rep := Report{Stack: c.Stack, Rules: len(p.rules)}
	var planDoc map[string]any
	if err := util.UnmarshalJSON(plan, &planDoc); err != nil {
		return rep, fmt.Errorf("reading the plan of %s: %w", c.Stack, err)
	}
	if stackJSON != nil {
		if err := restoreAccounts(planDoc, stackJSON); err != nil {
			return rep, fmt.Errorf("reading the configuration of %s: %w", c.Stack, err)
		}
	}
	var ctxDoc map[string]any
	raw, _ := json.Marshal(c)
	if err := util.UnmarshalJSON(raw, &ctxDoc); err != nil {
		return rep, err
	}
	store := inmem.NewFromObject(map[string]any{"multiregion": map[string]any{"context": ctxDoc}})
	rs, err := rego.New(
		rego.Query("data.terraform.policies"),
		rego.Compiler(p.compiler),
		rego.Store(store),
		rego.Input(map[string]any{"plan": planDoc}),
	).Eval(ctx)
	if err != nil {
		return rep, fmt.Errorf("evaluating the policy pack on %s: %w", c.Stack, err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return rep, fmt.Errorf("evaluating the policy pack on %s: no result", c.Stack)
	}
	byRule, _ := rs[0].Expressions[0].Value.(map[string]any)
	for _, rule := range p.rules {
		doc, _ := byRule[rule].(map[string]any)
		if doc == nil {
			return rep, fmt.Errorf("rule %s gave no result on %s", rule, c.Stack)
		}
		for key, dst := range map[string]*[]Finding{"deny": &rep.Violations, "waived": &rep.Waived} {
			list, ok := doc[key].([]any)
			if !ok {
				return rep, fmt.Errorf("rule %s: %s is not a list on %s", rule, key, c.Stack)
			}
			for _, m := range list {
				addr, msg, _ := strings.Cut(fmt.Sprint(m), ": ")
				*dst = append(*dst, Finding{Rule: rule, Address: addr, Message: msg})
			}
		}
	}
	return rep, nil
}

// EvaluateFile runs every rule on the plan JSON at planPath, with the
// synthesized stack beside it (cdk.tf.json, as the offline check's copy
// of a stack has it) when there is one.
func (p *Pack) EvaluateFile(ctx context.Context, planPath string, c Context) (Report, error) {
	plan, err := os.ReadFile(planPath)
	if err != nil {
		return Report{Stack: c.Stack}, err
	}
	stack, err := os.ReadFile(filepath.Join(filepath.Dir(planPath), "cdk.tf.json"))
	if errors.Is(err, fs.ErrNotExist) {
		stack, err = nil, nil
	}
	if err != nil {
		return Report{Stack: c.Stack}, err
	}
	return p.Evaluate(ctx, plan, stack, c)
}

// restoreAccounts copies each AWS provider's allowed_account_ids from the
// synthesized stack into the plan's provider configuration.
func restoreAccounts(plan map[string]any, stackJSON []byte) error {
	var stack struct {
		Provider struct {
			AWS []struct {
				Alias             string   `json:"alias"`
				AllowedAccountIDs []string `json:"allowed_account_ids"`
			} `json:"aws"`
		} `json:"provider"`
	}
	if err := json.NewDecoder(bytes.NewReader(stackJSON)).Decode(&stack); err != nil {
		return err
	}
	cfg, _ := plan["configuration"].(map[string]any)
	providers, _ := cfg["provider_config"].(map[string]any)
	for _, p := range stack.Provider.AWS {
		key := "aws"
		if p.Alias != "" {
			key += "." + p.Alias
		}
		pc, _ := providers[key].(map[string]any)
		if pc == nil || p.AllowedAccountIDs == nil {
			continue
		}
		exprs, _ := pc["expressions"].(map[string]any)
		if exprs == nil {
			exprs = map[string]any{}
			pc["expressions"] = exprs
		}
		ids := make([]any, len(p.AllowedAccountIDs))
		for i, id := range p.AllowedAccountIDs {
			ids[i] = id
		}
		exprs["allowed_account_ids"] = map[string]any{"constant_value": ids}
	}
	return nil
}
