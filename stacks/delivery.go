package stacks

import (
	"fmt"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Delivery is one region's share of the delivery pipeline.
type Delivery struct {
	// Key encrypts the region's artifacts and repository.
	Key *constructs.Key
	// Repository is the CodeCommit source (primary) or its replica
	// (secondary); nil for an s3 source or without a replica.
	Repository *constructs.CodeRepository
	// Artifacts is the region's artifact store; nil without a pipeline.
	Artifacts *constructs.ArtifactBucket
}

// Image definitions files the build writes, one per deploy target.
const (
	imageDefinitionsPrimary   = "imagedefinitions-primary.json"
	imageDefinitionsSecondary = "imagedefinitions-secondary.json"
	imageDefinitionsStaging   = "imagedefinitions-staging.json"
)

// sourceObjectKey is where an s3 source's archive is uploaded.
func sourceObjectKey(env *config.Environment) string {
	return "source/" + env.Repository.Name + ".zip"
}

// defaultBuildImage runs the mirror job when there is no pipeline.
const defaultBuildImage = "aws/codebuild/amazonlinux-x86_64-standard:5.0"

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// buildDelivery adds a region's key, repository (primary: the source;
// secondary: the replica) and artifact store. Nil without a repository.
func buildDelivery(stack cdktf.TerraformStack, env *config.Environment, role string, r config.Region) *Delivery {
	if env.Repository == nil {
		return nil
	}
	prefix := env.Prefix(r.Region)
	d := &Delivery{}
	d.Key = constructs.NewKey(stack, "delivery-key", &constructs.KeyProps{
		Alias:       prefix + "-delivery",
		Description: fmt.Sprintf("%s: source and pipeline artifacts in %s", env.ID(), r.Region),
		Account:     env.AccountID,
		Region:      r.Region,
	})
	codecommit := env.Repository.Type == config.RepositoryCodeCommit
	if role == config.RolePrimary && codecommit || role == config.RoleSecondary && *env.Repository.Replica {
		what := "source"
		if role == config.RoleSecondary {
			what = "replica of the source in " + env.Primary.Region
		}
		d.Repository = constructs.NewCodeRepository(stack, "code-repository", &constructs.CodeRepositoryProps{
			Name:        env.Repository.Name,
			Description: fmt.Sprintf("%s: %s", env.ID(), what),
			KeyArn:      d.Key.Arn,
		})
	}
	if env.Pipeline != nil {
		d.Artifacts = constructs.NewArtifactBucket(stack, "artifacts", &constructs.ArtifactBucketProps{
			Name:          fmt.Sprintf("%s-artifacts-%s", prefix, env.AccountID),
			LogBucketName: fmt.Sprintf("%s-artifact-logs-%s", prefix, env.AccountID),
			Account:       env.AccountID,
			KeyArn:        d.Key.Arn,
			RetentionDays: env.Pipeline.ArtifactRetentionDays,
			ForceDestroy:  !env.Production(),
			// An s3 source is uploaded here and starts the pipeline.
			EventBridge: role == config.RolePrimary && !codecommit,
		})
	}
	return d
}

// buildProject adds the image build to the primary stack: it pushes to
// this region's image repository (registry replication copies the image
// into the secondary's).
func buildProject(stack cdktf.TerraformStack, env *config.Environment, r *Regional, d *Delivery) *constructs.BuildProject {
	if env.Pipeline == nil {
		return nil
	}
	b := env.Pipeline.Build
	props := &constructs.BuildProjectProps{
		Name:           env.ID() + "-build",
		Account:        env.AccountID,
		Region:         env.Primary.Region,
		Image:          b.Image,
		ComputeType:    b.ComputeType,
		TimeoutMinutes: b.TimeoutMinutes,
		Buildspec:      "buildspec.yml",
		Variables: map[string]string{
			"AWS_ACCOUNT_ID":       env.AccountID,
			"PRIMARY_REGION":       env.Primary.Region,
			"SECONDARY_REGION":     env.Secondary.Region,
			"IMAGE_REPOSITORY_URI": *r.Repository.URL,
			"CONTAINER_NAME":       r.Service.ContainerName,
		},
		ArtifactBucketArn:  d.Artifacts.Arn,
		ArtifactKeyArn:     d.Key.Arn,
		PushRepositoryArns: []*string{r.Repository.Arn},
		LogsKeyArn:         r.LogsKey.Arn,
		LogRetentionDays:   env.Monitoring.LogRetentionDays,
	}
	return constructs.NewBuildProject(stack, "build", props)
}

// buildSecondaryDelivery adds what links the secondary's delivery to the
// primary: artifact replication into this region and the repository
// mirror, both through the primary-region provider.
func (s *Secondary) buildSecondaryDelivery(env *config.Environment, primary *Primary, primaryRegion cdktf.TerraformProvider) {
	if s.Delivery == nil {
		return
	}
	if s.Delivery.Artifacts != nil && primary.Delivery.Artifacts != nil {
		s.ArtifactReplication = constructs.NewBucketReplication(s.TerraformStack, "artifact-replication", &constructs.BucketReplicationProps{
			RoleName:          env.ID() + "-artifact-replication",
			Account:           env.AccountID,
			Source:            &primary.Delivery.Artifacts.BucketRef,
			SourceRegion:      env.Primary.Region,
			Provider:          primaryRegion,
			Destination:       &s.Delivery.Artifacts.BucketRef,
			DestinationRegion: env.Secondary.Region,
		})
	}
	if primary.Build != nil {
		// The build waits until the image has replicated into this
		// region's repository (the secondary's image definitions name it).
		constructs.GrantImageRead(s.TerraformStack, "build-image-read", primary.Build.RoleName, s.Repository.Arn)
	}
	if s.Delivery.Repository != nil && primary.Delivery.Repository != nil {
		image := defaultBuildImage
		if env.Pipeline != nil {
			image = env.Pipeline.Build.Image
		}
		s.Mirror = constructs.NewRepositoryMirror(s.TerraformStack, "repository-mirror", &constructs.RepositoryMirrorProps{
			Name:             env.ID() + "-mirror",
			Account:          env.AccountID,
			Region:           env.Primary.Region,
			Provider:         primaryRegion,
			Source:           primary.Delivery.Repository,
			SourceKeyArn:     primary.Delivery.Key.Arn,
			Replica:          s.Delivery.Repository,
			ReplicaKeyArn:    s.Delivery.Key.Arn,
			Image:            image,
			LogsKeyArn:       primary.LogsKey.Arn, // the job runs in the primary region
			LogRetentionDays: env.Monitoring.LogRetentionDays,
		})
	}
}

// GlobalDelivery is the pipeline and what serves it.
type GlobalDelivery struct {
	Pipeline *constructs.Pipeline
	// ApprovalTopic gets the approval requests; nil without an approval.
	ApprovalTopic *constructs.Topic
	Approver      *constructs.ApproverRole
	Trail         *constructs.Trail
}

// buildGlobalDelivery adds the pipeline, its approval topic, approver role
// and audit trail to the global stack. Failed executions and pending
// approvals go to the primary region's alert topic (the pipeline's region:
// an EventBridge rule notifies only topics of its own region). A staging
// target is addressed by the names its environment's config determines.
func buildGlobalDelivery(stack cdktf.TerraformStack, env *config.Environment, primary *Primary, secondary *Secondary) *GlobalDelivery {
	p := env.Pipeline
	if p == nil {
		return nil
	}
	g := &GlobalDelivery{}
	if *p.CloudTrail {
		g.Trail = constructs.NewTrail(stack, "audit-trail", &constructs.TrailProps{
			Name:          env.ID() + "-audit",
			BucketName:    fmt.Sprintf("%s-audit-%s", env.ID(), env.AccountID),
			Account:       env.AccountID,
			Region:        env.Primary.Region,
			RetentionDays: pick(env.Production(), 2557, 365),
			ForceDestroy:  !env.Production(),
		})
	}
	if !*p.CodePipeline {
		return g
	}
	name := env.ID() + "-pipeline"
	if env.ApprovalRequired() {
		// The pipeline publishes through its role (IAM), so the topic
		// admits no service principal.
		var subs []constructs.Subscription
		for _, e := range p.ApprovalEmails {
			subs = append(subs, constructs.Subscription{Protocol: constructs.ProtocolEmail, Endpoint: e})
		}
		g.ApprovalTopic = constructs.NewTopic(stack, "approval-topic", &constructs.TopicProps{
			Name:          env.ID() + "-approvals",
			DisplayName:   env.ID() + " release approvals",
			Account:       env.AccountID,
			Region:        env.Primary.Region,
			Subscriptions: subs,
		})
	}

	props := &constructs.PipelineProps{
		Name:    name,
		Account: env.AccountID,
		Region:  env.Primary.Region,
		Stores: []constructs.ArtifactStore{
			{Region: env.Primary.Region, Bucket: primary.Delivery.Artifacts},
			{Region: env.Secondary.Region, Bucket: secondary.Delivery.Artifacts},
		},
		BuildProjectName:     primary.Build.Name,
		BuildProjectArn:      primary.Build.Arn,
		ProductionStage:      pick(env.Production() || p.StagingService != nil, constructs.StageDeployToProduction, "Deploy"),
		NotificationTopicArn: primary.Monitoring.AlertTopic.Arn,
		// After a failover the standby pipeline releases; a push starts one.
		TriggerOff: env.Database.Writer != config.RolePrimary,
	}
	if env.Repository.Type == config.RepositoryCodeCommit {
		props.Source = constructs.PipelineSource{Repository: primary.Delivery.Repository, RepositoryKeyArn: primary.Delivery.Key.Arn, Branch: env.Repository.DefaultBranch}
	} else {
		props.Source = constructs.PipelineSource{Bucket: primary.Delivery.Artifacts, ObjectKey: sourceObjectKey(env)}
	}
	props.Production = []constructs.EcsDeployTarget{
		ecsTarget("Deploy-"+primary.Region, primary.Regional, imageDefinitionsPrimary),
		ecsTarget("Deploy-"+secondary.Region, secondary.Regional, imageDefinitionsSecondary),
	}
	// The secondary deploys the image replicated into its own region's
	// repository; the build waits for it there.
	props.BuildVariables = map[string]*string{"SECONDARY_REPOSITORY_URI": secondary.Repository.URL}
	var stagingURL *string
	if sn := p.StagingService; sn != nil {
		props.Staging = &constructs.EcsDeployTarget{
			Action:       "Deploy-" + p.StagingID,
			Region:       sn.Region,
			ClusterName:  str(sn.Cluster),
			ServiceName:  str(sn.Service),
			FileName:     imageDefinitionsStaging,
			PassRoleArns: []*string{str(sn.RoleArn(sn.ExecutionRole)), str(sn.RoleArn(sn.TaskRole))},
		}
		props.BuildVariables["STAGING_REPOSITORY_URI"] = str(sn.RepositoryURL())
		props.BuildVariables["STAGING_CONTAINER_NAME"] = str(sn.Container)
		// The build pushes the image into the staging environment's own
		// repository too; that grant lives here, beside the target.
		constructs.GrantImagePush(stack, "staging-image-push", primary.Build.RoleName, str(sn.RepositoryArn()))
		if p.StagingURL != "" {
			stagingURL = str(p.StagingURL)
		}
	}
	if env.ApprovalRequired() {
		data := fmt.Sprintf("Release to %s (both regions).", env.ID())
		if p.StagingService != nil {
			data = fmt.Sprintf("Check %s, then approve the release to %s (both regions).", p.StagingID, env.ID())
		}
		props.Approval = &constructs.ApprovalGate{
			TopicArn:       g.ApprovalTopic.Arn,
			TopicKeyArn:    g.ApprovalTopic.KeyArn,
			TimeoutMinutes: p.ApprovalTimeoutMinutes,
			CustomData:     data,
			ExternalURL:    stagingURL,
		}
	}
	g.Pipeline = constructs.NewPipeline(stack, "pipeline", props)
	if env.ApprovalRequired() {
		g.Approver = constructs.NewApproverRole(stack, "approver", &constructs.ApproverRoleProps{
			Name:       env.ID() + "-approver",
			Account:    env.AccountID,
			Region:     env.Primary.Region,
			Principals: p.Approvers,
			Pipeline:   name,
			Stage:      constructs.StageManualApproval,
			Action:     constructs.ApprovalAction,
		})
		output(stack, "approver_role_arn", "Role that may approve or reject releases", g.Approver.Arn)
	}
	output(stack, "pipeline_name", "Delivery pipeline", g.Pipeline.Name)
	return g
}

// ecsTarget is a region's service of this environment as a pipeline deploy
// target: its cluster, service and the task roles a new revision names,
// read from the regional stack (through remote state from the global stack).
func ecsTarget(action string, r *Regional, file string) constructs.EcsDeployTarget {
	return constructs.EcsDeployTarget{
		Action:       action,
		Region:       r.Region,
		ClusterName:  r.Cluster.Name,
		ServiceName:  r.Service.Name,
		FileName:     file,
		PassRoleArns: []*string{r.Service.ExecutionRoleArn, r.Service.TaskRoleArn},
	}
}
