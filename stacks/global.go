package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
)

// Global is the stack of what spans both regions. It lives in the primary
// region; CloudFront certificates, CloudFront web ACLs, the alert topic and
// the Route 53 health-check alarms go through a us-east-1 provider (see
// edgeProvider).
type Global struct {
	cdktf.TerraformStack
	// Monitoring: the global alert topic (us-east-1), budget, alarms and
	// dashboard.
	Monitoring *Monitoring
	// Edge is the DNS and CDN in front of both regions; nil without a
	// domain.
	Edge *Edge
	// Delivery is the pipeline, its topic, approver role and audit trail;
	// nil without a pipeline.
	Delivery *GlobalDelivery
}

// NewGlobal builds <env>-global, reading both regional stacks of its own
// environment only (a pipeline's staging target is addressed by names).
func NewGlobal(app cdktf.App, env *config.Environment, primary *Primary, secondary *Secondary) *Global {
	stack := newStack(app, env, config.RoleGlobal)
	newProvider(stack, env, env.Primary.Region, "")
	secondaryRegion := newProvider(stack, env, env.Secondary.Region, config.RoleSecondary)
	g := &Global{TerraformStack: stack}
	output(stack, "vpc_ids", "VPC of each region", map[string]*string{
		env.Primary.Region:   primary.Network.VpcID,
		env.Secondary.Region: secondary.Network.VpcID,
	})
	// One alert topic for the whole stack, in us-east-1: Route 53 health
	// check metrics (and so their alarms) exist only there.
	usEast1 := edgeProvider(stack, env, secondaryRegion)
	topic := newAlertTopic(stack, env, edgeTopicID, edgeRegion, env.ID()+"-global-alerts", usEast1)
	watches := GlobalWatches{}
	if env.Edge() {
		g.Edge = buildEdge(stack, env, primary, secondary, usEast1)
		edgeOutputs(stack, env, g.Edge)
		watches.HealthCheckIDs = g.Edge.DNS.HealthCheckIDs
		if g.Edge.CDN != nil {
			watches.DistributionID = g.Edge.CDN.DistributionID
		}
	}
	g.Delivery = buildGlobalDelivery(stack, env, primary, secondary)
	if g.Delivery != nil && g.Delivery.Pipeline != nil {
		watches.PipelineFailureRule = g.Delivery.Pipeline.FailureRuleName
	}
	if secondary.Replica != nil && env.Database.Replicating(config.RoleSecondary) {
		watches.ReplicaIdentifier = secondary.Replica.Identifier
	}
	g.Monitoring = globalMonitoring(stack, env, topic, usEast1, watches)
	output(stack, "alert_topic_arn", "SNS topic of the global alerts (health checks, budget) in "+edgeRegion, topic.Arn)
	return g
}
