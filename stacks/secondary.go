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
	// Replica is the cross-region read replica of the primary's database
	// (the writer once promoted); nil when the config has none.
	Replica *constructs.Replica
	// DB is how this region's app tier reaches the database.
	DB *DatabaseConnection
	// OriginGuard admits only requests with the primary's origin secret.
	OriginGuard *constructs.OriginGuard
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
	s.buildDatabase(env, primary)
	s.Containers = buildContainers(stack, env, config.RoleSecondary, s.Regional, s.DB.AppInputs())
	s.OriginGuard = buildOriginGuard(stack, env, s.Regional, primary.OriginSecret)
	var database []constructs.DashboardSection
	if s.Replica != nil {
		database = append(database, databaseSection(env, s.Replica.Identifier, !env.Database.Replica.Promoted))
	}
	s.monitorRegion(stack, env, database...)
	output(stack, "vpc_id", "VPC of the secondary region", s.Network.VpcID)
	output(stack, "alert_topic_arn", "SNS topic of the secondary region's alerts", s.Monitoring.AlertTopic.Arn)
	output(stack, "peering_connection_id", "VPC peering connection to the primary region", s.Peering.ConnectionID)
	return s
}

// buildDatabase adds the read replica and tells the app tier where the
// writer is: in the primary region, or here once the replica is promoted.
func (s *Secondary) buildDatabase(env *config.Environment, primary *Primary) {
	d := env.Database
	// Until a failover, the writer and its credentials are the primary's,
	// reached over peering.
	s.DB = &DatabaseConnection{
		WriterAddress: primary.Database.Address, ReaderAddress: primary.Database.Address,
		Port: primary.Database.Port, DatabaseName: primary.Database.DatabaseName,
		SecretArn: primary.Database.SecretArn, SecretKeyArn: primary.Database.KeyArn,
		Reader: true,
	}
	if !d.ReplicaEnabled() {
		return
	}
	props := &constructs.ReplicaProps{
		InstanceSettings: s.instanceSettings(env, *d.Replica.MultiAZ),
		Promoted:         d.Replica.Promoted,
	}
	if !d.Replica.Promoted {
		props.SourceArn = primary.Database.Arn
	}
	s.Replica = constructs.NewReplica(s.TerraformStack, "replica", props)
	s.DB.ReaderAddress = s.Replica.Address
	if d.Replica.Promoted {
		s.DB.WriterAddress = s.Replica.Address
		s.DB.SecretArn = s.Replica.SecretArn
		s.DB.SecretKeyArn = s.Replica.KeyArn
	}
	output(s.TerraformStack, "database_replica_endpoint", "PostgreSQL replica of the primary (the writer once promoted)", s.Replica.Endpoint)
}
