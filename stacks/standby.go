package stacks

import (
	"fmt"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// StandbyRelease is the secondary region's own release path, for when the
// primary region is down: a pipeline sourced from the CodeCommit replica,
// with its own build, artifact store and approval topic, deploying to this
// region's service only.
type StandbyRelease struct {
	Build    *constructs.BuildProject
	Pipeline *constructs.Pipeline
	// ApprovalTopic and Approver serve its approval; nil without one.
	ApprovalTopic *constructs.Topic
	Approver      *constructs.ApproverRole
}

// buildStandbyRelease adds the standby pipeline to the secondary stack
// (nil when the config has none). Its push trigger is off while the
// primary writes, so a release runs once (in the main pipeline), and on
// once the secondary writes (after a failover), when the main pipeline's
// is off.
func (s *Secondary) buildStandbyRelease(env *config.Environment) *StandbyRelease {
	if !env.StandbyPipeline() {
		return nil
	}
	region, d := env.Secondary.Region, s.Delivery
	out := &StandbyRelease{}
	b := env.Pipeline.Build
	out.Build = constructs.NewBuildProject(s.TerraformStack, "standby-build", &constructs.BuildProjectProps{
		Name:           env.ID() + "-standby-build",
		Account:        env.AccountID,
		Region:         region,
		Image:          b.Image,
		ComputeType:    b.ComputeType,
		TimeoutMinutes: b.TimeoutMinutes,
		Buildspec:      "buildspec.yml",
		// The buildspec pushes to IMAGE_REPOSITORY_URI in PRIMARY_REGION:
		// here both are this region's, and the image is already where the
		// deploy takes it from.
		Variables: map[string]string{
			"AWS_ACCOUNT_ID":       env.AccountID,
			"PRIMARY_REGION":       region,
			"SECONDARY_REGION":     region,
			"IMAGE_REPOSITORY_URI": *s.Repository.URL,
			"CONTAINER_NAME":       s.Service.ContainerName,
		},
		ArtifactBucketArn:  d.Artifacts.Arn,
		ArtifactKeyArn:     d.Key.Arn,
		PushRepositoryArns: []*string{s.Repository.Arn},
		LogsKeyArn:         s.LogsKey.Arn,
		LogRetentionDays:   env.Monitoring.LogRetentionDays,
	})
	name := env.PipelineName(config.RoleSecondary)
	props := &constructs.PipelineProps{
		Name:                 name,
		Account:              env.AccountID,
		Region:               region,
		Stores:               []constructs.ArtifactStore{{Region: region, Bucket: d.Artifacts}},
		Source:               constructs.PipelineSource{Repository: d.Repository, RepositoryKeyArn: d.Key.Arn, Branch: env.Repository.DefaultBranch},
		BuildProjectName:     out.Build.Name,
		BuildProjectArn:      out.Build.Arn,
		BuildVariables:       map[string]*string{"SECONDARY_REPOSITORY_URI": s.Repository.URL},
		ProductionStage:      constructs.StageDeployToProduction,
		Production:           []constructs.EcsDeployTarget{ecsTarget("Deploy-"+region, s.Regional, imageDefinitionsSecondary)},
		NotificationTopicArn: s.Monitoring.AlertTopic.Arn,
		TriggerName:          env.PipelineTriggerRule(config.RoleSecondary),
		TriggerOff:           env.Database.Writer != config.RoleSecondary,
	}
	if env.ApprovalRequired() {
		var subs []constructs.Subscription
		for _, e := range env.Pipeline.ApprovalEmails {
			subs = append(subs, constructs.Subscription{Protocol: constructs.ProtocolEmail, Endpoint: e})
		}
		out.ApprovalTopic = constructs.NewTopic(s.TerraformStack, "standby-approval-topic", &constructs.TopicProps{
			Name:          env.ID() + "-standby-approvals",
			DisplayName:   env.ID() + " release approvals (standby pipeline)",
			Account:       env.AccountID,
			Region:        region,
			Subscriptions: subs,
		})
		props.Approval = &constructs.ApprovalGate{
			TopicArn:       out.ApprovalTopic.Arn,
			TopicKeyArn:    out.ApprovalTopic.KeyArn,
			TimeoutMinutes: env.Pipeline.ApprovalTimeoutMinutes,
			CustomData:     fmt.Sprintf("Release to %s from the standby pipeline (%s only).", env.ID(), region),
		}
	}
	out.Pipeline = constructs.NewPipeline(s.TerraformStack, "standby-pipeline", props)
	if env.ApprovalRequired() {
		out.Approver = constructs.NewApproverRole(s.TerraformStack, "standby-approver", &constructs.ApproverRoleProps{
			Name:       env.ID() + "-standby-approver",
			Account:    env.AccountID,
			Region:     region,
			Principals: env.Pipeline.Approvers,
			Pipeline:   name,
			Stage:      constructs.StageManualApproval,
			Action:     constructs.ApprovalAction,
		})
	}
	output(s.TerraformStack, "standby_pipeline_name", "Release pipeline of the secondary region (its trigger is on only while this region writes)", out.Pipeline.Name)
	return out
}
