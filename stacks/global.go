package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
)

// Global is the stack of what spans both regions. It lives in the primary
// region (CloudFront certificates and Route 53 health-check metrics must be
// in us-east-1).
type Global struct {
	cdktf.TerraformStack
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
	newProvider(stack, env, env.Secondary.Region, config.RoleSecondary)
	output(stack, "vpc_ids", "VPC of each region", map[string]*string{
		env.Primary.Region:   primary.Network.VpcID,
		env.Secondary.Region: secondary.Network.VpcID,
	})
	g := &Global{TerraformStack: stack}
	g.Delivery = buildGlobalDelivery(stack, env, primary, secondary, staging)
	return g
}
