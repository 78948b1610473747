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
	// Delivery is the replica repository and artifact store (nil without a
	// repository); ArtifactReplication copies the primary's artifacts here
	// and Mirror keeps the replica in sync (nil when not configured).
	Delivery            *Delivery
	ArtifactReplication *constructs.BucketReplication
	Mirror              *constructs.RepositoryMirror
	// Standby is the release path that works while the primary region is
	// down; nil when not configured.
	Standby *StandbyRelease
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
	s.Delivery = buildDelivery(stack, env, config.RoleSecondary, env.Secondary)
	s.buildSecondaryDelivery(env, primary, primaryRegion)
	s.Standby = s.buildStandbyRelease(env)
	var database []constructs.DashboardSection
	if s.Replica != nil {
		database = append(database, databaseSection(env, s.Replica.Identifier, env.Database.Replicating(config.RoleSecondary)))
	}
	s.monitorRegion(stack, env, database...)
	output(stack, "vpc_id", "VPC of the secondary region", s.Network.VpcID)
	output(stack, "alert_topic_arn", "SNS topic of the secondary region's alerts", s.Monitoring.AlertTopic.Arn)
	output(stack, "peering_connection_id", "VPC peering connection to the primary region", s.Peering.ConnectionID)
	return s
}

// buildDatabase adds the secondary's instance (a read replica of the
// primary's writer, or the writer after a failover) and tells the app tier
// where the writer is. The credentials are the master secret's replica in
// this region, so tasks start while the primary region is down.
func (s *Secondary) buildDatabase(env *config.Environment, primary *Primary) {
	d := env.Database
	// While the primary writes, the writer is reached over peering.
	s.DB = &DatabaseConnection{
		WriterAddress: primary.Database.Address, ReaderAddress: primary.Database.Address,
		Port: primary.Database.Port, DatabaseName: primary.Database.DatabaseName,
		SecretArn: primary.Database.ReplicaSecretArn,
		Reader:    true,
	}
	role := d.InstanceRole(config.RoleSecondary)
	if role == config.InstanceNone {
		return
	}
	props := &constructs.ReplicaProps{InstanceSettings: s.instanceSettings(env, *d.Replica.MultiAZ)}
	if role == config.InstanceReplica {
		// The source by its ARN from config: replication never needs the
		// primary's state.
		props.SourceArn = str(env.DatabaseArn(config.RolePrimary))
		// A rebuilt primary instance (failback) means a rebuilt replica,
		// also when the promoted writer here was never deployed.
		props.SourceIncarnation = primary.Database.ResourceID
	}
	s.Replica = constructs.NewReplica(s.TerraformStack, "replica", props)
	s.DB.ReaderAddress = s.Replica.Address
	if role == config.InstanceWriter {
		s.DB.WriterAddress = s.Replica.Address
	}
	output(s.TerraformStack, "database_replica_endpoint", "PostgreSQL instance of the secondary region (host:port): the primary's replica, or the writer after a failover", s.Replica.Endpoint)
}
