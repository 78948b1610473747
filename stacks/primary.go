package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
)

// Primary is the primary region's stack: the writer side of the platform.
type Primary struct {
	cdktf.TerraformStack
	*Regional
}

// NewPrimary builds <env>-primary.
func NewPrimary(app cdktf.App, env *config.Environment) *Primary {
	stack := newStack(app, env, config.RolePrimary)
	newProvider(stack, env, env.Primary.Region, "")
	s := &Primary{TerraformStack: stack, Regional: buildRegional(stack, env, env.Primary, env.Secondary)}
	s.monitorRegion(stack, env)
	output(stack, "vpc_id", "VPC of the primary region", s.Network.VpcID)
	output(stack, "alert_topic_arn", "SNS topic of the primary region's alerts", s.Monitoring.AlertTopic.Arn)
	return s
}
