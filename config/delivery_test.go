package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// pipelined is what an environment whose service the pipeline deploys says.
const pipelined = "service: {deployed_by: pipeline}\n"

const withRepo = minimal + pipelined + "repository: {}\n"

func TestDeliveryDefaults(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		env := mustParse(t, minimal)
		if env.Repository != nil || env.Pipeline != nil || env.Delivery() {
			t.Errorf("a file without repository and pipeline got %+v %+v", env.Repository, env.Pipeline)
		}
	})
	t.Run("development", func(t *testing.T) {
		env := mustParse(t, withRepo+"pipeline: {}\n")
		r, p := env.Repository, env.Pipeline
		for _, c := range []struct {
			name      string
			got, want any
		}{
			{"repository name", r.Name, "acme-test-app"},
			{"default branch", r.DefaultBranch, "main"},
			{"type", r.Type, RepositoryCodeCommit},
			{"replica", *r.Replica, true},
			{"approval", *p.Approval, false},
			{"approvers", len(p.Approvers), 0},
			{"cloudtrail", *p.CloudTrail, false},
			{"codepipeline", *p.CodePipeline, true},
			{"timeout", p.ApprovalTimeoutMinutes, 10080},
			{"retention", p.ArtifactRetentionDays, 30},
			{"image", p.Build.Image, "aws/codebuild/amazonlinux-x86_64-standard:5.0"},
			{"compute", p.Build.ComputeType, "BUILD_GENERAL1_SMALL"},
			{"build timeout", p.Build.TimeoutMinutes, 30},
		} {
			if c.got != c.want {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
	})
	t.Run("production", func(t *testing.T) {
		env := mustParse(t, withRepo+"tier: production\npipeline: {}\n")
		p := env.Pipeline
		if !*p.Approval || !*p.CloudTrail || p.ArtifactRetentionDays != 90 || p.Build.ComputeType != "BUILD_GENERAL1_MEDIUM" {
			t.Errorf("production pipeline defaults %+v", p)
		}
		if !slices.Equal(p.Approvers, []string{"arn:aws:iam::111111111111:root"}) {
			t.Errorf("approvers default %v, want the account root", p.Approvers)
		}
		if !env.ApprovalRequired() {
			t.Error("ApprovalRequired false in production")
		}
	})
	t.Run("s3 source has no replica", func(t *testing.T) {
		if *mustParse(t, minimal+"repository: {type: s3}\n").Repository.Replica {
			t.Error("an s3 source got a CodeCommit replica")
		}
	})
}

// Bad delivery input, one problem each: field, value, what is allowed.
func TestDeliveryBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, body, field, value string
		want                     []string
	}{
		{"pipeline without repository", minimal + pipelined + "pipeline: {}\n", "pipeline", "(set)", []string{"needs a source", "repository"}},
		{"pipeline deploys a terraform-owned service", minimal + "repository: {}\npipeline: {}\n", "service.deployed_by", "terraform", []string{"pipeline: the pipeline deploys"}},
		{"pipeline without image replication", withRepo + "registry: {replication: false}\npipeline: {}\n", "registry.replication", "false", []string{"replicated into its own repository"}},
		{"no codepipeline keeps terraform deploys", minimal + "repository: {}\npipeline: {codepipeline: false}\n", "", "", nil},
		{"approval e-mail not an address", withRepo + "pipeline:\n  approval: true\n  approval_emails: [ops@example.com, release managers]\n",
			"pipeline.approval_emails[1]", "release managers", []string{"an e-mail address"}},
		{"approval e-mail with display name", withRepo + "pipeline:\n  approval: true\n  approval_emails: ['Ops <ops@example.com>']\n",
			"pipeline.approval_emails[0]", "Ops <ops@example.com>", []string{"an e-mail address"}},
		{"approval e-mail without domain dot", withRepo + "pipeline:\n  approval: true\n  approval_emails: [ops@localhost]\n",
			"pipeline.approval_emails[0]", "ops@localhost", []string{"an e-mail address"}},
		{"duplicate e-mail", withRepo + "pipeline:\n  approval: true\n  approval_emails: [a@example.com, A@example.com]\n",
			"pipeline.approval_emails[1]", "A@example.com", []string{"once"}},
		{"e-mails without approval", withRepo + "pipeline:\n  approval_emails: [a@example.com]\n",
			"pipeline.approval_emails", "a@example.com", []string{"only with pipeline.approval true"}},
		{"approver not an ARN", withRepo + "pipeline:\n  approval: true\n  approvers: [release-managers]\n",
			"pipeline.approvers[0]", "release-managers", []string{"IAM principal ARN"}},
		{"approvers without approval", withRepo + "pipeline:\n  approvers: ['arn:aws:iam::111111111111:role/Release']\n",
			"pipeline.approvers", "arn:aws:iam::111111111111:role/Release", []string{"only with pipeline.approval true"}},
		{"approval timeout", withRepo + "pipeline:\n  approval: true\n  approval_timeout_minutes: 100000\n",
			"pipeline.approval_timeout_minutes", "100000", []string{"5 to 86400"}},
		{"compute type", withRepo + "pipeline:\n  build:\n    compute_type: huge\n", "pipeline.build.compute_type", "huge", []string{"BUILD_GENERAL1_SMALL"}},
		{"build timeout", withRepo + "pipeline:\n  build:\n    timeout_minutes: 1\n", "pipeline.build.timeout_minutes", "1", []string{"5 to 2160"}},
		{"build image", withRepo + "pipeline:\n  build:\n    image: 'my image'\n", "pipeline.build.image", "my image", []string{"CodeBuild image"}},
		{"retention", withRepo + "pipeline:\n  artifact_retention_days: 0\n", "", "", nil}, // 0 means default
		{"retention too long", withRepo + "pipeline:\n  artifact_retention_days: 5000\n", "pipeline.artifact_retention_days", "5000", []string{"1 to 3650"}},
		{"repository name", minimal + "repository:\n  name: my repo\n", "repository.name", "my repo", []string{"CodeCommit repository name"}},
		{"repository name .git", minimal + "repository:\n  name: app.git\n", "repository.name", "app.git", []string{"not ending in .git"}},
		{"branch", minimal + "repository:\n  default_branch: 'feature..x'\n", "repository.default_branch", "feature..x", []string{"git branch name"}},
		{"repository type", minimal + "repository:\n  type: github\n", "repository.type", "github", []string{"codecommit", "s3"}},
		{"s3 with replica", minimal + "repository:\n  type: s3\n  replica: true\n", "repository.replica", "true", []string{"artifact bucket's replication"}},
		{"staging name", withRepo + "pipeline:\n  staging: Staging_1\n", "pipeline.staging", "Staging_1", []string{"another environment of customer acme"}},
		{"no codepipeline with approval", withRepo + "pipeline:\n  approval: true\n  codepipeline: false\n", "pipeline.codepipeline", "false", []string{"only the pipeline"}},
		{"unknown pipeline key", withRepo + "pipeline:\n  stages: 3\n", "line 5", "stages", []string{"allowed here", "approval_emails", "staging"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.field == "" {
				if _, err := Parse("envs/acme-dev.yaml", []byte(tc.body)); err != nil {
					t.Fatalf("want no problem, got %v", err)
				}
				return
			}
			expectOneProblem(t, "acme-dev.yaml", tc.body, append([]string{fmt.Sprintf("%s: %q: ", tc.field, tc.value)}, tc.want...))
		})
	}
}

// The staging environment is checked across files.
func TestStagingAcrossFiles(t *testing.T) {
	const prod = "account_id: \"111111111111\"\ntier: production\n" + pipelined + "repository: {}\npipeline:\n  staging: %s\n"
	const staged = minimal + pipelined
	for _, tc := range []struct {
		name, staging string
		others        map[string]string
		want          []string // fragments of the one problem; nil for none
		// where the problem is reported; default acme-prod.yaml pipeline.staging
		file, field string
	}{
		{"same customer by name", "staging", map[string]string{"acme-staging": staged}, nil, "", ""},
		{"same customer by id", "acme-staging", map[string]string{"acme-staging": staged}, nil, "", ""},
		{"missing", "qa", map[string]string{"acme-staging": staged}, []string{`"qa"`, "no file acme-qa.yaml", "one of staging"}, "", ""},
		{"other customer's", "globex-staging", map[string]string{"globex-staging": staged, "acme-staging": staged}, []string{`"globex-staging"`, "customer acme (not globex's)", "one of staging"}, "", ""},
		{"itself", "prod", nil, []string{"its own environment"}, "", ""},
		{"other account", "staging", map[string]string{"acme-staging": "account_id: \"999999999999\"\n" + pipelined}, []string{"same account", "999999999999"}, "", ""},
		{"region without artifact store", "staging", map[string]string{"acme-staging": staged + "primary:\n  region: eu-west-1\n  azs: [eu-west-1a, eu-west-1b]\n"}, []string{"eu-west-1", "artifact stores"}, "", ""},
		{"staging service deployed by terraform", "staging", map[string]string{"acme-staging": minimal}, []string{`"terraform"`, "pipeline: acme-prod's pipeline deploys this service", "acme-prod.yaml"}, "acme-staging.yaml", "service.deployed_by"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"acme-prod.yaml": strings.Replace(prod, "%s", tc.staging, 1)}
			for id, body := range tc.others {
				files[id+".yaml"] = body
			}
			envs, err := loadFiles(t, files)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range envs {
					if e.ID() == "acme-prod" && e.Pipeline.StagingID != "acme-staging" {
						t.Errorf("staging id %q, want acme-staging", e.Pipeline.StagingID)
					}
				}
				return
			}
			var ps Problems
			if !errors.As(err, &ps) || len(ps) != 1 {
				t.Fatalf("want one problem, got %v", err)
			}
			file, field := "acme-prod.yaml", "pipeline.staging"
			if tc.file != "" {
				file, field = tc.file, tc.field
			}
			if !strings.HasSuffix(ps[0].File, "/"+file) || ps[0].Field != field {
				t.Errorf("problem %s, want %s %s", ps[0], file, field)
			}
			for _, w := range tc.want {
				if !strings.Contains(ps[0].String(), w) {
					t.Errorf("%s lacks %q", ps[0], w)
				}
			}
		})
	}
}

// Selecting an environment selects exactly it: its pipeline addresses the
// staging service by the names the staging environment's config
// determines, the same names that environment's own stacks use.
func TestSelectionNamesStaging(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"acme-prod.yaml":    minimal + pipelined + "repository: {}\npipeline:\n  staging: staging\n",
		"acme-staging.yaml": minimal + pipelined + "dns:\n  domain: staging.acme.example.com\n",
		"acme-dev.yaml":     minimal,
	})
	envs, err := LoadDir(dir, []string{"acme-prod"})
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 1 || envs[0].ID() != "acme-prod" {
		t.Fatalf("selection acme-prod gave %d environments, want acme-prod alone", len(envs))
	}
	all, err := LoadDir(dir, []string{"acme-staging"})
	if err != nil {
		t.Fatal(err)
	}
	staging := all[0]
	p := envs[0].Pipeline
	if p.StagingService == nil {
		t.Fatal("no staging service resolved")
	}
	if want := staging.ServiceNames(staging.Primary.Region); *p.StagingService != want {
		t.Errorf("staging service %+v, want %+v", *p.StagingService, want)
	}
	if p.StagingURL != "https://staging.acme.example.com" {
		t.Errorf("staging URL %q, want the staging domain", p.StagingURL)
	}
	sn := p.StagingService
	for got, want := range map[string]string{
		sn.RepositoryURL():            staging.AccountID + ".dkr.ecr.us-east-1.amazonaws.com/acme-staging/app",
		sn.RepositoryArn():            "arn:aws:ecr:us-east-1:" + staging.AccountID + ":repository/acme-staging/app",
		sn.RoleArn(sn.ExecutionRole):  "arn:aws:iam::" + staging.AccountID + ":role/acme-staging-use1-app-exec",
		sn.Cluster + "/" + sn.Service: "acme-staging-use1/app",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// The standby pipeline is on by default in production with a CodeCommit
// replica to read, off otherwise, and refused without one.
func TestDeliveryStandbyPipeline(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       bool
	}{
		{"production with a CodeCommit replica", "tier: production\nrepository: {}\npipeline: {}\n", true},
		{"development", "repository: {}\npipeline: {}\n", false},
		{"no replica", "tier: production\nrepository:\n  replica: false\npipeline: {}\n", false},
		{"s3 source", "tier: production\nrepository:\n  type: s3\npipeline: {}\n", false},
		{"switched off", "tier: production\nrepository: {}\npipeline:\n  standby: false\n", false},
		{"switched on in development", "repository: {}\npipeline:\n  standby: true\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustParse(t, minimal+pipelined+tc.yaml).StandbyPipeline(); got != tc.want {
				t.Errorf("standby %v, want %v", got, tc.want)
			}
		})
	}
	expectProblem(t, minimal+pipelined+"repository:\n  type: s3\npipeline:\n  standby: true\n", "pipeline.standby", "true", []string{"CodeCommit"})
	if env := mustParse(t, minimal); env.PipelineTriggerRule(RoleSecondary) != "acme-test-standby-pipeline-push" || env.PipelineTriggerRule(RolePrimary) != "acme-test-pipeline-push" {
		t.Errorf("trigger rules %s %s", env.PipelineTriggerRule(RolePrimary), env.PipelineTriggerRule(RoleSecondary))
	}
}
