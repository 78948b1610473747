package policy

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/multiregion/multiregion/harness"
)

// TestRules runs the pack's Rego tests (test/*.rego, the same runner as
// opa test policy/): every rule has a test on a compliant fixture and one on
// a violating fixture, and every test passes.
func TestRules(t *testing.T) {
	pack, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pack.Rules()) == 0 {
		t.Fatal("the pack has no rules")
	}
	results, err := tester.Run(context.Background(), ".")
	if err != nil {
		t.Fatal(err)
	}
	passed := map[string]bool{}
	for _, r := range results {
		rule := strings.TrimPrefix(r.Package, "data.terraform.policies.")
		if !r.Pass() {
			t.Errorf("%s.%s: %s", r.Package, r.Name, r.String())
			continue
		}
		passed[rule+"."+r.Name] = true
	}
	for _, rule := range pack.Rules() {
		for _, name := range []string{"test_compliant", "test_violating"} {
			if !passed[rule+"."+name] {
				t.Errorf("rule %s has no passing %s", rule, name)
			}
		}
	}
}

// A plan as the offline check writes it: the override left the provider's
// allowed_account_ids null. Evaluate puts back the synthesized value, reports
// each violation under its rule, and a waiver moves a violation to Waived.
func TestEvaluate(t *testing.T) {
	plan := []byte(`{
	  "configuration": {
	    "provider_config": {"aws": {"name": "aws", "expressions": {
	      "region": {"constant_value": "us-east-1"},
	      "allowed_account_ids": {"constant_value": null}}}},
	    "root_module": {"resources": [{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
	      "provider_config_key": "aws", "expressions": {}}]}
	  },
	  "resource_changes": [{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
	    "change": {"actions": ["create"], "after": {"enable_key_rotation": false, "policy": "{}",
	      "tags_all": {"Customer": "c", "Environment": "e", "ManagedBy": "m", "CostCenter": "c", "Tier": "development"}},
	      "after_unknown": {}}}]
	}`)
	stack := []byte(`{"provider": {"aws": [{"region": "us-east-1", "allowed_account_ids": ["111111111111"]}]}}`)
	ctx := Context{Stack: "acme-dev-primary", Tier: "development", Regions: []string{"us-east-1", "us-west-2"}}
	messages := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Rule+" "+f.Address)
		}
		return out
	}

	pack, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := pack.Evaluate(context.Background(), plan, stack, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(messages(rep.Violations), ", "); got != "kms_rotation aws_kms_key.k" {
		t.Errorf("violations %q, want only kms_rotation aws_kms_key.k", got)
	}
	if rep.Rules != len(pack.Rules()) {
		t.Errorf("report counts %d rules, the pack has %d", rep.Rules, len(pack.Rules()))
	}

	rep, err = pack.Evaluate(context.Background(), plan, nil, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(messages(rep.Violations), ", "); !strings.Contains(got, "provider_allowed_accounts provider.aws") {
		t.Errorf("without the stack's configuration, violations %q lack provider_allowed_accounts", got)
	}

	waived, err := Load(map[string]string{"waivers.rego": `package terraform.waivers
waivers := [{"rule": "kms_rotation", "address": "aws_kms_key.*", "stacks": ["acme-dev-*"], "reason": "test", "expires": "2099-12-31"}]`})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = waived.Evaluate(context.Background(), plan, stack, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Violations) != 0 || len(rep.Waived) != 1 || !strings.Contains(rep.Waived[0].Message, "waived: test") {
		t.Errorf("with a waiver: violations %v, waived %v", rep.Violations, rep.Waived)
	}
	ctx.Stack = "acme-prod-primary" // the waiver names other stacks
	if rep, err = waived.Evaluate(context.Background(), plan, stack, ctx); err != nil || len(rep.Violations) != 1 {
		t.Errorf("a waiver for acme-dev-* applied to %s: violations %v (%v)", ctx.Stack, rep.Violations, err)
	}
}

// policies.hcl declares every rule of the pack as a mandatory policy whose
// query is the rule's deny, and nothing else.
func TestPolicySetFile(t *testing.T) {
	pack, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("policies.hcl")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`policy "([a-z0-9_]+)" \{\s*query\s*= "([^"]+)"\s*enforcement_level = "mandatory"\s*\}`)
	var declared []string
	for _, m := range block.FindAllStringSubmatch(string(data), -1) {
		if want := "data.terraform.policies." + m[1] + ".deny"; m[2] != want {
			t.Errorf("policy %s queries %s, want %s", m[1], m[2], want)
		}
		declared = append(declared, m[1])
	}
	if n := strings.Count(string(data), "policy \""); n != len(declared) {
		t.Errorf("%d policy blocks, %d of the expected shape", n, len(declared))
	}
	if !slices.Equal(declared, pack.Rules()) {
		t.Errorf("policies.hcl declares %v, the pack has %v", declared, pack.Rules())
	}
}

// The pack reads the same plan as HCP Terraform gives it (input.plan and
// input.run, no data.multiregion) and as opa eval -i plan.json or conftest
// give it (the plan as input): the same verdicts, and the workspace name
// stands in for the stack in waivers.
func TestInputShapes(t *testing.T) {
	plan := map[string]any{
		"configuration": map[string]any{"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "expressions": map[string]any{
			"region":              map[string]any{"constant_value": "us-east-1"},
			"allowed_account_ids": map[string]any{"constant_value": []any{"111111111111"}},
			"default_tags":        []any{map[string]any{"tags": map[string]any{"constant_value": map[string]any{"Tier": "development"}}}},
		}}}},
		"resource_changes": []any{map[string]any{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
			"change": map[string]any{"actions": []any{"create"}, "after": map[string]any{"enable_key_rotation": false}, "after_unknown": map[string]any{}}}},
	}
	mods, err := Modules()
	if err != nil {
		t.Fatal(err)
	}
	mods["waivers.rego"] = `package terraform.waivers
waivers := [{"rule": "kms_rotation", "address": "aws_kms_key.k", "stacks": ["acme-dev-*"], "reason": "test", "expires": "2099-12-31"}]`
	deny := func(input any) []any {
		t.Helper()
		opts := []func(*rego.Rego){rego.Query("data.terraform.policies.kms_rotation.deny"), rego.Input(input)}
		for name, src := range mods {
			opts = append(opts, rego.Module(name, src))
		}
		rs, err := rego.New(opts...).Eval(context.Background())
		if err != nil || len(rs) != 1 {
			t.Fatalf("%v (%d results)", err, len(rs))
		}
		list, ok := rs[0].Expressions[0].Value.([]any)
		if !ok {
			t.Fatalf("deny is %T, want an array (HCP Terraform reads an empty array as a pass)", rs[0].Expressions[0].Value)
		}
		return list
	}
	if got := deny(plan); len(got) != 1 {
		t.Errorf("plan as input: deny %v, want the key that does not rotate", got)
	}
	if got := deny(map[string]any{"plan": plan, "run": map[string]any{"workspace": map[string]any{"name": "acme-prod-primary"}}}); len(got) != 1 {
		t.Errorf("HCP input, workspace acme-prod-primary: deny %v, want the key (the waiver is for acme-dev-*)", got)
	}
	if got := deny(map[string]any{"plan": plan, "run": map[string]any{"workspace": map[string]any{"name": "acme-dev-primary"}}}); len(got) != 0 {
		t.Errorf("HCP input, workspace acme-dev-primary: deny %v, want it waived", got)
	}
}

// docs/policy.md lists every rule of the pack in its table.
func TestDocsListEveryRule(t *testing.T) {
	pack, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range pack.Rules() {
		if !strings.Contains(string(doc), "| `"+rule+"` |") {
			t.Errorf("docs/policy.md has no table row for rule %s", rule)
		}
	}
}

// The stateful_destroy rule protects the same resource types as the
// harness's destructive-change guard.
func TestStatefulTypesMatchTheGuard(t *testing.T) {
	mods, err := Modules()
	if err != nil {
		t.Fatal(err)
	}
	opts := []func(*rego.Rego){rego.Query("data.terraform.policies.stateful_destroy.stateful")}
	for name, src := range mods {
		opts = append(opts, rego.Module(name, src))
	}
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v (%d results)", err, len(rs))
	}
	var types []string
	for _, v := range rs[0].Expressions[0].Value.([]any) {
		types = append(types, v.(string))
	}
	slices.Sort(types)
	if want := slices.Sorted(slices.Values(harness.StatefulTypes)); !slices.Equal(types, want) {
		t.Errorf("stateful_destroy protects %v, the guard %v", types, want)
	}
}
