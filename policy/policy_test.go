package policy

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/tester"
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
