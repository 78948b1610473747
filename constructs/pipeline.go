package constructs

import (
	"fmt"
	"slices"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/codepipeline"
)

// The pipeline's stages, in order. Deploy_to_Staging and Manual_Approval
// are left out when the environment has no staging target or approval.
const (
	StageSource             = "Source"
	StageBuild              = "Build"
	StageDeployToStaging    = "Deploy_to_Staging"
	StageManualApproval     = "Manual_Approval"
	StageDeployToProduction = "Deploy_to_Production"
	// ApprovalAction is the manual approval action's name.
	ApprovalAction = "Approve"
)

// Artifact names passed between stages.
const (
	sourceArtifact = "source"
	buildArtifact  = "images"
)

// ArtifactStore is the pipeline's artifact bucket in one region; every
// region an action runs in needs one.
type ArtifactStore struct {
	Region string
	Bucket *ArtifactBucket
}

// PipelineSource is where the pipeline's source comes from: a CodeCommit
// repository's branch, or an archive in an S3 bucket.
type PipelineSource struct {
	Repository       *CodeRepository
	RepositoryKeyArn *string
	Branch           string

	Bucket    *ArtifactBucket
	ObjectKey string
}

// EcsDeployTarget is an ECS service the pipeline deploys an image
// definitions file to (a standard ECS deploy action in the service's region).
type EcsDeployTarget struct {
	// Action name, e.g. us-east-1.
	Action      string
	Region      string
	ClusterName *string
	ServiceName *string
	// FileName is the image definitions file of the build output.
	FileName string
	// PassRoleArns are the task's roles the new task definition names.
	PassRoleArns []*string
}

// ApprovalGate is the manual approval before production.
type ApprovalGate struct {
	// TopicArn is notified when an approval is pending.
	TopicArn *string
	// TopicKeyArn encrypts the topic: publishing needs it.
	TopicKeyArn    *string
	TimeoutMinutes int
	// CustomData is shown to the approver; ExternalURL links to what to
	// check (the staging service), nil for none.
	CustomData  string
	ExternalURL *string
}

// PipelineProps configures a CodePipeline V2 pipeline.
type PipelineProps struct {
	Name    string
	Account string
	// Region is the pipeline's own region.
	Region string
	// Stores hold one artifact store per region actions run in.
	Stores []ArtifactStore
	Source PipelineSource
	// BuildProjectName and BuildProjectArn run in the pipeline's region;
	// BuildVariables are passed to the build action.
	BuildProjectName *string
	BuildProjectArn  *string
	BuildVariables   map[string]*string
	// Staging is deployed to first; nil for none.
	Staging *EcsDeployTarget
	// Approval gates the last stage; nil for none.
	Approval *ApprovalGate
	// ProductionStage names the last stage (Deploy_to_Production);
	// Production are its actions, which run in parallel.
	ProductionStage string
	Production      []EcsDeployTarget
	// NotificationTopicArn receives failed executions and pending
	// approvals; nil for none.
	NotificationTopicArn *string
	// TriggerName names the push trigger rule (default <Name>-push);
	// TriggerOff keeps it disabled: a push then starts nothing (a standby
	// pipeline, or the pipeline of a region that does not write).
	TriggerName string
	TriggerOff  bool
}

// Pipeline is the pipeline, its role, and the EventBridge rules that start
// it on a push and report on it.
type Pipeline struct {
	cdk.Construct
	Name    *string
	Arn     *string
	RoleArn *string
	// FailureRuleName is the EventBridge rule that matches failed
	// executions (its TriggeredRules metric counts them); nil without a
	// notification topic.
	FailureRuleName *string
}

// NewPipeline creates the pipeline role (no wildcard actions), the
// pipeline, the push trigger and the notification rules.
func NewPipeline(scope cdk.Construct, id string, p *PipelineProps) *Pipeline {
	c := cdk.NewConstruct(scope, str(id))
	arn := fmt.Sprintf("arn:aws:codepipeline:%s:%s:%s", p.Region, p.Account, p.Name)
	role := serviceRole(c, "role", p.Name, "Runs the pipeline "+p.Name, "codepipeline.amazonaws.com", p.Account, PipelinePolicy(p))

	var stores []*codepipeline.CodepipelineArtifactStore
	for _, s := range p.Stores {
		store := &codepipeline.CodepipelineArtifactStore{
			Type:          str("S3"),
			Location:      s.Bucket.Name,
			EncryptionKey: &codepipeline.CodepipelineArtifactStoreEncryptionKey{Type: str("KMS"), Id: s.Bucket.KeyArn},
		}
		// A store names its region only in a cross-region pipeline: the
		// provider refuses a region on the one store of a single-region one.
		if len(p.Stores) > 1 {
			store.Region = str(s.Region)
		}
		stores = append(stores, store)
	}
	stages := []*codepipeline.CodepipelineStage{
		stage(StageSource, sourceAction(p.Source)),
		stage(StageBuild, &codepipeline.CodepipelineStageAction{
			Name: str("Build"), Category: str("Build"), Owner: str("AWS"), Provider: str("CodeBuild"), Version: str("1"),
			InputArtifacts:  strs(sourceArtifact),
			OutputArtifacts: strs(buildArtifact),
			Configuration:   &map[string]*string{"ProjectName": p.BuildProjectName, "EnvironmentVariables": buildVariables(p.BuildVariables)},
		}),
	}
	if p.Staging != nil {
		stages = append(stages, stage(StageDeployToStaging, ecsAction(*p.Staging)))
	}
	if a := p.Approval; a != nil {
		cfg := map[string]*string{"NotificationArn": a.TopicArn, "CustomData": str(a.CustomData)}
		if a.ExternalURL != nil {
			cfg["ExternalEntityLink"] = a.ExternalURL
		}
		stages = append(stages, stage(StageManualApproval, &codepipeline.CodepipelineStageAction{
			Name: str(ApprovalAction), Category: str("Approval"), Owner: str("AWS"), Provider: str("Manual"), Version: str("1"),
			TimeoutInMinutes: num(a.TimeoutMinutes),
			Configuration:    &cfg,
		}))
	}
	var prod []*codepipeline.CodepipelineStageAction
	for _, t := range p.Production {
		prod = append(prod, ecsAction(t))
	}
	stages = append(stages, stage(p.ProductionStage, prod...))

	pipeline := codepipeline.NewCodepipeline(c, str("pipeline"), &codepipeline.CodepipelineConfig{
		Name:         str(p.Name),
		RoleArn:      role.Arn(),
		PipelineType: str("V2"),
		// A newer push waits for the running execution instead of
		// superseding it halfway through a deployment.
		ExecutionMode: str("QUEUED"),
		ArtifactStore: &stores,
		Stage:         &stages,
		Tags:          nameTag(p.Name),
	})

	// Start on a push, not by polling.
	var pattern EventPattern
	if r := p.Source.Repository; r != nil {
		pattern = EventPattern{
			Source:     []string{"aws.codecommit"},
			DetailType: []string{"CodeCommit Repository State Change"},
			Resources:  []string{*r.Arn},
			Detail: map[string]any{
				"event":         []string{"referenceCreated", "referenceUpdated"},
				"referenceType": []string{"branch"},
				"referenceName": []string{p.Source.Branch},
			},
		}
	} else {
		pattern = EventPattern{
			Source:     []string{"aws.s3"},
			DetailType: []string{"Object Created"},
			Detail: map[string]any{
				"bucket": map[string]any{"name": []string{*p.Source.Bucket.Name}},
				"object": map[string]any{"key": []string{p.Source.ObjectKey}},
			},
		}
	}
	starter := serviceRole(c, "trigger-role", p.Name+"-trigger", "Starts the pipeline "+p.Name, "events.amazonaws.com", p.Account,
		Policy(Allow([]string{"codepipeline:StartPipelineExecution"}, arn)))
	trigger := p.TriggerName
	if trigger == "" {
		trigger = p.Name + "-push"
	}
	rule := eventRule{
		name: trigger, description: "A push to the source starts the pipeline",
		pattern: pattern, targetArn: pipeline.Arn(), roleArn: starter.Arn(),
	}.add(c, "trigger")
	if p.TriggerOff {
		rule.SetState(str("DISABLED"))
	}

	out := &Pipeline{Construct: c, Name: pipeline.Name(), Arn: pipeline.Arn(), RoleArn: role.Arn()}
	if p.NotificationTopicArn != nil {
		transformer := func(template string) *cloudwatcheventtarget.CloudwatchEventTargetInputTransformer {
			return &cloudwatcheventtarget.CloudwatchEventTargetInputTransformer{
				InputPaths:    &map[string]*string{"pipeline": str("$.detail.pipeline"), "execution": str("$.detail.execution-id")},
				InputTemplate: str(template),
			}
		}
		out.FailureRuleName = eventRule{
			name: p.Name + "-failed", description: "A failed execution of the pipeline",
			pattern: EventPattern{
				Source: []string{"aws.codepipeline"}, DetailType: []string{"CodePipeline Pipeline Execution State Change"},
				Detail: map[string]any{"pipeline": []string{p.Name}, "state": []string{"FAILED"}},
			},
			targetArn:   p.NotificationTopicArn,
			transformer: transformer(`"Pipeline <pipeline> execution <execution> FAILED."`),
		}.add(c, "failed").Name()
		if p.Approval != nil {
			eventRule{
				name: p.Name + "-approval", description: "The pipeline waits for an approval",
				pattern: EventPattern{
					Source: []string{"aws.codepipeline"}, DetailType: []string{"CodePipeline Action Execution State Change"},
					Detail: map[string]any{"pipeline": []string{p.Name}, "type": map[string]any{"category": []string{"Approval"}}, "state": []string{"STARTED"}},
				},
				targetArn:   p.NotificationTopicArn,
				transformer: transformer(`"Pipeline <pipeline> execution <execution> waits for a manual approval."`),
			}.add(c, "approval-needed")
		}
	}
	return out
}

func stage(name string, actions ...*codepipeline.CodepipelineStageAction) *codepipeline.CodepipelineStage {
	return &codepipeline.CodepipelineStage{Name: str(name), Action: &actions}
}

func sourceAction(s PipelineSource) *codepipeline.CodepipelineStageAction {
	a := &codepipeline.CodepipelineStageAction{
		Name: str("Source"), Category: str("Source"), Owner: str("AWS"), Version: str("1"),
		OutputArtifacts: strs(sourceArtifact),
	}
	if s.Repository != nil {
		a.Provider = str("CodeCommit")
		a.Configuration = &map[string]*string{
			"RepositoryName": s.Repository.Name, "BranchName": str(s.Branch),
			"PollForSourceChanges": str("false"), "OutputArtifactFormat": str("CODE_ZIP"),
		}
		return a
	}
	a.Provider = str("S3")
	a.Configuration = &map[string]*string{
		"S3Bucket": s.Bucket.Name, "S3ObjectKey": str(s.ObjectKey), "PollForSourceChanges": str("false"),
	}
	return a
}

func ecsAction(t EcsDeployTarget) *codepipeline.CodepipelineStageAction {
	return &codepipeline.CodepipelineStageAction{
		Name: str(t.Action), Category: str("Deploy"), Owner: str("AWS"), Provider: str("ECS"), Version: str("1"),
		Region:         str(t.Region),
		InputArtifacts: strs(buildArtifact),
		Configuration:  &map[string]*string{"ClusterName": t.ClusterName, "ServiceName": t.ServiceName, "FileName": str(t.FileName)},
	}
}

// buildVariables renders the build action's EnvironmentVariables setting.
func buildVariables(vars map[string]*string) *string {
	if len(vars) == 0 {
		return str("[]")
	}
	type variable struct {
		Name  string `json:"name"`
		Value string `json:"value"`
		Type  string `json:"type"`
	}
	var list []variable
	for k, v := range vars {
		list = append(list, variable{k, *v, "PLAINTEXT"})
	}
	slices.SortFunc(list, func(a, b variable) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return str(jsonText(list))
}

// PipelinePolicy is the pipeline role's policy: every statement names its
// resources, except the two ECS task definition actions that AWS cannot
// limit to a resource.
func PipelinePolicy(p *PipelineProps) PolicyDocument {
	var statements []Statement
	if r := p.Source.Repository; r != nil {
		statements = append(statements,
			Allow([]string{"codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository",
				"codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"}, *r.Arn),
			Allow([]string{"kms:Decrypt", "kms:DescribeKey"}, *p.Source.RepositoryKeyArn))
	}
	var buckets, objects, keys []string
	for _, s := range p.Stores {
		buckets = append(buckets, *s.Bucket.Arn)
		objects = append(objects, *s.Bucket.Arn+"/*")
		keys = append(keys, *s.Bucket.KeyArn)
	}
	statements = append(statements,
		Allow([]string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, objects...),
		Allow([]string{"s3:GetBucketVersioning", "s3:GetBucketLocation", "s3:ListBucket"}, buckets...),
		Allow([]string{"kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:DescribeKey"}, keys...),
		Allow([]string{"codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"}, *p.BuildProjectArn),
	)
	targets := slices.Clone(p.Production)
	if p.Staging != nil {
		targets = append(targets, *p.Staging)
	}
	var services, roles []string
	for _, t := range targets {
		services = append(services, fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", t.Region, p.Account, *t.ClusterName, *t.ServiceName))
		roles = append(roles, deref(t.PassRoleArns)...)
	}
	if len(services) > 0 {
		statements = append(statements,
			Allow([]string{"ecs:DescribeServices", "ecs:UpdateService"}, services...),
			// Task definitions cannot be limited to a resource.
			Allow([]string{"ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"}, "*"))
	}
	if len(roles) > 0 {
		statements = append(statements, Statement{
			Effect: "Allow", Action: []string{"iam:PassRole"}, Resource: roles,
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
		})
	}
	if p.Approval != nil {
		statements = append(statements,
			Allow([]string{"sns:Publish"}, *p.Approval.TopicArn),
			Allow([]string{"kms:Decrypt", "kms:GenerateDataKey"}, *p.Approval.TopicKeyArn))
	}
	return Policy(statements...)
}
