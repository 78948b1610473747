package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Primary is the primary region's stack: the writer side of the platform.
type Primary struct {
	cdktf.TerraformStack
	*Regional
	// Replication is the registry's replication configuration, nil when
	// another environment of the same account and region owns it.
	Replication *constructs.RegistryReplication
}

// NewPrimary builds <env>-primary.
func NewPrimary(app cdktf.App, env *config.Environment) *Primary {
	stack := newStack(app, env, config.RolePrimary)
	newProvider(stack, env, env.Primary.Region, "")
	s := &Primary{TerraformStack: stack, Regional: buildRegional(stack, env, env.Primary, env.Secondary)}
	s.Replication = buildReplication(stack, env)
	s.Containers = buildContainers(stack, env, config.RolePrimary, s.Regional, AppInputs{})
	output(stack, "vpc_id", "VPC of the primary region", s.Network.VpcID)
	return s
}
