package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// drillEnv is the environment the DR drill runs on.
const drillEnv = "acme-local"

// synthRoles synthesizes the drill environment with the database's writer
// and replica state set as given, and returns its stacks by role.
func synthRoles(t *testing.T, writer, state string) map[string]stack {
	t.Helper()
	return synthEnvRoles(t, drillEnv, writer, state)
}

// synthEnvRoles does it for any example environment (with its staging
// environment, which its pipeline reads).
func synthEnvRoles(t *testing.T, id, writer, state string) map[string]stack {
	t.Helper()
	var env config.Environment
	var others []*config.Environment
	for _, e := range synthEnvs {
		switch {
		case e.ID() == id:
			env = *e
		default:
			others = append(others, e)
		}
	}
	if env.Customer == "" {
		t.Fatalf("no %s environment", id)
	}
	env.Database.Writer, env.Database.Replica.State = writer, state
	dir := filepath.Join(t.TempDir(), "cdktf.out")
	if err := synthesize(dir, append([]*config.Environment{&env}, others...), false); err != nil {
		t.Fatal(err)
	}
	out := map[string]stack{}
	for _, role := range []string{config.RolePrimary, config.RoleSecondary, config.RoleGlobal} {
		var s stack
		readJSON(t, filepath.Join(dir, "stacks", env.StackName(role), "cdk.tf.json"), &s)
		out[role] = s
	}
	return out
}

// statefulTypes are the resources whose replacement loses data.
var statefulTypes = []string{"aws_db_instance", "aws_s3_bucket", "aws_kms_key", "aws_secretsmanager_secret",
	"aws_ecr_repository", "aws_codecommit_repository", "aws_route53_zone"}

// sameStatefulAddresses fails when a stateful resource of want is missing
// from got (a renamed or dropped address destroys it).
func sameStatefulAddresses(t *testing.T, label string, want, got stack) {
	t.Helper()
	for _, typ := range statefulTypes {
		for name := range want.resources(typ) {
			if got.resources(typ)[name] == nil {
				t.Errorf("%s: %s.%s is gone", label, typ, name)
			}
		}
	}
}

// roleInput is the input of the database's role marker in a stack.
func roleInput(t *testing.T, s stack) any {
	t.Helper()
	for name, r := range s.resources("terraform_data") {
		if strings.HasPrefix(name, "replica_role_") || strings.HasPrefix(name, "database_role_") {
			return r["input"]
		}
	}
	t.Fatal("no role marker")
	return nil
}

// preferredRecord is the set identifier of the PRIMARY failover record.
func preferredRecord(t *testing.T, s stack) string {
	t.Helper()
	for _, r := range s.resources("aws_route53_record") {
		if p, _ := r["failover_routing_policy"].(map[string]any); p != nil && p["type"] == "PRIMARY" {
			return r["set_identifier"].(string)
		}
	}
	t.Fatal("no PRIMARY failover record")
	return ""
}

// The whole failover and failback as config: after the failover the
// secondary's replica is the writer at the same address, its app tier
// writes there and nothing in any stack points at the primary's writer, the
// primary's former writer is left exactly as it was and its service scaled
// to zero, and DNS prefers the secondary; failback rebuilds the primary's
// instance as a replica of the secondary (by ARN, by replacement), and the
// switch back promotes it and rebuilds the secondary's replica, ending in
// the synthesized shape of the starting config.
func TestFailoverFailbackConfigs(t *testing.T) {
	base := map[string]stack{}
	for _, role := range []string{config.RolePrimary, config.RoleSecondary, config.RoleGlobal} {
		base[role] = loadStack(t, drillEnv+"-"+role)
	}
	var env *config.Environment
	for _, e := range synthEnvs {
		if e.ID() == drillEnv {
			env = e
		}
	}
	dbOf := func(s stack, role string) (string, map[string]any) { return dbInstance(t, s, drillEnv+"-"+role) }
	primaryWriterRef := "aws_db_instancedatabase_instance"

	failover := synthRoles(t, config.RoleSecondary, config.ReplicaDetached)
	for role, s := range failover {
		sameStatefulAddresses(t, "failover "+role, base[role], s)
	}
	baseName, _ := dbOf(base[config.RoleSecondary], config.RoleSecondary)
	name, db := dbOf(failover[config.RoleSecondary], config.RoleSecondary)
	lc, _ := db["lifecycle"].(map[string]any)
	if name != baseName || db["replicate_source_db"] != nil || lc["replace_triggered_by"] != nil {
		t.Errorf("failover: secondary instance %s replicate_source_db %v lifecycle %v, want %s promoted in place", name, db["replicate_source_db"], lc, baseName)
	}
	if text := jsonText(failover[config.RoleSecondary]); strings.Contains(text, primaryWriterRef) {
		t.Error("failover: the secondary stack still points at the primary's writer")
	}
	if text := jsonText(failover[config.RoleGlobal]); strings.Contains(text, primaryWriterRef) {
		t.Error("failover: the global stack points at the primary's writer")
	}
	if !strings.Contains(jsonText(failover[config.RoleSecondary].resources("aws_ecs_task_definition")), `DB_HOST\",\"value\":\"${aws_db_instance.`+name+`.address}`) {
		t.Error("failover: the secondary's tasks do not write to its own instance")
	}
	_, pBase := dbOf(base[config.RolePrimary], config.RolePrimary)
	_, pFail := dbOf(failover[config.RolePrimary], config.RolePrimary)
	if !reflect.DeepEqual(pBase, pFail) || roleInput(t, failover[config.RolePrimary]) != "writer" {
		t.Error("failover: the primary's former writer is not left as it was")
	}
	if got := preferredRecord(t, failover[config.RoleGlobal]); got != config.RoleSecondary {
		t.Errorf("failover: DNS prefers %s, want secondary", got)
	}
	for _, svc := range failover[config.RolePrimary].resources("aws_ecs_service") {
		if svc["desired_count"] != 0.0 {
			t.Errorf("failover: the primary's service runs %v tasks, want 0 while it is not the writer's region", svc["desired_count"])
		}
	}

	rebuild := synthRoles(t, config.RoleSecondary, config.ReplicaReplicating)
	pName, pdb := dbOf(rebuild[config.RolePrimary], config.RolePrimary)
	plc, _ := pdb["lifecycle"].(map[string]any)
	if pdb["replicate_source_db"] != env.DatabaseArn(config.RoleSecondary) || plc["replace_triggered_by"] == nil || plc["prevent_destroy"] != nil {
		t.Errorf("failback: primary instance %s source %v lifecycle %v, want a replica of %s rebuilt by replacement", pName, pdb["replicate_source_db"], plc, env.DatabaseArn(config.RoleSecondary))
	}
	if in := roleInput(t, rebuild[config.RolePrimary]); in == roleInput(t, base[config.RolePrimary]) {
		t.Errorf("failback: the role marker %v does not change, so the former writer would not be replaced", in)
	}
	_, sRebuild := dbOf(rebuild[config.RoleSecondary], config.RoleSecondary)
	if !reflect.DeepEqual(sRebuild, db) {
		t.Error("failback: the rebuild changes the secondary's writer")
	}

	switched := synthRoles(t, config.RolePrimary, config.ReplicaDetached)
	if _, p := dbOf(switched[config.RolePrimary], config.RolePrimary); !reflect.DeepEqual(p, pBase) {
		t.Error("switch back: the primary's promoted instance is not the original writer definition")
	}
	if _, s := dbOf(switched[config.RoleSecondary], config.RoleSecondary); !reflect.DeepEqual(s, db) {
		t.Error("switch back: the secondary's former writer is not left as it was")
	}
	if got := preferredRecord(t, switched[config.RoleGlobal]); got != config.RolePrimary {
		t.Errorf("switch back: DNS prefers %s, want primary", got)
	}
	if _, s := dbOf(base[config.RoleSecondary], config.RoleSecondary); roleInput(t, base[config.RoleSecondary]) == roleInput(t, switched[config.RoleSecondary]) || s["replicate_source_db"] == nil {
		t.Error("end: the secondary's rebuilt replica would not replace its former writer")
	}
}
