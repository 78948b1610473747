package stacks

import (
	"fmt"
	"slices"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// The emulator aspect adapts only an environment with an emulator: its
// providers get the endpoint and test credentials, its resources the
// attributes moto does not read back in ignore_changes (merged with what a
// construct ignores itself, and only where the condition holds: a rule that
// references a group, not one with a CIDR). Without an emulator nothing of
// it is there.
func TestEmulatorAspect(t *testing.T) {
	base := "account_id: \"123456789012\"\n"
	for _, emulated := range []bool{true, false} {
		body := base
		if emulated {
			body += "emulator:\n  endpoint: http://127.0.0.1:4566\n"
		}
		s := synthEnv(t, "envs/acme-x.yaml", body)[config.RolePrimary]
		providers, _ := path(s, "provider", "aws").([]any)
		if len(providers) == 0 {
			t.Fatalf("emulator=%v: no AWS provider", emulated)
		}
		for _, p := range providers {
			p := p.(map[string]any)
			endpoints, _ := p["endpoints"].([]any)
			pointed := len(endpoints) == 1 && endpoints[0].(map[string]any)["s3"] == "http://127.0.0.1:4566"
			if pointed != emulated || (p["access_key"] == "test") != emulated || (p["s3_use_path_style"] == true) != emulated {
				t.Errorf("emulator=%v: provider %v", emulated, p)
			}
		}
		_, svc := only(t, s, "aws_ecs_service")
		ignored := ignoreChangesOf(svc)
		if !slices.Contains(ignored, "desired_count") {
			t.Errorf("emulator=%v: the service's own ignore_changes lost: %v", emulated, ignored)
		}
		if slices.Contains(ignored, "capacity_provider_strategy") != emulated {
			t.Errorf("emulator=%v: service ignore_changes %v", emulated, ignored)
		}
		for name, r := range resources(s, "aws_vpc_security_group_ingress_rule") {
			byGroup := r["referenced_security_group_id"] != nil || r["prefix_list_id"] != nil
			if got := slices.Contains(ignoreChangesOf(r), "description"); got != (emulated && byGroup) {
				t.Errorf("emulator=%v: rule %s (by group or prefix list: %v) ignores description: %v", emulated, name, byGroup, got)
			}
		}
		_, db := only(t, s, "aws_db_instance")
		if slices.Contains(ignoreChangesOf(db), "performance_insights_enabled") != emulated {
			t.Errorf("emulator=%v: database ignore_changes %v", emulated, ignoreChangesOf(db))
		}
	}
}

func ignoreChangesOf(r map[string]any) []string {
	lc, _ := r["lifecycle"].(map[string]any)
	list, _ := lc["ignore_changes"].([]any)
	var out []string
	for _, v := range list {
		out = append(out, fmt.Sprint(v))
	}
	return out
}
