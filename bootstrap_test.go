package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
	"github.com/multiregion/multiregion/harness"
	"github.com/multiregion/multiregion/workspaces"
)

// synthAccounts are the accounts of the synthesized environments, once each.
func synthAccounts() []*config.Account {
	byName := map[string]*config.Account{}
	for _, e := range synthEnvs {
		byName[e.Account.StackName()] = e.Account
	}
	var out []*config.Account
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[n])
	}
	return out
}

// parsePolicy parses a policy document attribute.
func parsePolicy(t *testing.T, raw any) constructs.PolicyDocument {
	t.Helper()
	var d constructs.PolicyDocument
	if err := json.Unmarshal([]byte(fmt.Sprint(raw)), &d); err != nil {
		t.Fatalf("policy %v: %v", raw, err)
	}
	return d
}

// stateOnly drops the log buckets' resources (construct ids with
// "log-bucket"): the state buckets' own are checked.
func stateOnly(rs map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range rs {
		if !strings.Contains(id, "log-bucket") {
			out[id] = r
		}
	}
	return out
}

// TestBootstrapStacks: one bootstrap stack per account, local state, and the
// state buckets as the design says: versioned, SSE-KMS with a key per
// region, private, ACLs off, TLS only, replaced versions expiring (current
// state never), replicated into the replica region.
func TestBootstrapStacks(t *testing.T) {
	accounts := synthAccounts()
	if len(accounts) != 3 {
		t.Fatalf("%d accounts, want 3 (acme's production, development and emulator accounts)", len(accounts))
	}
	for _, a := range accounts {
		name := a.StackName()
		s := loadStack(t, name)
		local, _ := s["terraform"].(map[string]any)["backend"].(map[string]any)["local"].(map[string]any)
		if local["path"] != "../../../state/"+name+".tfstate" {
			t.Errorf("%s: backend %v, want local state in ../../../state/", name, s["terraform"])
		}
		buckets := stateOnly(s.resources("aws_s3_bucket"))
		byName := map[string]string{}
		for id, b := range buckets {
			byName[fmt.Sprint(b["bucket"])] = id
		}
		// Each state bucket logs its requests into a log bucket of its own.
		logging := s.resources("aws_s3_bucket_logging")
		if len(logging) != 2 {
			t.Errorf("%s: %d aws_s3_bucket_logging, want one per state bucket", name, len(logging))
		}
		for id, l := range logging {
			b, target := fmt.Sprint(l["bucket"]), fmt.Sprint(l["target_bucket"])
			if !strings.Contains(b, "aws_s3_bucket.state_") || strings.Contains(b, "log-bucket") || !strings.Contains(target, "log-bucket") {
				t.Errorf("%s: %s logs %s into %s, want a state bucket into its log bucket", name, id, b, target)
			}
		}
		primary, replica := a.StateBucket(a.State.Region), a.StateBucket(a.State.ReplicaRegion)
		if len(buckets) != 2 || byName[primary] == "" || byName[replica] == "" {
			t.Fatalf("%s: buckets %v, want %s and %s", name, slices.Sorted(maps.Keys(byName)), primary, replica)
		}
		if p := buckets[byName[replica]]["provider"]; p != "aws.replica" {
			t.Errorf("%s: replica bucket through provider %v, want aws.replica", name, p)
		}
		for typ, check := range map[string]func(r map[string]any) string{
			"aws_s3_bucket_versioning": func(r map[string]any) string {
				return fmt.Sprint(r["versioning_configuration"].(map[string]any)["status"])
			},
			"aws_s3_bucket_server_side_encryption_configuration": func(r map[string]any) string {
				rule := r["rule"].([]any)[0].(map[string]any)["apply_server_side_encryption_by_default"].(map[string]any)
				return fmt.Sprint(rule["sse_algorithm"], " ", strings.Contains(fmt.Sprint(rule["kms_master_key_id"]), "aws_kms_key."))
			},
			"aws_s3_bucket_ownership_controls": func(r map[string]any) string {
				return fmt.Sprint(r["rule"].(map[string]any)["object_ownership"])
			},
			"aws_s3_bucket_public_access_block": func(r map[string]any) string {
				return fmt.Sprint(r["block_public_acls"], " ", r["block_public_policy"], " ", r["ignore_public_acls"], " ", r["restrict_public_buckets"])
			},
			"aws_s3_bucket_lifecycle_configuration": func(r map[string]any) string {
				rule := r["rule"].([]any)[0].(map[string]any)
				nc := rule["noncurrent_version_expiration"].([]any)[0].(map[string]any)["noncurrent_days"]
				return fmt.Sprint(rule["expiration"] == nil, " ", nc)
			},
			"aws_s3_bucket_policy": func(r map[string]any) string {
				d := parsePolicy(t, r["policy"])
				return fmt.Sprint(d.Statement[0].Effect, " ", d.Statement[0].Condition["Bool"]["aws:SecureTransport"])
			},
		} {
			want := map[string]string{
				"aws_s3_bucket_versioning":                           "Enabled",
				"aws_s3_bucket_server_side_encryption_configuration": "aws:kms true",
				"aws_s3_bucket_ownership_controls":                   "BucketOwnerEnforced",
				"aws_s3_bucket_public_access_block":                  "true true true true",
				"aws_s3_bucket_lifecycle_configuration":              fmt.Sprint("true ", a.State.NoncurrentVersionDays),
				"aws_s3_bucket_policy":                               "Deny false",
			}[typ]
			rs := stateOnly(s.resources(typ))
			if len(rs) != 2 {
				t.Errorf("%s: %d %s, want one per bucket", name, len(rs), typ)
			}
			for id, r := range rs {
				if got := check(r); got != want {
					t.Errorf("%s: %s %s: %s, want %s", name, typ, id, got, want)
				}
			}
		}
		if keys := s.resources("aws_kms_key"); len(keys) != 2 {
			t.Errorf("%s: %d KMS keys, want one per region", name, len(keys))
		}
		_, rep := s.only(t, "aws_s3_bucket_replication_configuration")
		rule := rep["rule"].([]any)[0].(map[string]any)
		dst := rule["destination"].(map[string]any)
		if !strings.Contains(fmt.Sprint(rep["bucket"]), byName[primary]) || !strings.Contains(fmt.Sprint(dst["bucket"]), byName[replica]) {
			t.Errorf("%s: replication from %v to %v, want %s to %s", name, rep["bucket"], dst["bucket"], primary, replica)
		}
		if fmt.Sprint(rule["delete_marker_replication"]) != "map[status:Enabled]" {
			t.Errorf("%s: delete markers (released lock files) are not replicated: %v", name, rule["delete_marker_replication"])
		}
		if deps := fmt.Sprint(rep["depends_on"]); strings.Count(deps, "aws_s3_bucket_versioning.") != 2 {
			t.Errorf("%s: replication waits for %s, want both buckets' versioning", name, deps)
		}
		outputs, _ := s["output"].(map[string]any)
		for _, o := range []string{"state_bucket", "state_region", "state_replica_bucket", "state_replica_region"} {
			if outputs[o] == nil {
				t.Errorf("%s: no output %s", name, o)
			}
		}
		if r := outputs["state_replica_region"]; r != nil && r.(map[string]any)["value"] != a.State.ReplicaRegion {
			t.Errorf("%s: state_replica_region %v, want %s", name, r, a.State.ReplicaRegion)
		}
		for _, p := range s["provider"].(map[string]any)["aws"].([]any) {
			if ids := fmt.Sprint(p.(map[string]any)["allowed_account_ids"]); ids != "["+a.ID+"]" {
				t.Errorf("%s: provider allowed_account_ids %s, want [%s]", name, ids, a.ID)
			}
		}
	}
}

// TestRunRoleTrustNamesExactlyTheWorkspaces: each run role admits the plan
// and apply runs of exactly its environment's workspaces, in the
// environment's organization and project, with the workload identity
// audience, through the identity provider of its host; and the workspaces
// file names the same role and the same workspaces.
func TestRunRoleTrustNamesExactlyTheWorkspaces(t *testing.T) {
	var file workspaces.File
	readJSON(t, filepath.Join(synthDir, workspaces.FileName), &file)
	roles := 0
	for _, a := range synthAccounts() {
		s := loadStack(t, a.StackName())
		byName := map[string]map[string]any{}
		for _, r := range s.resources("aws_iam_role") {
			byName[fmt.Sprint(r["name"])] = r
		}
		providers := s.resources("aws_iam_openid_connect_provider")
		for _, rr := range a.RunRoles() {
			roles++
			env := rr.Env
			r := byName[config.RunRoleName(env)]
			if r == nil {
				t.Errorf("%s: no run role %s", a.StackName(), config.RunRoleName(env))
				continue
			}
			doc := parsePolicy(t, r["assume_role_policy"])
			if len(doc.Statement) != 1 {
				t.Fatalf("%s: %d trust statements, want 1", config.RunRoleName(env), len(doc.Statement))
			}
			st := doc.Statement[0]
			host := rr.Cloud.Hostname
			var want []string
			for _, stackName := range []string{env.StackName(config.RolePrimary), env.StackName(config.RoleSecondary), env.StackName(config.RoleGlobal)} {
				for _, phase := range []string{"plan", "apply"} {
					want = append(want, fmt.Sprintf("organization:%s:project:%s:workspace:%s:run_phase:%s", rr.Cloud.Organization, rr.Cloud.ProjectName(), stackName, phase))
				}
			}
			var got []string
			subs, _ := st.Condition["StringEquals"][host+":sub"].([]any)
			for _, s := range subs {
				got = append(got, fmt.Sprint(s))
			}
			if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Errorf("%s trusts subjects %v, want exactly %v", config.RunRoleName(env), got, want)
			}
			if aud := st.Condition["StringEquals"][host+":aud"]; aud != config.WorkloadIdentityAudience {
				t.Errorf("%s: audience %v, want %s", config.RunRoleName(env), aud, config.WorkloadIdentityAudience)
			}
			if len(st.Condition) != 1 || st.Action[0] != "sts:AssumeRoleWithWebIdentity" || len(st.Action) != 1 {
				t.Errorf("%s: trust statement %+v, want only AssumeRoleWithWebIdentity on StringEquals", config.RunRoleName(env), st)
			}
			fed := fmt.Sprint(st.Principal["Federated"])
			found := false
			for id, p := range providers {
				if p["url"] == "https://"+host && strings.Contains(fed, "aws_iam_openid_connect_provider."+id+".arn") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: federated principal %s is not the identity provider of %s", config.RunRoleName(env), fed, host)
			}
			for _, p := range s.resources("aws_iam_role_policy") {
				if !strings.Contains(fmt.Sprint(p["role"]), "run-role-"+env.ID()+"_role") {
					continue
				}
				for _, st := range parsePolicy(t, p["policy"]).Statement {
					if st.Sid != "PlatformServices" {
						continue
					}
					regions := fmt.Sprint(st.Condition["StringEquals"]["aws:RequestedRegion"])
					for _, r := range []string{env.Primary.Region, env.Secondary.Region, "us-east-1"} {
						if !strings.Contains(regions, r) {
							t.Errorf("%s may deploy only to %s, want %s among them", config.RunRoleName(env), regions, r)
						}
					}
				}
			}
			if env.Backend.Type != config.BackendCloud {
				continue
			}
			var names []string
			for _, w := range file.Workspaces {
				if !strings.HasPrefix(w.Name, env.ID()+"-") {
					continue
				}
				names = append(names, w.Name)
				for _, v := range w.Variables {
					if v.Key == "TFC_AWS_RUN_ROLE_ARN" && v.Value != config.RunRoleARN(env) {
						t.Errorf("workspace %s assumes %s, want the bootstrap's %s", w.Name, v.Value, config.RunRoleARN(env))
					}
				}
				if w.Organization != rr.Cloud.Organization || w.Project != rr.Cloud.ProjectName() || w.Hostname != host {
					t.Errorf("workspace %s in %s/%s on %s, but the role trusts %s/%s on %s", w.Name, w.Organization, w.Project, w.Hostname, rr.Cloud.Organization, rr.Cloud.ProjectName(), host)
				}
			}
			var trusted []string
			for _, sub := range want {
				ws := strings.Split(sub, ":workspace:")[1]
				trusted = append(trusted, strings.Split(ws, ":")[0])
			}
			if !slices.Equal(slices.Compact(trusted), names) {
				t.Errorf("workspaces file names %v for %s, the role trusts %v", names, env.ID(), slices.Compact(trusted))
			}
		}
	}
	if roles < 2 {
		t.Errorf("%d run roles, want acme-dev's and acme-local's at least", roles)
	}
}

// TestWorkspacesFile: cdktf.out/workspaces.json has one workspace per stack
// of every cloud-backend environment, dependencies first, each allowing
// exactly the stacks that read it to read its state, with dynamic AWS
// credentials switched on.
func TestWorkspacesFile(t *testing.T) {
	var file workspaces.File
	readJSON(t, filepath.Join(synthDir, workspaces.FileName), &file)
	var m struct {
		Stacks map[string]struct {
			Dependencies []string `json:"dependencies"`
		} `json:"stacks"`
	}
	readJSON(t, filepath.Join(synthDir, "manifest.json"), &m)
	var want []string
	for _, e := range synthEnvs {
		if e.Backend.Type == config.BackendCloud {
			want = append(want, e.StackNames()...)
		}
	}
	if len(want) == 0 {
		t.Fatal("no example environment uses backend type cloud")
	}
	var got []string
	seen := map[string]bool{}
	for _, w := range file.Workspaces {
		got = append(got, w.Name)
		for _, d := range w.DependsOn {
			if !seen[d] {
				t.Errorf("workspace %s comes before %s, whose state it reads", w.Name, d)
			}
		}
		seen[w.Name] = true
		if !slices.Equal(w.DependsOn, slices.Sorted(slices.Values(m.Stacks[w.Name].Dependencies))) {
			t.Errorf("%s depends on %v, the manifest says %v", w.Name, w.DependsOn, m.Stacks[w.Name].Dependencies)
		}
		var readers []string
		for n, s := range m.Stacks {
			if slices.Contains(s.Dependencies, w.Name) {
				readers = append(readers, n)
			}
		}
		if slices.Sort(readers); !slices.Equal(w.RemoteStateConsumers, orEmptyList(readers)) {
			t.Errorf("%s allows %v to read its state, want %v", w.Name, w.RemoteStateConsumers, readers)
		}
		if w.ExecutionMode != "remote" || w.WorkingDirectory != "cdktf.out/stacks/"+w.Name {
			t.Errorf("%s: execution mode %s, working directory %s", w.Name, w.ExecutionMode, w.WorkingDirectory)
		}
		vars := map[string]string{}
		for _, v := range w.Variables {
			if v.Category != "env" {
				t.Errorf("%s: variable %s is %s, want env", w.Name, v.Key, v.Category)
			}
			vars[v.Key] = v.Value
		}
		if vars["TFC_AWS_PROVIDER_AUTH"] != "true" || !strings.HasPrefix(vars["TFC_AWS_RUN_ROLE_ARN"], "arn:aws:iam::") {
			t.Errorf("%s: variables %v, want TFC_AWS_PROVIDER_AUTH=true and a TFC_AWS_RUN_ROLE_ARN", w.Name, vars)
		}
		s := loadStack(t, w.Name)
		cloud, _ := s["terraform"].(map[string]any)["cloud"].(map[string]any)
		if cloud["organization"] != w.Organization || cloud["workspaces"].(map[string]any)["name"] != w.Name {
			t.Errorf("%s: cloud block %v does not name workspace %s of %s", w.Name, cloud, w.Name, w.Organization)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("workspaces %v, want %v", got, want)
	}
}

func orEmptyList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestRunRolePermissionsCoverTheStacks: every resource type the environment
// stacks create belongs to a service the run role may manage (IAM through
// its own narrower statement), so a run is not refused half-way; and no
// service is granted that no stack uses.
func TestRunRolePermissionsCoverTheStacks(t *testing.T) {
	service := map[string]string{
		"acm": "acm", "appautoscaling": "application-autoscaling", "budgets": "budgets",
		"cloudfront": "cloudfront", "cloudtrail": "cloudtrail", "cloudwatch_log": "logs",
		"cloudwatch_event": "events", "cloudwatch": "cloudwatch", "codebuild": "codebuild",
		"codecommit": "codecommit", "codepipeline": "codepipeline", "db": "rds",
		"default_security_group": "ec2", "ecr": "ecr", "ecs": "ecs", "eip": "ec2",
		"flow_log": "ec2", "iam": "iam", "internet_gateway": "ec2", "kms": "kms",
		"lb": "elasticloadbalancing", "nat_gateway": "ec2", "network_acl": "ec2",
		"route53": "route53", "route_table": "ec2", "route": "ec2", "s3": "s3",
		"secretsmanager": "secretsmanager", "security_group": "ec2", "sns": "sns",
		"subnet": "ec2", "vpc": "ec2", "wafv2": "wafv2",
	}
	used := map[string]bool{}
	for _, name := range stackNames(t) {
		if strings.HasSuffix(name, "-bootstrap") {
			continue
		}
		res, _ := loadStack(t, name)["resource"].(map[string]any)
		for typ := range res {
			short, isAWS := strings.CutPrefix(typ, "aws_")
			if !isAWS {
				continue // terraform_data: no API
			}
			best := ""
			for prefix := range service {
				if (short == prefix || strings.HasPrefix(short, prefix+"_")) && len(prefix) > len(best) {
					best = prefix
				}
			}
			if best == "" {
				t.Errorf("%s: resource type %s maps to no service: add it to this table and, if new, to constructs.PlatformServices", name, typ)
				continue
			}
			svc := service[best]
			used[svc] = true
			if svc != "iam" && !slices.Contains(constructs.PlatformServices, svc) {
				t.Errorf("%s: %s needs %s, which the run role may not manage", name, typ, svc)
			}
		}
	}
	for _, svc := range constructs.PlatformServices {
		if !used[svc] {
			t.Errorf("the run role may manage %s, which no stack uses", svc)
		}
	}
}

// TestStateFailover flips acme-prod's backend.s3.use_replica: every stack
// then keeps its state in the replica bucket and region, every read of
// another stack's state follows, and the stacks still validate and plan
// offline.
func TestStateFailover(t *testing.T) {
	var prod *config.Environment
	for _, e := range synthEnvs {
		if e.ID() == "acme-prod" {
			prod = e
		}
	}
	if prod == nil || prod.Backend.S3 == nil || prod.Backend.S3.UseReplica {
		t.Fatal("acme-prod is not on an S3 backend in its primary region")
	}
	failed := *prod
	s3 := *prod.Backend.S3
	s3.UseReplica = true
	failed.Backend.S3 = &s3
	envs := []*config.Environment{&failed}
	out := filepath.Join(t.TempDir(), "cdktf.out")
	if err := synthesize(out, envs, false); err != nil {
		t.Fatal(err)
	}
	var planned []harness.Stack
	all, err := harness.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range all {
		if !strings.HasPrefix(st.Name, "acme-prod-") {
			continue
		}
		planned = append(planned, st)
		var s stack
		readJSON(t, filepath.Join(st.Dir, "cdk.tf.json"), &s)
		backend := s["terraform"].(map[string]any)["backend"].(map[string]any)["s3"].(map[string]any)
		if backend["bucket"] != s3.ReplicaBucket || backend["region"] != s3.ReplicaRegion || backend["use_lockfile"] != true {
			t.Errorf("%s: state in %v/%v, want %s in %s with a lock file", st.Name, backend["bucket"], backend["region"], s3.ReplicaBucket, s3.ReplicaRegion)
		}
		data, _ := s["data"].(map[string]any)
		rs, _ := data["terraform_remote_state"].(map[string]any)
		for id, r := range rs {
			r := r.(map[string]any)
			if r["backend"] != "s3" {
				t.Errorf("%s: %s reads a %v backend, want the s3 replica", st.Name, id, r["backend"])
				continue
			}
			cfg := r["config"].(map[string]any)
			if cfg["bucket"] != s3.ReplicaBucket || cfg["region"] != s3.ReplicaRegion {
				t.Errorf("%s: %s reads %v in %v, want the replica %s in %s", st.Name, id, cfg["bucket"], cfg["region"], s3.ReplicaBucket, s3.ReplicaRegion)
			}
		}
	}
	if len(planned) != 3 {
		t.Fatalf("%d acme-prod stacks, want 3", len(planned))
	}
	if testing.Short() {
		return
	}
	if err := harness.RequireTerraform(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	results, err := harness.Offline(ctx, harness.Options{Scratch: filepath.Join(t.TempDir(), "offline"), Quick: true}, planned)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.Plan.OK || r.Adds == 0 {
			t.Errorf("%s on the replica: plan %s (+%d)\n%s", r.Stack, r.Plan.Status(), r.Adds, r.Plan.Output)
		}
	}
}

// TestDocsWorkspaceTable: the workspace table in docs/hcp-terraform.md is
// what cdktf.out/workspaces.json says.
func TestDocsWorkspaceTable(t *testing.T) {
	var file workspaces.File
	readJSON(t, filepath.Join(synthDir, workspaces.FileName), &file)
	data, err := os.ReadFile(filepath.Join("docs", "hcp-terraform.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "| workspace |"):
			in = true
		case in && strings.HasPrefix(line, "|---"):
		case in && strings.HasPrefix(line, "|"):
			rows = append(rows, line)
		default:
			in = false
		}
	}
	var want []string
	for _, w := range file.Workspaces {
		var vars []string
		for _, v := range w.Variables {
			vars = append(vars, v.Key+"="+v.Value)
		}
		cell := func(s []string) string {
			if len(s) == 0 {
				return " "
			}
			return " " + strings.Join(s, ", ") + " "
		}
		want = append(want, "| "+w.Name+" |"+cell(w.DependsOn)+"|"+cell(w.RemoteStateConsumers)+"|"+cell(vars)+"|")
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("docs/hcp-terraform.md's workspace table:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
