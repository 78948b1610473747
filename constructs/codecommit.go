package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/codebuildproject"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/codecommitrepository"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// CodeRepositoryProps configures a CodeCommit repository.
type CodeRepositoryProps struct {
	Name        string
	Description string
	// KeyArn encrypts the repository (a key of its region).
	KeyArn *string
}

// CodeRepository is a CodeCommit repository encrypted with a CMK.
type CodeRepository struct {
	cdk.Construct
	Name *string
	Arn  *string
	// CloneURL is the HTTPS clone URL (git-remote over IAM credentials).
	CloneURL *string
}

// NewCodeRepository creates the repository. The default branch is not set:
// CodeCommit accepts one only once the branch exists.
func NewCodeRepository(scope cdk.Construct, id string, p *CodeRepositoryProps) *CodeRepository {
	c := cdk.NewConstruct(scope, str(id))
	repo := codecommitrepository.NewCodecommitRepository(c, str("repository"), &codecommitrepository.CodecommitRepositoryConfig{
		RepositoryName: str(p.Name),
		Description:    str(p.Description),
		KmsKeyId:       p.KeyArn,
		Tags:           nameTag(p.Name),
	})
	return &CodeRepository{Construct: c, Name: repo.RepositoryName(), Arn: repo.Arn(), CloneURL: repo.CloneUrlHttp()}
}

// RepositoryMirrorProps configures the job that keeps a replica repository
// in sync with its source.
type RepositoryMirrorProps struct {
	// Name of the mirror's CodeBuild project, role and rule.
	Name    string
	Account string
	// Region the job runs in: the source's (CodeCommit events are emitted
	// there, and a rule's targets live in its region). Provider is a
	// provider of that region.
	Region   string
	Provider cdktf.TerraformProvider

	Source       *CodeRepository
	SourceKeyArn *string
	Replica      *CodeRepository
	// ReplicaKeyArn is the replica's key (in the replica's region).
	ReplicaKeyArn *string

	// Image is the CodeBuild image with git and the AWS CLI.
	Image string
	// LogsKeyArn (a key of Region) encrypts the job's log group.
	LogsKeyArn       *string
	LogRetentionDays int
}

// RepositoryMirror is an EventBridge rule on the source repository's
// reference events that starts a CodeBuild job running git push --mirror
// into the replica: every branch and tag, deletions included.
type RepositoryMirror struct {
	cdk.Construct
	ProjectName *string
	RoleArn     *string
}

// mirrorBuildspec clones the source as a bare mirror and pushes every ref
// to the replica; the AWS CLI's credential helper signs both with the role.
const mirrorBuildspec = `version: 0.2
env:
  shell: bash
phases:
  build:
    commands:
      - git config --global credential.helper '!aws codecommit credential-helper $@'
      - git config --global credential.UseHttpPath true
      - git clone --mirror "$SOURCE_URL" source.git
      - cd source.git && git push --mirror "$REPLICA_URL"
`

// NewRepositoryMirror creates the log group, the job's role (GitPull on the
// source, GitPush on the replica, their keys, its log group), the CodeBuild
// project, and the rule with its role (StartBuild on this project only).
func NewRepositoryMirror(scope cdk.Construct, id string, p *RepositoryMirrorProps) *RepositoryMirror {
	c := cdk.NewConstruct(scope, str(id))
	logs := cloudwatchloggroup.NewCloudwatchLogGroup(c, str("logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Provider:        p.Provider,
		Name:            str("/codebuild/" + p.Name),
		RetentionInDays: num(p.LogRetentionDays),
		KmsKeyId:        p.LogsKeyArn,
		Tags:            nameTag(p.Name),
	})
	role := serviceRole(c, "role", p.Name, "Mirrors "+p.Name+" into its replica", "codebuild.amazonaws.com", p.Account,
		MirrorPolicy(*p.Source.Arn, *p.SourceKeyArn, *p.Replica.Arn, *p.ReplicaKeyArn, *logs.Arn()))
	project := codebuildproject.NewCodebuildProject(c, str("project"), &codebuildproject.CodebuildProjectConfig{
		Provider:     p.Provider,
		Name:         str(p.Name),
		Description:  str("git push --mirror of the source repository into its replica"),
		ServiceRole:  role.Arn(),
		BuildTimeout: num(15),
		// CodeBuild fetches one commit of the source itself (the project
		// needs a source); the job then clones every ref as a mirror.
		Source: &codebuildproject.CodebuildProjectSource{
			Type:          str("CODECOMMIT"),
			Location:      p.Source.CloneURL,
			GitCloneDepth: num(1),
			Buildspec:     str(mirrorBuildspec),
		},
		Artifacts: &codebuildproject.CodebuildProjectArtifacts{Type: str("NO_ARTIFACTS")},
		Environment: &codebuildproject.CodebuildProjectEnvironment{
			Type:        str("LINUX_CONTAINER"),
			ComputeType: str("BUILD_GENERAL1_SMALL"),
			Image:       str(p.Image),
			EnvironmentVariable: &[]*codebuildproject.CodebuildProjectEnvironmentEnvironmentVariable{
				{Name: str("SOURCE_URL"), Value: p.Source.CloneURL},
				{Name: str("REPLICA_URL"), Value: p.Replica.CloneURL},
			},
		},
		LogsConfig: &codebuildproject.CodebuildProjectLogsConfig{
			CloudwatchLogs: &codebuildproject.CodebuildProjectLogsConfigCloudwatchLogs{GroupName: logs.Name()},
		},
		Tags: nameTag(p.Name),
	})
	pattern := EventPattern{
		Source:     []string{"aws.codecommit"},
		DetailType: []string{"CodeCommit Repository State Change"},
		Resources:  []string{*p.Source.Arn},
		Detail:     map[string]any{"event": []string{"referenceCreated", "referenceUpdated", "referenceDeleted"}},
	}
	trigger := serviceRole(c, "trigger-role", p.Name+"-trigger", "Starts the mirror of "+p.Name, "events.amazonaws.com", p.Account,
		Policy(Allow([]string{"codebuild:StartBuild"}, *project.Arn())))
	eventRule{
		name:        p.Name,
		description: "Every change of a branch or tag of the source repository starts the mirror",
		pattern:     pattern,
		targetArn:   project.Arn(),
		roleArn:     trigger.Arn(),
		provider:    p.Provider,
	}.add(c, "rule")
	return &RepositoryMirror{Construct: c, ProjectName: project.Name(), RoleArn: role.Arn()}
}

// MirrorPolicy lets the mirror job read the source and write the replica,
// nothing else: GitPull on the source, GitPush on the replica, the keys that
// encrypt them, its own log group.
func MirrorPolicy(source, sourceKey, replica, replicaKey, logGroupArn string) PolicyDocument {
	return Policy(
		Allow([]string{"codecommit:GitPull"}, source),
		Allow([]string{"codecommit:GitPush"}, replica),
		Allow([]string{"kms:Decrypt", "kms:DescribeKey"}, sourceKey),
		Allow([]string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, replicaKey),
		Allow([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, logGroupArn, fmt.Sprintf("%s:*", logGroupArn)),
	)
}
