package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
	"github.com/multiregion/multiregion/policy"
)

// Checks on the offline plans of every stack, run by
// TestEveryStackValidatesAndPlansOffline on its results (the plans cost
// most of a minute, so they are made once).

// checkPolicy runs the policy pack on every stack's plan: zero violations,
// and every waiver that applies names its reason.
func checkPolicy(t *testing.T, results []harness.Result) {
	pack, err := policy.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		tier, regions, ok := config.Scope(synthEnvs, r.Stack)
		if !ok || r.PlanJSON == "" {
			t.Errorf("%s: no environment or account, or no plan.json (%q)", r.Stack, r.PlanJSON)
			continue
		}
		rep, err := pack.EvaluateFile(context.Background(), r.PlanJSON, policy.Context{Stack: r.Stack, Tier: string(tier), Regions: regions})
		if err != nil {
			t.Errorf("%s: %v", r.Stack, err)
			continue
		}
		for _, v := range rep.Violations {
			t.Errorf("%s: %s", r.Stack, v)
		}
		t.Logf("%s: %d rules, %d violations, %d waived", r.Stack, rep.Rules, len(rep.Violations), len(rep.Waived))
	}
}

// roleOf is the role of a stack: the last part of its name.
func roleOf(stack string) string { return stack[strings.LastIndex(stack, "-")+1:] }

// checkSecretsSensitive reads every plan for the origin-verify secret (the
// stub value the offline check gives the primary's output to the stacks that
// read it): wherever it appears, the plan marks it sensitive, so a plan shows
// (sensitive value). Environments with the origin header must use it in their
// secondary (listener rule) and global (CloudFront custom header) stacks.
func checkSecretsSensitive(t *testing.T, results []harness.Result) {
	for _, r := range results {
		secret, err := originSecretStub(r)
		if err != nil {
			t.Errorf("%s: %v", r.Stack, err)
			continue
		}
		var uses int
		if secret != "" {
			var plan tfjson.Plan
			data, err := os.ReadFile(r.PlanJSON)
			if err == nil {
				err = json.Unmarshal(data, &plan)
			}
			if err != nil {
				t.Errorf("%s: %v", r.Stack, err)
				continue
			}
			for _, rc := range plan.ResourceChanges {
				for _, path := range clearText(rc.Change.After, rc.Change.AfterSensitive, secret, rc.Address, &uses) {
					t.Errorf("%s: the origin secret is in clear text at %s", r.Stack, path)
				}
			}
		}
		env := envOfStack(r.Stack)
		if want := env != nil && env.OriginVerifyHeader() && roleOf(r.Stack) != config.RolePrimary; want && uses == 0 {
			t.Errorf("%s: the plan never uses the origin secret (want it in the origin guard or the CloudFront header)", r.Stack)
		}
	}
}

// originSecretStub is the stub value of the primary's origin secret output
// that stack r reads through remote state, or "" when it reads none.
func originSecretStub(r harness.Result) (string, error) {
	data, err := os.ReadFile(filepath.Join(filepath.Dir(r.PlanJSON), "cdk.tf.json"))
	if err != nil {
		return "", err
	}
	for _, name := range strings.Fields(strings.NewReplacer(".", " ", "}", " ", "\"", " ").Replace(string(data))) {
		if strings.HasPrefix(name, "cross-stack-output-") && strings.Contains(name, "origin-secret") {
			return fmt.Sprint(harness.StubValue(name)), nil
		}
	}
	return "", nil
}

// envOfStack is the example environment a stack belongs to.
func envOfStack(stack string) *config.Environment {
	for _, e := range synthEnvs {
		if strings.HasPrefix(stack, e.ID()+"-") && !strings.Contains(strings.TrimPrefix(stack, e.ID()+"-"), "-") {
			return e
		}
	}
	return nil
}

// clearText lists the paths under after where a string holds secret and
// sensitive (the matching after_sensitive, true on the path or above it)
// does not cover it; uses counts every occurrence.
func clearText(after, sensitive any, secret, path string, uses *int) []string {
	if s, ok := sensitive.(bool); ok && s {
		if strings.Contains(fmt.Sprint(after), secret) {
			*uses++
		}
		return nil
	}
	var out []string
	switch v := after.(type) {
	case string:
		if strings.Contains(v, secret) {
			*uses++
			out = append(out, path)
		}
	case map[string]any:
		sm, _ := sensitive.(map[string]any)
		for k, x := range v {
			out = append(out, clearText(x, sm[k], secret, path+"."+k, uses)...)
		}
	case []any:
		sl, _ := sensitive.([]any)
		for i, x := range v {
			var s any
			if i < len(sl) {
				s = sl[i]
			}
			out = append(out, clearText(x, s, secret, fmt.Sprintf("%s[%d]", path, i), uses)...)
		}
	}
	return out
}

// The secret check finds a clear value, and accepts one that a sensitive
// mark covers at any level.
func TestClearText(t *testing.T) {
	after := map[string]any{"condition": []any{map[string]any{"values": []any{"s3cret"}}}, "name": "x"}
	var uses int
	if got := clearText(after, map[string]any{}, "s3cret", "r", &uses); len(got) != 1 || got[0] != "r.condition[0].values[0]" || uses != 1 {
		t.Errorf("unmarked: %v (%d uses)", got, uses)
	}
	for _, marks := range []any{true, map[string]any{"condition": true},
		map[string]any{"condition": []any{map[string]any{"values": []any{true}}}}} {
		uses = 0
		if got := clearText(after, marks, "s3cret", "r", &uses); len(got) != 0 || uses != 1 {
			t.Errorf("marked %v: %v (%d uses)", marks, got, uses)
		}
	}
}
