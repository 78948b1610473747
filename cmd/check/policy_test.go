package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/harness"
)

// A plan with a key that does not rotate fails the check, naming stack,
// rule and resource; the summary counts rules and violations per stack.
func TestRunPolicy(t *testing.T) {
	dir := t.TempDir()
	plan := func(rotation string) string {
		return `{"configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
		  "region": {"constant_value": "us-east-1"}, "allowed_account_ids": {"constant_value": ["111111111111"]}}}},
		  "root_module": {"resources": []}},
		 "resource_changes": [{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
		  "change": {"actions": ["create"], "after": {"enable_key_rotation": ` + rotation + `, "policy": "{}",
		   "tags_all": {"Customer": "c", "Environment": "e", "ManagedBy": "m", "CostCenter": "c", "Tier": "development"}}, "after_unknown": {}}}]}`
	}
	var results []harness.Result
	for stack, rotation := range map[string]string{"acme-x-primary": "false", "acme-x-secondary": "true"} {
		path := filepath.Join(dir, stack, "plan.json")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(plan(rotation)), 0o644); err != nil {
			t.Fatal(err)
		}
		results = append(results, harness.Result{Stack: stack, PlanJSON: path, Show: harness.StepResult{Ran: true, OK: true}})
	}
	var out bytes.Buffer
	err := runPolicy(context.Background(), &out, results, nil)
	if err == nil || !strings.Contains(err.Error(), "policy acme-x-primary: kms_rotation: aws_kms_key.k") || strings.Contains(err.Error(), "acme-x-secondary") {
		t.Errorf("error %v, want one violation of kms_rotation in acme-x-primary", err)
	}
	for _, want := range []string{"policy pack: ", "acme-x-primary    1", "acme-x-secondary  0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}
