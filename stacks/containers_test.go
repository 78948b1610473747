package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
)

func resources(doc map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	byName, _ := path(doc, "resource", typ).(map[string]any)
	for name, r := range byName {
		out[name] = r.(map[string]any)
	}
	return out
}

func only(t *testing.T, doc map[string]any, typ string) (string, map[string]any) {
	t.Helper()
	rs := resources(doc, typ)
	if len(rs) != 1 {
		t.Fatalf("%d %s, want 1", len(rs), typ)
	}
	for n, r := range rs {
		return n, r
	}
	return "", nil
}

// The primary's registry replicates the environment's repository to the
// secondary region of the same account; the secondary owns no replication.
func TestReplicationTargetsSecondary(t *testing.T) {
	s := synthEnv(t, "envs/acme-dev.yaml", "account_id: \"111111111111\"\nsecondary:\n  region: eu-west-1\n  cidr: 10.1.0.0/16\n")
	_, cfg := only(t, s[config.RolePrimary], "aws_ecr_replication_configuration")
	rule := path(cfg, "replication_configuration").(map[string]any)["rule"].([]any)[0].(map[string]any)
	dest := rule["destination"].([]any)[0].(map[string]any)
	if dest["region"] != "eu-west-1" || dest["registry_id"] != "111111111111" {
		t.Errorf("replication destination %v, want eu-west-1 of account 111111111111", dest)
	}
	if f := rule["repository_filter"].([]any)[0].(map[string]any); f["filter"] != "acme-dev/app" {
		t.Errorf("replication filter %v, want the environment's repository", f)
	}
	if len(resources(s[config.RoleSecondary], "aws_ecr_replication_configuration")) != 0 {
		t.Error("the secondary stack sets a replication configuration")
	}
}

// The secondary's tasks pull from the repository in their own region: the
// image is the secondary stack's own repository (default provider, the
// secondary region), never the primary's through remote state.
func TestSecondaryPullsInItsRegion(t *testing.T) {
	s := synthEnv(t, "envs/acme-dev.yaml", "account_id: \"111111111111\"\n")
	sec := s[config.RoleSecondary]
	repoName, repo := only(t, sec, "aws_ecr_repository")
	if repo["provider"] != nil || repo["name"] != "acme-dev/app" {
		t.Errorf("secondary repository provider %v name %v, want the default (us-west-2) provider and the primary's name", repo["provider"], repo["name"])
	}
	_, td := only(t, sec, "aws_ecs_task_definition")
	var defs []map[string]any
	json.Unmarshal([]byte(td["container_definitions"].(string)), &defs)
	want := fmt.Sprintf("${aws_ecr_repository.%s.repository_url}:latest", repoName)
	if defs[0]["image"] != want {
		t.Errorf("secondary image %v, want %s", defs[0]["image"], want)
	}
	region := defs[0]["logConfiguration"].(map[string]any)["options"].(map[string]any)["awslogs-region"]
	if region != "us-west-2" {
		t.Errorf("secondary logs to %v, want us-west-2", region)
	}
	// The replica is encrypted with the secondary region's own key.
	enc := repo["encryption_configuration"].([]any)[0].(map[string]any)
	keyName := strings.TrimSuffix(strings.TrimPrefix(enc["kms_key"].(string), "${aws_kms_key."), ".arn}")
	if k := resources(sec, "aws_kms_key")[keyName]; k == nil || k["provider"] != nil {
		t.Errorf("replica key %s, want a key of the secondary stack in its region", keyName)
	}
	// The primary repository admits the execution roles of both regions.
	_, policy := only(t, s[config.RolePrimary], "aws_ecr_repository_policy")
	for _, role := range []string{"acme-dev-use1-app-exec", "acme-dev-usw2-app-exec"} {
		if !strings.Contains(policy["policy"].(string), role) {
			t.Errorf("primary repository policy lacks %s", role)
		}
	}
}

// Production: deletion protection, no spot, nothing force-deleted.
// Development: the opposite, so a destroy cleans up.
func TestContainerTierDefaults(t *testing.T) {
	for _, prod := range []bool{true, false} {
		body := "account_id: \"111111111111\"\n"
		if prod {
			body += "tier: production\n"
		}
		s := synthEnv(t, "envs/acme-x.yaml", body)[config.RolePrimary]
		_, alb := only(t, s, "aws_lb")
		_, repo := only(t, s, "aws_ecr_repository")
		_, bucket := only(t, s, "aws_s3_bucket")
		_, svc := only(t, s, "aws_ecs_service")
		spot := strings.Contains(fmt.Sprint(svc["capacity_provider_strategy"]), "FARGATE_SPOT")
		if alb["enable_deletion_protection"] != prod || repo["force_delete"] == prod || bucket["force_destroy"] == prod || spot == prod {
			t.Errorf("production=%v: deletion protection %v, force_delete %v, force_destroy %v, spot %v",
				prod, alb["enable_deletion_protection"], repo["force_delete"], bucket["force_destroy"], spot)
		}
	}
}

// The stateful resources of the container platform keep their Terraform
// addresses: a renamed construct id would destroy images, keys or logs.
func TestContainerAddressesPinned(t *testing.T) {
	s := synthEnv(t, "envs/acme-dev.yaml", "account_id: \"111111111111\"\n")
	for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
		for _, addr := range []string{
			"aws_ecr_repository.repository_5D02F86B",
			"aws_kms_key.registry-key_A2525996",
			"aws_s3_bucket.load-balancer_access-logs_D8F89EC2",
			"aws_cloudwatch_log_group.service_logs_687FB03D",
		} {
			typ, name, _ := strings.Cut(addr, ".")
			if resources(s[role], typ)[name] == nil {
				t.Errorf("%s: %s is gone (a renamed construct id destroys it)", role, addr)
			}
		}
	}
}

// The stack structs expose what the edge, pipeline and monitoring issues
// read, and another stack can use them (CDKTF wires outputs and remote
// state).
func TestContainerOutputsForOtherStacks(t *testing.T) {
	env, err := config.Parse("envs/acme-dev.yaml", []byte("account_id: \"111111111111\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(dir)})
	p := NewPrimary(app, env)
	sec := NewSecondary(app, env, p)
	for _, r := range []*Regional{p.Regional, sec.Regional} {
		for name, v := range map[string]*string{
			"alb dns": r.LoadBalancer.DNSName, "alb zone": r.LoadBalancer.ZoneID, "alb arn suffix": r.LoadBalancer.ArnSuffix,
			"target group arn suffix": r.LoadBalancer.TargetGroupArnSuffix, "cluster": r.Cluster.Name, "service": r.Service.Name,
			"repository url": r.Repository.URL, "repository name": r.Repository.Name, "execution role": r.Service.ExecutionRoleArn,
		} {
			if v == nil {
				t.Errorf("%s: %s is nil", r.Region, name)
			}
		}
	}
	// A consumer in another stack reads them through remote state.
	g := newStack(app, env, config.RoleGlobal)
	newProvider(g, env, env.Primary.Region, "")
	output(g, "origins", "both load balancers", []*string{p.LoadBalancer.DNSName, sec.LoadBalancer.DNSName})
	app.Synth()
	data, err := os.ReadFile(filepath.Join(dir, "stacks", env.StackName(config.RoleGlobal), "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "data.terraform_remote_state.cross-stack-reference-input-acme-dev-secondary.outputs.cross-stack-output-aws_lbload-balancer_alb") {
		t.Errorf("global stack does not read the secondary ALB through remote state:\n%s", data)
	}
}
