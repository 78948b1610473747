package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
)

// Global is the stack of what spans both regions. It lives in the primary
// region; CloudFront certificates, CloudFront web ACLs and Route 53
// health-check alarms go through a us-east-1 provider (see edgeProvider).
type Global struct {
	cdktf.TerraformStack
	// Edge is the DNS and CDN in front of both regions; nil without a
	// domain.
	Edge *Edge
	// Delivery is the pipeline, its topic, approver role and audit trail;
	// nil without a pipeline.
	Delivery *GlobalDelivery
}

// NewGlobal builds <env>-global, reading both regional stacks, and the
// staging environment's stacks when its pipeline deploys there first (nil
// otherwise).
func NewGlobal(app cdktf.App, env *config.Environment, primary *Primary, secondary *Secondary, staging *Environment) *Global {
	stack := newStack(app, env, config.RoleGlobal)
	newProvider(stack, env, env.Primary.Region, "")
	secondaryRegion := newProvider(stack, env, env.Secondary.Region, config.RoleSecondary)
	g := &Global{TerraformStack: stack}
	output(stack, "vpc_ids", "VPC of each region", map[string]*string{
		env.Primary.Region:   primary.Network.VpcID,
		env.Secondary.Region: secondary.Network.VpcID,
	})
	if env.Edge() {
		g.Edge = buildEdge(stack, env, primary, secondary, secondaryRegion)
		edgeOutputs(stack, env, g.Edge)
	}
	g.Delivery = buildGlobalDelivery(stack, env, primary, secondary, staging)
	return g
}
