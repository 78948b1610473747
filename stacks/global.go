package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Global is the stack of what spans both regions. It lives in the primary
// region (CloudFront certificates and Route 53 health-check metrics must be
// in us-east-1).
type Global struct {
	cdktf.TerraformStack
	// Monitoring: the global alert topic, budget and dashboard.
	Monitoring *Monitoring
}

// NewGlobal builds <env>-global, reading both regional stacks.
func NewGlobal(app cdktf.App, env *config.Environment, primary *Primary, secondary *Secondary) *Global {
	stack := newStack(app, env, config.RoleGlobal)
	newProvider(stack, env, env.Primary.Region, "")
	newProvider(stack, env, env.Secondary.Region, config.RoleSecondary)
	output(stack, "vpc_ids", "VPC of each region", map[string]*string{
		env.Primary.Region:   primary.Network.VpcID,
		env.Secondary.Region: secondary.Network.VpcID,
	})
	g := &Global{TerraformStack: stack}
	var sections []constructs.DashboardSection
	if secondary.Replica != nil && !env.Database.Replica.Promoted {
		// The RPO at a glance; its alarm lives in the secondary region.
		lag := watch(env, constructs.ReplicaLagHigh, "", secondary.Replica.Identifier)
		lag.Region = env.Secondary.Region
		sections = append(sections, constructs.DashboardSection{Title: "Cross-region replication", Watches: []constructs.Watch{lag}})
	}
	g.Monitoring = globalMonitoring(stack, env, sections...)
	output(stack, "alert_topic_arn", "SNS topic of the global alerts (pipeline, budget)", g.Monitoring.AlertTopic.Arn)
	return g
}
