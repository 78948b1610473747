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
	// Database is the PostgreSQL writer.
	Database *constructs.Database
	// DB is how this region's app tier reaches the database.
	DB *DatabaseConnection
	// Replication is the registry's replication configuration, nil when
	// another environment of the same account and region owns it.
	Replication *constructs.RegistryReplication
	// OriginSecret is the header value CloudFront sends and both load
	// balancers require; nil without it.
	OriginSecret *constructs.OriginSecret
	// OriginGuard admits only requests that carry it.
	OriginGuard *constructs.OriginGuard
	// Delivery is the source repository and artifact store (nil without a
	// repository); Build the image build (nil without a pipeline).
	Delivery *Delivery
	Build    *constructs.BuildProject
}

// NewPrimary builds <env>-primary.
func NewPrimary(app cdktf.App, env *config.Environment) *Primary {
	stack := newStack(app, env, config.RolePrimary)
	newProvider(stack, env, env.Primary.Region, "")
	s := &Primary{TerraformStack: stack, Regional: buildRegional(stack, env, env.Primary, env.Secondary)}
	d := env.Database
	props := &constructs.DatabaseProps{
		InstanceSettings: s.instanceSettings(env, *d.MultiAZ),
		AllocatedStorage: d.AllocatedStorage,
		DatabaseName:     d.Name,
		Username:         d.Username,
		PasswordVersion:  d.PasswordVersion,
		ReplicaRegion:    env.Secondary.Region,
	}
	// After a failover the former writer is left as it was (detached) until
	// failback rebuilds it as a replica of the secondary's writer, named
	// by its ARN from config (no read of the secondary's state).
	if d.InstanceRole(config.RolePrimary) == config.InstanceReplica {
		props.ReplicaOf = str(env.DatabaseArn(config.RoleSecondary))
	}
	s.Database = constructs.NewDatabase(stack, "database", props)
	s.DB = &DatabaseConnection{
		WriterAddress: s.Database.Address, ReaderAddress: s.Database.Address,
		Port: s.Database.Port, DatabaseName: s.Database.DatabaseName,
		SecretArn: s.Database.SecretArn, SecretKeyArn: s.Database.KeyArn,
	}
	s.Replication = buildReplication(stack, env)
	s.Containers = buildContainers(stack, env, config.RolePrimary, s.Regional, s.DB.AppInputs())
	s.OriginSecret = buildOriginSecret(stack, env)
	s.OriginGuard = buildOriginGuard(stack, env, s.Regional, s.OriginSecret)
	s.Delivery = buildDelivery(stack, env, config.RolePrimary, env.Primary)
	s.Build = buildProject(stack, env, s.Regional, s.Delivery)
	s.monitorRegion(stack, env, databaseSection(env, s.Database.Identifier, d.Replicating(config.RolePrimary)))
	output(stack, "vpc_id", "VPC of the primary region", s.Network.VpcID)
	output(stack, "database_endpoint", "PostgreSQL writer (host:port)", s.Database.Endpoint)
	output(stack, "database_secret_arn", "Secrets Manager secret with the master user's credentials", s.Database.SecretArn)
	output(stack, "alert_topic_arn", "SNS topic of the primary region's alerts", s.Monitoring.AlertTopic.Arn)
	return s
}
