package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Secondary is the secondary region's stack: the same regional platform, and
// every link that makes it a replica of the primary (the DAG points
// secondary -> primary, so the secondary owns them).
type Secondary struct {
	cdktf.TerraformStack
	*Regional
	Peering *constructs.Peering
}

// NewSecondary builds <env>-secondary, reading the primary through its struct.
func NewSecondary(app cdktf.App, env *config.Environment, primary *Primary) *Secondary {
	stack := newStack(app, env, config.RoleSecondary)
	newProvider(stack, env, env.Secondary.Region, "")
	// The primary-region alias creates the accepter side of links.
	primaryRegion := newProvider(stack, env, env.Primary.Region, config.RolePrimary)
	s := &Secondary{TerraformStack: stack, Regional: buildRegional(stack, env, env.Secondary, env.Primary)}

	s.Peering = constructs.NewPeering(stack, "peering", &constructs.PeeringProps{
		Name:    env.ID() + "-peering",
		Account: env.AccountID,
		Requester: constructs.PeerSide{
			VpcID:       s.Network.VpcID,
			CidrBlock:   s.Network.CidrBlock,
			RouteTables: s.Network.InternalRouteTables(),
		},
		Accepter: constructs.PeerSide{
			VpcID:       primary.Network.VpcID,
			CidrBlock:   primary.Network.CidrBlock,
			RouteTables: primary.Network.InternalRouteTables(),
		},
		AccepterRegion:   env.Primary.Region,
		AccepterProvider: primaryRegion,
	})
	s.monitorRegion(stack, env)
	output(stack, "vpc_id", "VPC of the secondary region", s.Network.VpcID)
	output(stack, "alert_topic_arn", "SNS topic of the secondary region's alerts", s.Monitoring.AlertTopic.Arn)
	output(stack, "peering_connection_id", "VPC peering connection to the primary region", s.Peering.ConnectionID)
	return s
}
