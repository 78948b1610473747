package constructs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

const account = "111111111111"

// actionsOn maps each resource of the Allow statements to its actions.
func actionsOn(d PolicyDocument) map[string][]string {
	out := map[string][]string{}
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, r := range s.Resource {
			out[r] = append(out[r], s.Action...)
		}
	}
	return out
}

// noWildcardOnWildcard fails for any Allow of a wildcard action on "*".
func noWildcardOnWildcard(t *testing.T, where string, d PolicyDocument) {
	t.Helper()
	for _, s := range d.Statement {
		if s.Effect != "Allow" || !slices.Contains(s.Resource, "*") {
			continue
		}
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				t.Errorf("%s allows %s on *", where, a)
			}
		}
	}
}

func newBucket(stack cdktf.TerraformStack, id, region string) *ArtifactBucket {
	return NewArtifactBucket(stack, id, &ArtifactBucketProps{
		Name: "acme-prod-" + region + "-artifacts", LogBucketName: "acme-prod-" + region + "-artifact-logs",
		Account: account, KeyArn: jsii.String("arn:aws:kms:" + region + ":111111111111:key/" + id), RetentionDays: 90,
	})
}

func TestArtifactBucket(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) { newBucket(stack, "artifacts", "us-east-1") })
	buckets := doc.resources("aws_s3_bucket")
	if len(buckets) != 2 {
		t.Fatalf("%d buckets, want the artifact bucket and its log bucket", len(buckets))
	}
	for name, enc := range doc.resources("aws_s3_bucket_server_side_encryption_configuration") {
		rule := enc["rule"].([]any)[0].(map[string]any)["apply_server_side_encryption_by_default"].(map[string]any)
		switch {
		case strings.HasPrefix(name, "artifacts_bucket-"):
			if rule["sse_algorithm"] != "aws:kms" || rule["kms_master_key_id"] != "arn:aws:kms:us-east-1:111111111111:key/artifacts" {
				t.Errorf("artifact bucket encryption %v, want SSE-KMS with the key", rule)
			}
		default:
			if rule["sse_algorithm"] != "AES256" {
				t.Errorf("log bucket encryption %v, want SSE-S3 (log delivery cannot use KMS)", rule)
			}
		}
	}
	for _, pab := range doc.resources("aws_s3_bucket_public_access_block") {
		for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			if pab[k] != true {
				t.Errorf("public access block %s = %v", k, pab[k])
			}
		}
	}
	if n := len(doc.resources("aws_s3_bucket_public_access_block")); n != 2 {
		t.Errorf("%d public access blocks, want one per bucket", n)
	}
	if v := doc.only(t, "aws_s3_bucket_versioning"); v["versioning_configuration"].(map[string]any)["status"] != "Enabled" {
		t.Errorf("versioning %v", v)
	}
	for name, pol := range doc.resources("aws_s3_bucket_policy") {
		var d struct{ Statement []map[string]any }
		json.Unmarshal([]byte(pol["policy"].(string)), &d)
		var tls bool
		for _, s := range d.Statement {
			tls = tls || s["Effect"] == "Deny" && fmt.Sprint(s["Condition"]) == "map[Bool:map[aws:SecureTransport:false]]"
		}
		if !tls {
			t.Errorf("%s: no TLS-only statement", name)
		}
	}
	lifecycles := doc.resources("aws_s3_bucket_lifecycle_configuration")
	if len(lifecycles) != 2 {
		t.Errorf("%d lifecycles, want one per bucket", len(lifecycles))
	}
	for _, l := range lifecycles {
		rule := l["rule"].([]any)[0].(map[string]any)
		if rule["expiration"].([]any)[0].(map[string]any)["days"] != 90.0 || rule["noncurrent_version_expiration"] == nil {
			t.Errorf("lifecycle %v, want expiry after 90 days", rule)
		}
	}
	logging := doc.only(t, "aws_s3_bucket_logging")
	if !strings.Contains(logging["target_bucket"].(string), "artifacts_log-bucket") {
		t.Errorf("access logs go to %v, want the log bucket", logging["target_bucket"])
	}
}

func TestBucketReplication(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		primary := provider.NewAwsProvider(stack, jsii.String("aws-primary"), &provider.AwsProviderConfig{Region: jsii.String("us-east-1"), Alias: jsii.String("primary")})
		src := newBucket(stack, "source", "us-east-1")
		dst := newBucket(stack, "destination", "us-west-2")
		NewBucketReplication(stack, "replication", &BucketReplicationProps{
			RoleName: "acme-prod-artifact-replication", Account: account,
			Source: &src.BucketRef, SourceRegion: "us-east-1", Provider: primary,
			Destination: &dst.BucketRef, DestinationRegion: "us-west-2",
		})
	})
	rc := doc.only(t, "aws_s3_bucket_replication_configuration")
	if rc["provider"] != "aws.primary" {
		t.Errorf("replication configured through %v, want the source region's provider", rc["provider"])
	}
	rule := rc["rule"].([]any)[0].(map[string]any)
	dest := rule["destination"].(map[string]any)
	if dest["encryption_configuration"].(map[string]any)["replica_kms_key_id"] != "arn:aws:kms:us-west-2:111111111111:key/destination" {
		t.Errorf("replicas encrypted with %v, want the destination key", dest["encryption_configuration"])
	}
	if !strings.Contains(dest["bucket"].(string), "destination_bucket") || rule["status"] != "Enabled" {
		t.Errorf("replication rule %v", rule)
	}
	d := policyOf(t, doc.only(t, "aws_iam_role_policy"), "policy")
	for _, s := range d.Statement {
		for _, a := range s.Action {
			if !strings.HasPrefix(a, "s3:Get") && !strings.HasPrefix(a, "s3:Replicate") && a != "s3:ListBucket" && !strings.HasPrefix(a, "kms:") {
				t.Errorf("replication role may %s", a)
			}
			if strings.Contains(a, "*") {
				t.Errorf("replication role has wildcard action %s", a)
			}
		}
		for _, r := range s.Resource {
			if r == "*" {
				t.Errorf("replication role statement on *: %v", s)
			}
		}
	}
}

func mirrorStack(stack cdktf.TerraformStack) {
	src := NewCodeRepository(stack, "source", &CodeRepositoryProps{Name: "acme-prod-app", KeyArn: jsii.String("arn:aws:kms:us-east-1:111111111111:key/src")})
	replica := NewCodeRepository(stack, "replica", &CodeRepositoryProps{Name: "acme-prod-app", KeyArn: jsii.String("arn:aws:kms:us-west-2:111111111111:key/replica")})
	NewRepositoryMirror(stack, "mirror", &RepositoryMirrorProps{
		Name: "acme-prod-app-mirror", Account: account, Region: "us-east-1",
		Source: src, SourceKeyArn: jsii.String("arn:aws:kms:us-east-1:111111111111:key/src"),
		Replica: replica, ReplicaKeyArn: jsii.String("arn:aws:kms:us-west-2:111111111111:key/replica"),
		Image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", LogsKeyArn: jsii.String("arn:aws:kms:us-east-1:111111111111:key/logs"), LogRetentionDays: 30,
	})
}

func TestCodeRepositoryEncrypted(t *testing.T) {
	doc := synthJSON(t, mirrorStack)
	for name, r := range doc.resources("aws_codecommit_repository") {
		if r["kms_key_id"] == nil {
			t.Errorf("%s is not encrypted with a CMK", name)
		}
	}
}

// The mirror job is triggered by the source repository's reference events,
// pulls from the source only and pushes to the replica only.
func TestRepositoryMirror(t *testing.T) {
	doc := synthJSON(t, mirrorStack)
	srcArn := ref("aws_codecommit_repository", "source_repository_8A2E9B86", "arn")
	for name := range doc.resources("aws_codecommit_repository") {
		if strings.HasPrefix(name, "source_") {
			srcArn = ref("aws_codecommit_repository", name, "arn")
		}
	}
	rule := doc.only(t, "aws_cloudwatch_event_rule")
	var pattern EventPattern
	json.Unmarshal([]byte(rule["event_pattern"].(string)), &pattern)
	if !slices.Equal(pattern.Resources, []string{srcArn}) || !slices.Equal(pattern.Source, []string{"aws.codecommit"}) {
		t.Errorf("mirror rule pattern %+v, want the source repository %s", pattern, srcArn)
	}
	if ev := fmt.Sprint(pattern.Detail["event"]); !strings.Contains(ev, "referenceUpdated") || !strings.Contains(ev, "referenceCreated") || !strings.Contains(ev, "referenceDeleted") {
		t.Errorf("mirror rule events %s", ev)
	}
	var projectName string
	for name := range doc.resources("aws_codebuild_project") {
		projectName = name
	}
	target := doc.only(t, "aws_cloudwatch_event_target")
	if target["arn"] != ref("aws_codebuild_project", projectName, "arn") || target["role_arn"] == nil {
		t.Errorf("mirror rule target %v, want the mirror project through a role", target)
	}
	project := doc.only(t, "aws_codebuild_project")
	spec := project["source"].(map[string]any)["buildspec"].(string)
	if !strings.Contains(spec, "git push --mirror") || !strings.Contains(spec, "git clone --mirror") {
		t.Errorf("mirror buildspec %s", spec)
	}
	for _, pol := range doc.resources("aws_iam_role_policy") {
		d := policyOf(t, pol, "policy")
		noWildcardOnWildcard(t, "mirror", d)
		for res, actions := range actionsOn(d) {
			for _, a := range actions {
				if a == "codecommit:GitPull" && res != srcArn {
					t.Errorf("GitPull on %s, want only the source", res)
				}
				if a == "codecommit:GitPush" && res == srcArn {
					t.Error("the mirror may push to the source")
				}
				if a == "codebuild:StartBuild" && res != ref("aws_codebuild_project", projectName, "arn") {
					t.Errorf("the trigger may start %s", res)
				}
			}
		}
	}
}

func TestBuildProject(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		b := newBucket(stack, "artifacts", "us-east-1")
		NewBuildProject(stack, "build", &BuildProjectProps{
			Name: "acme-prod-app-build", Account: account, Region: "us-east-1",
			Image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", ComputeType: "BUILD_GENERAL1_MEDIUM", TimeoutMinutes: 30,
			Buildspec: "buildspec.yml", Variables: map[string]string{"PRIMARY_REGION": "us-east-1", "SECONDARY_REGION": "us-west-2"},
			ArtifactBucketArn: b.Arn, ArtifactKeyArn: b.KeyArn,
			PushRepositoryArns: []*string{jsii.String("arn:aws:ecr:us-east-1:111111111111:repository/acme-prod/app")},
			LogsKeyArn:         jsii.String("arn:aws:kms:us-east-1:111111111111:key/logs"), LogRetentionDays: 30,
		})
		// The secondary stack's grant on its replicated repository.
		GrantImageRead(stack, "build-image-read", jsii.String("acme-prod-app-build"), jsii.String("arn:aws:ecr:us-west-2:111111111111:repository/acme-prod/app"))
	})
	var project map[string]any
	for _, p := range doc.resources("aws_codebuild_project") {
		project = p
	}
	env := project["environment"].(map[string]any)
	if env["privileged_mode"] != true || env["compute_type"] != "BUILD_GENERAL1_MEDIUM" {
		t.Errorf("build environment %v, want privileged", env)
	}
	if src := project["source"].(map[string]any); src["type"] != "CODEPIPELINE" || src["buildspec"] != "buildspec.yml" || src["location"] != nil {
		t.Errorf("build source %v, want the pipeline's with buildspec.yml and no location", src)
	}
	if project["encryption_key"] != "arn:aws:kms:us-east-1:111111111111:key/artifacts" {
		t.Errorf("build artifacts encrypted with %v", project["encryption_key"])
	}
	logs := doc.only(t, "aws_cloudwatch_log_group")
	if logs["kms_key_id"] != "arn:aws:kms:us-east-1:111111111111:key/logs" {
		t.Errorf("build logs encrypted with %v", logs["kms_key_id"])
	}
	on := map[string][]string{}
	for name, pol := range doc.resources("aws_iam_role_policy") {
		d := policyOf(t, pol, "policy")
		noWildcardOnWildcard(t, name, d)
		for res, actions := range actionsOn(d) {
			on[res] = append(on[res], actions...)
		}
	}
	if !slices.Contains(on["arn:aws:ecr:us-east-1:111111111111:repository/acme-prod/app"], "ecr:PutImage") {
		t.Error("the build may not push to its repository")
	}
	if got := on["arn:aws:ecr:us-west-2:111111111111:repository/acme-prod/app"]; !slices.Equal(got, []string{"ecr:DescribeImages"}) {
		t.Errorf("the build may %v on the secondary repository, want only DescribeImages", got)
	}
	if got := on["*"]; !slices.Equal(got, []string{"ecr:GetAuthorizationToken"}) {
		t.Errorf("the build may %v on *, want only ecr:GetAuthorizationToken", got)
	}
}

// alertTopicArn is the alert topic (issue 8's, in the regional stack) that
// failed executions and pending approvals notify.
const alertTopicArn = "arn:aws:sns:us-east-1:111111111111:acme-prod-use1-alerts"

// pipelineStack builds a full pipeline (staging and approval) or the short one.
func pipelineStack(full bool) func(stack cdktf.TerraformStack) {
	return func(stack cdktf.TerraformStack) {
		east := newBucket(stack, "east", "us-east-1")
		west := newBucket(stack, "west", "us-west-2")
		repo := NewCodeRepository(stack, "repo", &CodeRepositoryProps{Name: "acme-prod-app", KeyArn: east.KeyArn})
		topic := NewTopic(stack, "approvals", &TopicProps{Name: "acme-prod-approvals", Account: account, Region: "us-east-1",
			Subscriptions: []Subscription{{ProtocolEmail, "release@example.com"}}})
		target := func(region, file string) EcsDeployTarget {
			return EcsDeployTarget{Action: region, Region: region, ClusterName: jsii.String("c-" + region), ServiceName: jsii.String("app"), FileName: file,
				PassRoleArns: []*string{jsii.String("arn:aws:iam::111111111111:role/exec-" + region)}}
		}
		p := &PipelineProps{
			Name: "acme-prod-app", Account: account, Region: "us-east-1",
			Stores:           []ArtifactStore{{"us-east-1", east}, {"us-west-2", west}},
			Source:           PipelineSource{Repository: repo, RepositoryKeyArn: east.KeyArn, Branch: "main"},
			BuildProjectName: jsii.String("acme-prod-app-build"), BuildProjectArn: jsii.String("arn:aws:codebuild:us-east-1:111111111111:project/acme-prod-app-build"),
			ProductionStage:      StageDeployToProduction,
			Production:           []EcsDeployTarget{target("us-east-1", "imagedefinitions-primary.json"), target("us-west-2", "imagedefinitions-secondary.json")},
			NotificationTopicArn: jsii.String(alertTopicArn),
		}
		if full {
			s := target("us-east-1", "imagedefinitions-staging.json")
			s.Action, s.ClusterName = "staging", jsii.String("staging-cluster")
			p.Staging = &s
			p.Approval = &ApprovalGate{TopicArn: topic.Arn, TopicKeyArn: topic.KeyArn, TimeoutMinutes: 1440,
				CustomData: "check staging", ExternalURL: jsii.String("https://staging.example.com")}
			p.BuildVariables = map[string]*string{"STAGING_REPOSITORY_URI": jsii.String("111111111111.dkr.ecr.us-east-1.amazonaws.com/acme-staging/app")}
		}
		NewPipeline(stack, "pipeline", p)
	}
}

func stagesOf(pipeline map[string]any) (names []string, byName map[string][]map[string]any) {
	byName = map[string][]map[string]any{}
	for _, s := range pipeline["stage"].([]any) {
		s := s.(map[string]any)
		names = append(names, s["name"].(string))
		for _, a := range s["action"].([]any) {
			byName[s["name"].(string)] = append(byName[s["name"].(string)], a.(map[string]any))
		}
	}
	return names, byName
}

func TestPipelineStages(t *testing.T) {
	for _, tc := range []struct {
		name string
		full bool
		want []string
	}{
		{"with staging and approval", true, []string{"Source", "Build", "Deploy_to_Staging", "Manual_Approval", "Deploy_to_Production"}},
		{"short", false, []string{"Source", "Build", "Deploy_to_Production"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := synthJSON(t, pipelineStack(tc.full))
			pipeline := doc.only(t, "aws_codepipeline")
			names, actions := stagesOf(pipeline)
			if !slices.Equal(names, tc.want) {
				t.Errorf("stages %v, want %v", names, tc.want)
			}
			if pipeline["pipeline_type"] != "V2" {
				t.Errorf("pipeline type %v, want V2", pipeline["pipeline_type"])
			}
			// Production: two deploy actions in two regions, each with an
			// artifact store, in parallel (same run order).
			stores := map[string]bool{}
			for _, s := range pipeline["artifact_store"].([]any) {
				s := s.(map[string]any)
				stores[s["region"].(string)] = s["encryption_key"].(map[string]any)["type"] == "KMS"
			}
			prod := actions["Deploy_to_Production"]
			if len(prod) != 2 {
				t.Fatalf("%d production actions, want 2", len(prod))
			}
			regions := map[string]bool{}
			for _, a := range prod {
				region := a["region"].(string)
				regions[region] = true
				if !stores[region] {
					t.Errorf("production action in %s has no KMS artifact store there (stores %v)", region, stores)
				}
				if a["provider"] != "ECS" || a["category"] != "Deploy" || a["run_order"] != nil {
					t.Errorf("production action %v, want a parallel ECS deploy", a)
				}
			}
			if len(regions) != 2 {
				t.Errorf("production actions in %v, want two regions", regions)
			}
			src := actions["Source"][0]["configuration"].(map[string]any)
			if src["PollForSourceChanges"] != "false" || src["BranchName"] != "main" {
				t.Errorf("source %v, want branch main without polling", src)
			}
			if tc.full {
				approval := actions["Manual_Approval"][0]
				topic := ""
				for name := range doc.resources("aws_sns_topic") {
					topic = ref("aws_sns_topic", name, "arn") // the approval topic
				}
				if cfg := approval["configuration"].(map[string]any); cfg["NotificationArn"] != topic || cfg["ExternalEntityLink"] != "https://staging.example.com" {
					t.Errorf("approval %v, want it to notify %s and link staging", cfg, topic)
				}
				if approval["timeout_in_minutes"] != 1440.0 {
					t.Errorf("approval timeout %v", approval["timeout_in_minutes"])
				}
				if !strings.Contains(actions["Build"][0]["configuration"].(map[string]any)["EnvironmentVariables"].(string), "STAGING_REPOSITORY_URI") {
					t.Error("the build action does not pass the staging repository")
				}
			}
		})
	}
}

// A single-region pipeline (the standby one) has one artifact store, which
// names no region: the provider refuses one there, while each store of a
// cross-region pipeline must name its region.
func TestPipelineStoreRegions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		regions []string
	}{
		{"single-region", []string{"us-west-2"}},
		{"cross-region", []string{"us-east-1", "us-west-2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := synthJSON(t, func(stack cdktf.TerraformStack) {
				var stores []ArtifactStore
				for _, r := range tc.regions {
					stores = append(stores, ArtifactStore{r, newBucket(stack, r, r)})
				}
				repo := NewCodeRepository(stack, "repo", &CodeRepositoryProps{Name: "acme-prod-app", KeyArn: stores[0].Bucket.KeyArn})
				NewPipeline(stack, "pipeline", &PipelineProps{
					Name: "acme-prod-app", Account: account, Region: tc.regions[0], Stores: stores,
					Source:           PipelineSource{Repository: repo, RepositoryKeyArn: stores[0].Bucket.KeyArn, Branch: "main"},
					BuildProjectName: jsii.String("build"), BuildProjectArn: jsii.String("arn:aws:codebuild:us-east-1:111111111111:project/build"),
					ProductionStage: StageDeployToProduction,
					Production: []EcsDeployTarget{{Action: "deploy", Region: tc.regions[0], ClusterName: jsii.String("c"), ServiceName: jsii.String("app"),
						FileName: "imagedefinitions.json", PassRoleArns: []*string{jsii.String("arn:aws:iam::111111111111:role/exec")}}},
					NotificationTopicArn: jsii.String(alertTopicArn),
				})
			})
			got := doc.only(t, "aws_codepipeline")["artifact_store"].([]any)
			if len(got) != len(tc.regions) {
				t.Fatalf("%d artifact stores, want %d", len(got), len(tc.regions))
			}
			for _, s := range got {
				region, named := s.(map[string]any)["region"]
				if named != (len(tc.regions) > 1) {
					t.Errorf("store %v: region %q, want a region only in a cross-region pipeline", s, region)
				}
			}
		})
	}
}

// A push to the branch starts the pipeline through EventBridge; failures
// and pending approvals reach the alert topic.
func TestPipelineEvents(t *testing.T) {
	doc := synthJSON(t, pipelineStack(true))
	var pipelineName string
	for name := range doc.resources("aws_codepipeline") {
		pipelineName = name
	}
	topicArn := alertTopicArn
	rules := doc.resources("aws_cloudwatch_event_rule")
	targets := doc.resources("aws_cloudwatch_event_target")
	byRule := map[string]map[string]any{}
	for _, tg := range targets {
		byRule[tg["rule"].(string)] = tg
	}
	var trigger, failed, approval bool
	for name, r := range rules {
		var p EventPattern
		json.Unmarshal([]byte(r["event_pattern"].(string)), &p)
		tg := byRule[ref("aws_cloudwatch_event_rule", name, "name")]
		switch {
		case slices.Contains(p.Source, "aws.codecommit"):
			trigger = tg["arn"] == ref("aws_codepipeline", pipelineName, "arn") && fmt.Sprint(p.Detail["referenceName"]) == "[main]"
		case fmt.Sprint(p.Detail["state"]) == "[FAILED]":
			failed = tg["arn"] == topicArn
		case strings.Contains(fmt.Sprint(p.Detail["type"]), "Approval"):
			approval = tg["arn"] == topicArn
		}
	}
	if !trigger || !failed || !approval {
		t.Errorf("trigger %v, failure notification %v, approval notification %v: want all", trigger, failed, approval)
	}
}

// No role of the pipeline allows a wildcard action on every resource; the
// pipeline may pass only the tasks' roles, only to ECS tasks.
func TestPipelineRoles(t *testing.T) {
	doc := synthJSON(t, pipelineStack(true))
	for name, pol := range doc.resources("aws_iam_role_policy") {
		d := policyOf(t, pol, "policy")
		noWildcardOnWildcard(t, name, d)
		for _, s := range d.Statement {
			if slices.Contains(s.Action, "iam:PassRole") {
				if slices.Contains(s.Resource, "*") || s.Condition["StringEquals"]["iam:PassedToService"] != "ecs-tasks.amazonaws.com" {
					t.Errorf("%s: PassRole %v", name, s)
				}
			}
			for _, r := range s.Resource {
				if r == "*" && !slices.Equal(s.Action, []string{"ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"}) {
					t.Errorf("%s: %v on *", name, s.Action)
				}
			}
		}
	}
}

func TestApproverRole(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewApproverRole(stack, "approver", &ApproverRoleProps{
			Name: "acme-prod-approver", Account: account, Region: "us-east-1",
			Principals: []string{"arn:aws:iam::111111111111:role/ReleaseManagers"},
			Pipeline:   "acme-prod-app", Stage: StageManualApproval, Action: ApprovalAction,
		})
	})
	role := doc.only(t, "aws_iam_role")
	trust := policyOf(t, role, "assume_role_policy")
	if fmt.Sprint(trust.Statement[0].Principal["AWS"]) != "[arn:aws:iam::111111111111:role/ReleaseManagers]" {
		t.Errorf("approver trust %v", trust.Statement[0].Principal)
	}
	d := policyOf(t, doc.only(t, "aws_iam_role_policy"), "policy")
	on := actionsOn(d)
	if got := on["arn:aws:codepipeline:us-east-1:111111111111:acme-prod-app/Manual_Approval/Approve"]; !slices.Equal(got, []string{"codepipeline:PutApprovalResult"}) {
		t.Errorf("approval action permissions %v", got)
	}
	for res, actions := range on {
		for _, a := range actions {
			if a == "codepipeline:PutApprovalResult" && !strings.HasSuffix(res, "/Manual_Approval/Approve") {
				t.Errorf("PutApprovalResult on %s", res)
			}
			if !strings.HasPrefix(res, "arn:aws:codepipeline:us-east-1:111111111111:acme-prod-app") {
				t.Errorf("approver may %s on %s", a, res)
			}
		}
	}
}

func TestTrail(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewTrail(stack, "trail", &TrailProps{Name: "acme-prod-audit", BucketName: "acme-prod-audit-111111111111", Account: account, Region: "us-east-1", RetentionDays: 365})
	})
	trail := doc.only(t, "aws_cloudtrail")
	if trail["is_multi_region_trail"] != true || trail["enable_log_file_validation"] != true || trail["kms_key_id"] == nil || trail["include_global_service_events"] != true {
		t.Errorf("trail %v", trail)
	}
	enc := doc.only(t, "aws_s3_bucket_server_side_encryption_configuration")
	if enc["rule"].([]any)[0].(map[string]any)["apply_server_side_encryption_by_default"].(map[string]any)["sse_algorithm"] != "aws:kms" {
		t.Error("trail bucket not SSE-KMS")
	}
	key := policyOf(t, doc.only(t, "aws_kms_key"), "policy")
	var ct bool
	for _, s := range key.Statement {
		ct = ct || s.Principal["Service"] == "cloudtrail.amazonaws.com" && s.Condition["StringEquals"]["aws:SourceArn"] == "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-prod-audit"
	}
	if !ct {
		t.Error("the trail's key does not admit this trail")
	}
}
