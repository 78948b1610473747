package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// onlyExpression matches a value that is one Terraform expression, e.g.
// ${local.x} or ${jsonencode({...})}, never a literal.
var onlyExpression = regexp.MustCompile(`^\$\{.*\}$`)

// TestNoPasswordLiteral walks every golden file and every synthesized stack:
// a key that names a password or secret value may hold only a Terraform
// expression (write-only, generated at apply time), and the state-stored
// arguments (password, secret_string) must not be set at all.
func TestNoPasswordLiteral(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.tf.json"))
	for _, name := range stackNames(t) {
		files = append(files, stackPath(name))
	}
	if len(files) < 2*3*len(synthEnvs) {
		t.Fatalf("only %d files to check", len(files))
	}
	for _, f := range files {
		var doc any
		readJSON(t, f, &doc)
		walk(doc, "", func(path, key string, v any) {
			k := strings.ToLower(key)
			if k == "password" || k == "secret_string" || k == "master_password" {
				t.Errorf("%s: %s is set (%v): it would be stored in plan and state", f, path, v)
				return
			}
			if !strings.Contains(k, "password") && !strings.Contains(k, "secret_string") {
				return
			}
			switch v := v.(type) {
			case bool, float64: // manage_master_user_password, *_version
			case string:
				if !onlyExpression.MatchString(v) {
					t.Errorf("%s: %s = %q is a literal", f, path, v)
				}
			default:
				t.Errorf("%s: %s = %v", f, path, v)
			}
		})
		// Locals that feed passwords are generated at apply time.
		if locals, ok := doc.(map[string]any)["locals"].(map[string]any); ok {
			for name, v := range locals {
				if strings.Contains(name, "password") && v != "${uuid()}" {
					t.Errorf("%s: local %s = %v, want a value generated at apply time", f, name, v)
				}
			}
		}
	}
}

// walk calls fn for every key of every object under v.
func walk(v any, path string, fn func(path, key string, v any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			fn(path+"."+k, k, child)
			walk(child, path+"."+k, fn)
		}
	case []any:
		for i, child := range v {
			walk(child, fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}

// dbInstance is the single aws_db_instance of a stack, with its address.
func dbInstance(t *testing.T, s stack, stackName string) (string, map[string]any) {
	t.Helper()
	dbs := s.resources("aws_db_instance")
	if len(dbs) != 1 {
		t.Fatalf("%s: %d aws_db_instance, want 1", stackName, len(dbs))
	}
	for name, db := range dbs {
		return name, db
	}
	return "", nil
}

// TestReplicaSourceIsPrimaryArn: the secondary's replica names the primary
// writer by the ARN config determines (account, region, identifier), not by
// a read of the primary's state, and that ARN is the writer's.
func TestReplicaSourceIsPrimaryArn(t *testing.T) {
	for _, env := range synthEnvs {
		p, s := env.StackName(config.RolePrimary), env.StackName(config.RoleSecondary)
		primary, secondary := loadStack(t, p), loadStack(t, s)
		_, writer := dbInstance(t, primary, p)
		_, replica := dbInstance(t, secondary, s)
		want := fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", env.Primary.Region, env.AccountID, writer["identifier"])
		if src := replica["replicate_source_db"]; src != want || src != env.DatabaseArn(config.RolePrimary) {
			t.Errorf("%s: replicate_source_db %v, want the writer's ARN %s", s, src, want)
		}
	}
}

// TestDatabaseKeysInOwnRegion: every instance encrypts storage, Performance
// Insights and secrets with a key of its own stack, created by the same
// (default, region-pinned) provider as the instance, and that key admits
// RDS of that region.
func TestDatabaseKeysInOwnRegion(t *testing.T) {
	for _, env := range synthEnvs {
		for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
			name := env.StackName(role)
			s := loadStack(t, name)
			region := s["provider"].(map[string]any)["aws"].([]any)[0].(map[string]any)["region"].(string)
			_, db := dbInstance(t, s, name)
			keys := s.resources("aws_kms_key")
			check := func(attr string, v any) {
				ref, _ := v.(string)
				m := regexp.MustCompile(`^\$\{aws_kms_key\.([^.]+)\.arn\}$`).FindStringSubmatch(ref)
				if m == nil || keys[m[1]] == nil {
					t.Errorf("%s: %s = %v, want a key of this stack", name, attr, v)
					return
				}
				key := keys[m[1]]
				if key["provider"] != nil || db["provider"] != nil {
					t.Errorf("%s: key or instance on provider %v/%v, want the stack's default (%s)", name, key["provider"], db["provider"], region)
				}
				if !strings.Contains(key["policy"].(string), "rds."+region+".amazonaws.com") {
					t.Errorf("%s: key %s does not admit RDS in %s", name, m[1], region)
				}
			}
			check("kms_key_id", db["kms_key_id"])
			if db["storage_encrypted"] != true {
				t.Errorf("%s: storage not encrypted", name)
			}
			if db["performance_insights_enabled"] == true {
				check("performance_insights_kms_key_id", db["performance_insights_kms_key_id"])
			}
			for sname, sec := range s.resources("aws_secretsmanager_secret") {
				check("secret "+sname, sec["kms_key_id"])
			}
			if v, ok := db["master_user_secret_kms_key_id"]; ok {
				check("master_user_secret_kms_key_id", v)
			}
		}
	}
}

// TestDatabaseProtectionByTier: production databases have deletion
// protection, a final snapshot (writers) and prevent_destroy; development
// ones none of them.
func TestDatabaseProtectionByTier(t *testing.T) {
	for _, env := range synthEnvs {
		prod := env.Production()
		for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
			name := env.StackName(role)
			_, db := dbInstance(t, loadStack(t, name), name)
			writer := role == config.RolePrimary
			lc, _ := db["lifecycle"].(map[string]any)
			// A replica holds no data of its own and is rebuilt by
			// replacement after a failback: no prevent_destroy.
			if db["deletion_protection"] != prod || (lc["prevent_destroy"] == true) != (prod && writer) {
				t.Errorf("%s: deletion_protection %v prevent_destroy %v, want %v and prevent_destroy on a production writer only", name, db["deletion_protection"], lc["prevent_destroy"], prod)
			}
			if writer && (db["skip_final_snapshot"] == prod || (db["final_snapshot_identifier"] != nil) != prod) {
				t.Errorf("%s: skip_final_snapshot %v final_snapshot_identifier %v, want a final snapshot only in production", name, db["skip_final_snapshot"], db["final_snapshot_identifier"])
			}
			if writer && db["multi_az"] != prod {
				t.Errorf("%s: multi_az %v, want %v", name, db["multi_az"], prod)
			}
			if db["publicly_accessible"] != false {
				t.Errorf("%s: publicly accessible", name)
			}
		}
	}
}

// statefulAddresses are the Terraform addresses of the resources that hold
// data or guard it. They must never change: a renamed construct id
// destroys the database (or the key that decrypts it) and creates a new one.
var statefulAddresses = map[string][]string{
	config.RolePrimary: {
		"aws_db_instance.database_instance_D7FC2283",
		"aws_db_subnet_group.database_subnet-group_706EB4D1",
		"aws_secretsmanager_secret.database_master-secret_BC17A0D9",
		"aws_kms_key.data-key_5D719C34",
		"aws_kms_key.logs-key_44F95A88",
		"aws_kms_key.registry-key_A2525996", // container images (stacks.TestContainerAddressesPinned pins the rest)
		"aws_kms_key.alerts_key_553AF43B",
	},
	config.RoleSecondary: {
		"aws_db_instance.replica_instance_5A90BE00",
		"aws_db_subnet_group.replica_subnet-group_27A00B1D",
		"aws_kms_key.data-key_5D719C34",
		"aws_kms_key.logs-key_44F95A88",
		"aws_kms_key.registry-key_A2525996", // container images (stacks.TestContainerAddressesPinned pins the rest)
		"aws_kms_key.alerts_key_553AF43B",
	},
	// The global alert topic's key keeps the id of the edge's topic.
	config.RoleGlobal: {
		"aws_kms_key.edge-alerts_key_B59FF3AB",
	},
}

// TestStatefulAddressesPinned: every stateful resource is at its pinned
// address, and no database, key or subnet group exists at another one.
func TestStatefulAddressesPinned(t *testing.T) {
	for _, env := range synthEnvs {
		for role, want := range statefulAddresses {
			name := env.StackName(role)
			s := loadStack(t, name)
			var got []string
			for _, typ := range []string{"aws_db_instance", "aws_db_subnet_group", "aws_kms_key", "aws_secretsmanager_secret"} {
				for r := range s.resources(typ) {
					got = append(got, typ+"."+r)
				}
			}
			slices.Sort(got)
			w := slices.Clone(want)
			if env.Repository != nil && role != config.RoleGlobal {
				w = append(w, deliveryKeyAddress) // pinned by TestDeliveryAddresses
			}
			if role == config.RoleGlobal {
				w = append(w, globalDeliveryKeys(env)...) // pinned by TestDeliveryAddresses
			}
			if role == config.RoleSecondary && env.StandbyPipeline() && env.ApprovalRequired() {
				w = append(w, "aws_kms_key.standby-approval-topic_key_56766C19") // the standby pipeline's approval topic
			}
			if role == config.RoleGlobal && env.CDNEnabled() {
				w = append(w, "aws_kms_key.cdn_logs-key_1A87EF19") // the access logs' (TestEdgeStatefulAddresses)
			}
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s: stateful resources at\n  %s\nwant\n  %s\nA renamed construct id destroys data: keep the id (or move the state with a `moved` block and update this list on purpose).", name, strings.Join(got, "\n  "), strings.Join(w, "\n  "))
			}
		}
	}
}
