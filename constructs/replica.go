package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
)

// ReplicaProps configures the secondary region's instance: a cross-region
// read replica of a PostgreSQL writer, or, once promoted, the writer.
type ReplicaProps struct {
	InstanceSettings
	// SourceArn is the writer's ARN (a cross-region source must be named
	// by ARN). Nil makes the instance a standalone writer: Terraform
	// promotes a replica when replicate_source_db goes away, and the
	// promoted writer keeps the source's master user and password.
	SourceArn *string
	// SourceIncarnation is the source's resource id: when the source is
	// rebuilt, the replica is rebuilt too. Nil: the ARN alone.
	SourceIncarnation *string
}

// Replica is an encrypted, private instance in its own region, with its
// own key, subnet group and parameter group, and backups on so it can be
// promoted.
type Replica struct {
	cdk.Construct
	Arn        *string
	Identifier *string
	// Address is the instance's DNS name (the writer's, once promoted).
	Address            *string
	Endpoint           *string
	Port               int
	KeyArn             *string
	SubnetGroupName    *string
	ParameterGroupName *string
}

// NewReplica creates the instance with its companions.
func NewReplica(scope cdk.Construct, id string, p *ReplicaProps) *Replica {
	c := cdk.NewConstruct(scope, str(id))
	s := newInstanceSupport(c, &p.InstanceSettings)
	writer := p.SourceArn == nil
	// Engine, version, storage size, database and master user come from
	// the source; the key, network and parameters are this region's.
	cfg := s.instanceConfig(&p.InstanceSettings)
	cfg.ReplicateSourceDb = p.SourceArn
	// RDS takes no final snapshot of a read replica; a promoted one is a
	// writer like any other.
	cfg.SkipFinalSnapshot = boolp(!(writer && p.FinalSnapshot))
	cfg.FinalSnapshotIdentifier = finalSnapshot(p.Name, writer && p.FinalSnapshot)
	// A replica holds no data of its own and is rebuilt after a failback
	// (replacement); the promoted writer is protected.
	cfg.Lifecycle = protect(writer && p.PreventDestroy)
	db := dbinstance.NewDbInstance(c, str("instance"), cfg)
	s.rebuildAsReplica(c, db, p.SourceArn, p.SourceIncarnation)
	s.observe(db, &p.InstanceSettings)
	return &Replica{
		Construct: c, Arn: db.Arn(), Identifier: db.Identifier(),
		Address: db.Address(), Endpoint: db.Endpoint(), Port: PostgresPort, KeyArn: p.KeyArn,
		SubnetGroupName: s.subnetGroup, ParameterGroupName: s.parameterGroup,
	}
}
