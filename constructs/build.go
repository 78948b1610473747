package constructs

import (
	"fmt"
	"slices"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/codebuildproject"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
)

// BuildProjectProps configures the CodeBuild project that builds, tests and
// pushes the service's image inside the pipeline.
type BuildProjectProps struct {
	Name    string
	Account string
	Region  string
	// Image, ComputeType and TimeoutMinutes of the build environment.
	Image          string
	ComputeType    string
	TimeoutMinutes int
	// Buildspec is the path of the buildspec in the source, e.g.
	// buildspec.yml.
	Buildspec string
	// Variables are plain environment variables (account, regions,
	// repository, container name).
	Variables map[string]string
	// ArtifactBucketArn and ArtifactKeyArn are the pipeline's artifact
	// store in this region: the build reads its input and writes its output
	// there.
	ArtifactBucketArn *string
	ArtifactKeyArn    *string
	// PushRepositoryArns are the image repositories the build pushes to
	// (GrantImagePush and GrantImageRead add others from other stacks).
	PushRepositoryArns []*string
	// LogsKeyArn encrypts the build's log group.
	LogsKeyArn       *string
	LogRetentionDays int
}

// BuildProject is a privileged (Docker) CodeBuild project whose source and
// output are pipeline artifacts.
type BuildProject struct {
	cdk.Construct
	Name     *string
	Arn      *string
	RoleArn  *string
	RoleName *string
}

// NewBuildProject creates the encrypted log group, the role and the project.
func NewBuildProject(scope cdk.Construct, id string, p *BuildProjectProps) *BuildProject {
	c := cdk.NewConstruct(scope, str(id))
	logs := cloudwatchloggroup.NewCloudwatchLogGroup(c, str("logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            str("/codebuild/" + p.Name),
		RetentionInDays: num(p.LogRetentionDays),
		KmsKeyId:        p.LogsKeyArn,
		Tags:            nameTag(p.Name),
	})
	role := serviceRole(c, "role", p.Name, "Builds and pushes the image of "+p.Name, "codebuild.amazonaws.com", p.Account,
		BuildPolicy(*logs.Arn(), *p.ArtifactBucketArn, *p.ArtifactKeyArn, deref(p.PushRepositoryArns)))

	var vars []*codebuildproject.CodebuildProjectEnvironmentEnvironmentVariable
	keys := make([]string, 0, len(p.Variables))
	for k := range p.Variables {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vars = append(vars, &codebuildproject.CodebuildProjectEnvironmentEnvironmentVariable{Name: str(k), Value: str(p.Variables[k])})
	}
	project := codebuildproject.NewCodebuildProject(c, str("project"), &codebuildproject.CodebuildProjectConfig{
		Name:          str(p.Name),
		Description:   str("Builds, tests and pushes the image; writes one image definitions file per deploy target"),
		ServiceRole:   role.Arn(),
		BuildTimeout:  num(p.TimeoutMinutes),
		EncryptionKey: p.ArtifactKeyArn,
		Source:        &codebuildproject.CodebuildProjectSource{Type: str("CODEPIPELINE"), Buildspec: str(p.Buildspec)},
		Artifacts:     &codebuildproject.CodebuildProjectArtifacts{Type: str("CODEPIPELINE")},
		Environment: &codebuildproject.CodebuildProjectEnvironment{
			Type:        str("LINUX_CONTAINER"),
			ComputeType: str(p.ComputeType),
			Image:       str(p.Image),
			// Docker-in-Docker builds the image.
			PrivilegedMode:           boolp(true),
			ImagePullCredentialsType: str("CODEBUILD"),
			EnvironmentVariable:      &vars,
		},
		LogsConfig: &codebuildproject.CodebuildProjectLogsConfig{
			CloudwatchLogs: &codebuildproject.CodebuildProjectLogsConfigCloudwatchLogs{GroupName: logs.Name()},
		},
		Tags: nameTag(p.Name),
	})
	return &BuildProject{Construct: c, Name: project.Name(), Arn: project.Arn(), RoleArn: role.Arn(), RoleName: role.Name()}
}

// PushActions are what pushing an image to ECR takes (besides
// ecr:GetAuthorizationToken, which has no resource).
var PushActions = []string{
	"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
	"ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:DescribeImages",
}

// BuildPolicy limits the build to its log group, the artifact store of its
// region and its key, and the named image repositories.
func BuildPolicy(logGroupArn, bucketArn, keyArn string, push []string) PolicyDocument {
	statements := []Statement{
		Allow([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, logGroupArn, fmt.Sprintf("%s:*", logGroupArn)),
		Allow([]string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, bucketArn+"/*"),
		Allow([]string{"s3:GetBucketAcl", "s3:GetBucketLocation"}, bucketArn),
		Allow([]string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, keyArn),
		// GetAuthorizationToken cannot be limited to a resource.
		Allow([]string{"ecr:GetAuthorizationToken"}, "*"),
	}
	if len(push) > 0 {
		statements = append(statements, Allow(PushActions, push...))
	}
	return Policy(statements...)
}

func deref(ps []*string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, *p)
	}
	return out
}

// GrantImagePush lets an existing build role push to further image
// repositories (another environment's, for a staging deployment), through a
// policy of its own owned by the caller's stack.
func GrantImagePush(scope cdk.Construct, id string, roleName *string, repositoryArns ...*string) {
	grantImages(scope, id, roleName, PushActions, repositoryArns)
}

// GrantImageRead lets an existing build role look up images in further
// repositories (the secondary region's, which the registry replicates
// into), through a policy of its own owned by the caller's stack.
func GrantImageRead(scope cdk.Construct, id string, roleName *string, repositoryArns ...*string) {
	grantImages(scope, id, roleName, []string{"ecr:DescribeImages"}, repositoryArns)
}

func grantImages(scope cdk.Construct, id string, roleName *string, actions []string, repositoryArns []*string) {
	iamrolepolicy.NewIamRolePolicy(scope, str(id), &iamrolepolicy.IamRolePolicyConfig{
		Role:   roleName,
		Name:   str(id),
		Policy: Policy(Allow(actions, deref(repositoryArns)...)).JSON(),
	})
}
