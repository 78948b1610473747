package policy

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The opa and conftest commands of docs/policy.md, run exactly as written
// from a folder holding the pack (policy/) and a plan.json with a key that
// does not rotate: the Rego tests pass, eval prints that key's violation,
// conftest fails on it. The first run builds both CLIs (minutes on a small
// machine).
func TestPolicyCommandsInDocs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the OPA and conftest CLIs")
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "policy.md"))
	if err != nil {
		t.Fatal(err)
	}
	var commands []string
	sc := bufio.NewScanner(strings.NewReader(string(doc)))
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "go run github.com/open-policy-agent/") {
			commands = append(commands, line)
		}
	}
	if len(commands) != 3 {
		t.Fatalf("docs/policy.md has %d policy commands, want opa test, opa eval and conftest test: %q", len(commands), commands)
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "policy"), os.DirFS(".")); err != nil {
		t.Fatal(err)
	}
	plan := `{"configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
	  "region": {"constant_value": "us-east-1"}, "allowed_account_ids": {"constant_value": ["111111111111"]},
	  "default_tags": [{"tags": {"constant_value": {"Tier": "development"}}}]}}}, "root_module": {"resources": []}},
	 "resource_changes": [{"address": "aws_kms_key.unrotated", "mode": "managed", "type": "aws_kms_key", "name": "unrotated",
	  "change": {"actions": ["create"], "after": {"enable_key_rotation": false, "policy": "{}"}, "after_unknown": {}}}]}`
	if err := os.WriteFile(filepath.Join(dir, "plan.json"), []byte(plan), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	for _, c := range commands {
		cmd := exec.CommandContext(ctx, "sh", "-c", c)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if conftest := strings.Contains(c, "/conftest@"); conftest {
			if err == nil || !strings.Contains(string(out), "terraform.policies.kms_rotation - aws_kms_key.unrotated") {
				t.Errorf("%s: %v, want it to fail on the key:\n%s", c, err, out)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v\n%s", c, err, out)
		}
		switch {
		case strings.Contains(c, " test "):
			if !strings.Contains(string(out), "PASS") || strings.Contains(string(out), "FAIL") {
				t.Errorf("%s:\n%s", c, out)
			}
		case strings.Contains(c, " eval "):
			if !strings.Contains(string(out), "aws_kms_key.unrotated: enable_key_rotation is not true") {
				t.Errorf("%s does not report the key:\n%s", c, out)
			}
		}
	}
}
