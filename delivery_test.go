package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// policyDoc is an IAM policy as synthesized.
type policyDoc struct {
	Statement []struct {
		Sid       string
		Condition map[string]map[string]any
		Effect    string
		Action    any
		Resource  any
		Principal any
	}
}

func list(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

// TestNoWildcardActionOnWildcardResource: no role policy of any stack
// allows a wildcard action on every resource. One reviewed exception: an
// HCP Terraform run role's PlatformServices statement, which deploys the
// environment (its resources have no ARN before they exist) and is held to
// the environment's regions (docs/hcp-terraform.md, Run roles).
func TestNoWildcardActionOnWildcardResource(t *testing.T) {
	for _, name := range stackNames(t) {
		s := loadStack(t, name)
		check := func(what string, raw any) {
			var d policyDoc
			if err := json.Unmarshal([]byte(raw.(string)), &d); err != nil {
				t.Errorf("%s %s: %v", name, what, err)
				return
			}
			for _, st := range d.Statement {
				if st.Effect != "Allow" || !slices.Contains(list(st.Resource), "*") {
					continue
				}
				if st.Sid == "PlatformServices" && strings.HasPrefix(what, "run-role-") && st.Condition["StringEquals"]["aws:RequestedRegion"] != nil {
					continue
				}
				for _, a := range list(st.Action) {
					if strings.Contains(a, "*") {
						t.Errorf("%s %s allows %s on *", name, what, a)
					}
				}
			}
		}
		for id, p := range s.resources("aws_iam_role_policy") {
			check(id, p["policy"])
		}
		for id, p := range s.resources("aws_iam_policy") {
			check(id, p["policy"])
		}
	}
}

// envByID returns a synthesized example environment's config.
func envByID(t *testing.T, id string) *config.Environment {
	t.Helper()
	for _, e := range synthEnvs {
		if e.ID() == id {
			return e
		}
	}
	t.Fatalf("no environment %s", id)
	return nil
}

// acme-prod's pipeline: the seed's stages; production in both regions in
// parallel, each with an artifact store; the approval notifies the topic;
// staging is acme-staging's primary service.
func TestProdPipeline(t *testing.T) {
	g := loadStack(t, "acme-prod-global")
	_, p := g.only(t, "aws_codepipeline")
	var names []string
	actions := map[string][]map[string]any{}
	for _, st := range p["stage"].([]any) {
		st := st.(map[string]any)
		names = append(names, st["name"].(string))
		for _, a := range st["action"].([]any) {
			actions[st["name"].(string)] = append(actions[st["name"].(string)], a.(map[string]any))
		}
	}
	if want := []string{"Source", "Build", "Deploy_to_Staging", "Manual_Approval", "Deploy_to_Production"}; !slices.Equal(names, want) {
		t.Errorf("stages %v, want %v", names, want)
	}
	stores := map[string]bool{}
	for _, s := range p["artifact_store"].([]any) {
		stores[s.(map[string]any)["region"].(string)] = true
	}
	var regions []string
	for _, a := range actions["Deploy_to_Production"] {
		regions = append(regions, a["region"].(string))
		if !stores[a["region"].(string)] {
			t.Errorf("no artifact store in %s", a["region"])
		}
	}
	slices.Sort(regions)
	if !slices.Equal(regions, []string{"us-east-1", "us-west-2"}) {
		t.Errorf("production actions in %v", regions)
	}
	// The approval notifies a topic of this stack that the approval
	// e-mails subscribe to.
	notify := actions["Manual_Approval"][0]["configuration"].(map[string]any)["NotificationArn"]
	topic := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprint(notify), "${aws_sns_topic."), ".arn}")
	if _, ok := g.resources("aws_sns_topic")[topic]; !ok {
		t.Fatalf("approval notifies %v, want a topic of the stack", notify)
	}
	var emails []string
	for _, sub := range g.resources("aws_sns_topic_subscription") {
		if sub["topic_arn"] == notify && sub["protocol"] == "email" {
			emails = append(emails, sub["endpoint"].(string))
		}
	}
	if want := envByID(t, "acme-prod").Pipeline.ApprovalEmails; !slices.Equal(emails, want) {
		t.Errorf("approval topic subscribers %v, want %v", emails, want)
	}
	// Production reads its services from this environment's regional
	// stacks; staging is addressed by names, and they are the names the
	// acme-staging-primary stack gives its own cluster and service.
	owner := map[string]string{
		"Deploy_to_Production/us-east-1": "acme-prod-primary",
		"Deploy_to_Production/us-west-2": "acme-prod-secondary",
	}
	for _, a := range actions["Deploy_to_Production"] {
		stack := owner["Deploy_to_Production/"+a["region"].(string)]
		cfg := a["configuration"].(map[string]any)
		for _, key := range []string{"ClusterName", "ServiceName"} {
			if want := "${data.terraform_remote_state.cross-stack-reference-input-" + stack + ".outputs."; !strings.HasPrefix(fmt.Sprint(cfg[key]), want) {
				t.Errorf("Deploy_to_Production %s %s = %v, want a reference to %s", a["name"], key, cfg[key], stack)
			}
		}
	}
	sp := loadStack(t, "acme-staging-primary")
	_, cluster := sp.only(t, "aws_ecs_cluster")
	_, service := sp.only(t, "aws_ecs_service")
	_, repo := sp.only(t, "aws_ecr_repository")
	staged := actions["Deploy_to_Staging"][0]
	if cfg := staged["configuration"].(map[string]any); cfg["ClusterName"] != cluster["name"] || cfg["ServiceName"] != service["name"] {
		t.Errorf("staging deploys %v/%v, want acme-staging-primary's %v/%v", cfg["ClusterName"], cfg["ServiceName"], cluster["name"], service["name"])
	}
	staging := envByID(t, "acme-staging")
	stagingRepo := fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", staging.AccountID, staging.Primary.Region, repo["name"])
	// The pipeline may pass the staging task's roles: the roles
	// acme-staging-primary creates.
	var policies []string
	for _, pol := range g.resources("aws_iam_role_policy") {
		policies = append(policies, fmt.Sprint(pol["policy"]))
	}
	for _, role := range sp.resources("aws_iam_role") {
		if name := fmt.Sprint(role["name"]); strings.HasSuffix(name, "-exec") || strings.HasSuffix(name, "-task") {
			if arn := "arn:aws:iam::" + staging.AccountID + ":role/" + name; !strings.Contains(strings.Join(policies, "\n"), arn) {
				t.Errorf("no policy of acme-prod-global names %s", arn)
			}
		}
	}
	// The secondary region deploys the image definitions that name its own
	// (replicated) repository: the build gets that repository from the
	// secondary stack.
	for _, a := range actions["Deploy_to_Production"] {
		want := map[string]string{"us-east-1": "imagedefinitions-primary.json", "us-west-2": "imagedefinitions-secondary.json"}[a["region"].(string)]
		if file := a["configuration"].(map[string]any)["FileName"]; file != want {
			t.Errorf("%s deploys %v, want %s", a["region"], file, want)
		}
	}
	var vars []struct{ Name, Value string }
	json.Unmarshal([]byte(actions["Build"][0]["configuration"].(map[string]any)["EnvironmentVariables"].(string)), &vars)
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Value
	}
	if want := "${data.terraform_remote_state.cross-stack-reference-input-acme-prod-secondary.outputs.cross-stack-output-aws_ecr_repository"; !strings.HasPrefix(got["SECONDARY_REPOSITORY_URI"], want) {
		t.Errorf("build variable SECONDARY_REPOSITORY_URI = %q, want acme-prod-secondary's image repository", got["SECONDARY_REPOSITORY_URI"])
	}
	if got["STAGING_REPOSITORY_URI"] != stagingRepo {
		t.Errorf("build variable STAGING_REPOSITORY_URI = %q, want acme-staging-primary's repository %s", got["STAGING_REPOSITORY_URI"], stagingRepo)
	}
	_, project := loadStack(t, "acme-prod-primary").only(t, "aws_codebuild_project")
	for _, v := range project["environment"].(map[string]any)["environment_variable"].([]any) {
		if v := v.(map[string]any); v["name"] == "IMAGE_REPOSITORY_URI" && !strings.HasPrefix(v["value"].(string), "${aws_ecr_repository.") {
			t.Errorf("the build pushes to %v, want the primary stack's image repository", v["value"])
		}
	}
	if link := actions["Manual_Approval"][0]["configuration"].(map[string]any)["ExternalEntityLink"]; link != "https://"+envByID(t, "acme-staging").DNS.Domain {
		t.Errorf("approval links to %v, want the staging domain", link)
	}
}

// The shorter pipeline of an environment without staging or approval.
func TestDevPipelineIsShort(t *testing.T) {
	_, p := loadStack(t, "acme-dev-global").only(t, "aws_codepipeline")
	var names []string
	for _, st := range p["stage"].([]any) {
		names = append(names, st.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"Source", "Build", "Deploy"}) {
		t.Errorf("acme-dev stages %v, want Source, Build, Deploy", names)
	}
}

// The mirror job (in the primary region, owned by the secondary stack) is
// triggered by the source repository's events.
func TestProdMirror(t *testing.T) {
	s := loadStack(t, "acme-prod-secondary")
	var found bool
	for name, r := range s.resources("aws_cloudwatch_event_rule") {
		pattern := r["event_pattern"].(string)
		if strings.Contains(pattern, "aws.codecommit") && !strings.HasPrefix(name, "standby-pipeline") { // the standby pipeline's trigger reads the replica
			found = true
			if r["provider"] != "aws.primary" || !strings.Contains(pattern, "code-repository") && !strings.Contains(pattern, "remote_state") {
				t.Errorf("mirror rule %v", r)
			}
		}
	}
	if !found {
		t.Error("no mirror rule on the source repository's events")
	}
	if n := len(s.resources("aws_s3_bucket_replication_configuration")); n != 1 {
		t.Errorf("%d artifact replication configurations in the secondary, want 1", n)
	}
	if n := len(loadStack(t, "acme-prod-primary").resources("aws_s3_bucket_replication_configuration")); n != 0 {
		t.Error("the primary owns a replication configuration; the secondary does")
	}
}

// deliveryKeyAddress is the delivery key of each regional stack.
const deliveryKeyAddress = "aws_kms_key.delivery-key_E3E52955"

// Keys of the global stack's delivery: the audit trail's and the approval
// topic's.
const (
	trailKeyAddress         = "aws_kms_key.audit-trail_key_7FA38FC3"
	approvalTopicKeyAddress = "aws_kms_key.approval-topic_key_698FB86B"
)

// globalDeliveryKeys are the delivery keys an environment's global stack has.
func globalDeliveryKeys(env *config.Environment) []string {
	var out []string
	if p := env.Pipeline; p != nil && *p.CloudTrail {
		out = append(out, trailKeyAddress)
	}
	if env.ApprovalRequired() && *env.Pipeline.CodePipeline {
		out = append(out, approvalTopicKeyAddress)
	}
	return out
}

// Stateful delivery resources keep their Terraform addresses: a changed
// construct id would destroy a repository, a bucket or a key.
func TestDeliveryAddresses(t *testing.T) {
	regional := []string{
		"aws_codecommit_repository.code-repository_1432962E",
		deliveryKeyAddress,
		"aws_s3_bucket.artifacts_bucket_A41425E9",
		"aws_s3_bucket.artifacts_log-bucket_5655D931",
	}
	want := map[string][]string{
		"acme-prod-primary":   regional,
		"acme-prod-secondary": regional,
		"acme-prod-global":    {trailKeyAddress, "aws_s3_bucket.audit-trail_bucket_7172A606", approvalTopicKeyAddress},
	}
	for name, addresses := range want {
		s := loadStack(t, name)
		for _, a := range addresses {
			typ, id, _ := strings.Cut(a, ".")
			if _, ok := s.resources(typ)[id]; !ok {
				t.Errorf("%s has no %s", name, a)
			}
		}
	}
}
