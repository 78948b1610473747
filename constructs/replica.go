package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
)

// ReplicaProps configures a cross-region read replica of a PostgreSQL
// writer, in the scope's region.
type ReplicaProps struct {
	InstanceSettings
	// SourceArn is the writer's ARN (a cross-region source must be named
	// by ARN).
	SourceArn *string
	// Promoted makes the replica a standalone writer: Terraform promotes it
	// when replicate_source_db goes away, and RDS then manages its master
	// password in a secret of this region, encrypted with KeyArn.
	Promoted bool
}

// Replica is an encrypted, private read replica in its own region, with
// its own key, subnet group and parameter group, and backups on so it can
// be promoted.
type Replica struct {
	cdk.Construct
	Arn        *string
	Identifier *string
	// Address is the replica's DNS name (the writer's, once promoted).
	Address  *string
	Endpoint *string
	Port     int
	KeyArn   *string
	// SecretArn is the RDS-managed master secret of the promoted replica;
	// nil while it replicates (it shares the source's credentials).
	SecretArn          *string
	SubnetGroupName    *string
	ParameterGroupName *string
}

// NewReplica creates the replica with its companions.
func NewReplica(scope cdk.Construct, id string, p *ReplicaProps) *Replica {
	c := cdk.NewConstruct(scope, str(id))
	s := newInstanceSupport(c, &p.InstanceSettings)
	cfg := &dbinstance.DbInstanceConfig{
		Identifier: str(p.Name),
		// Engine, version, storage size, database and master user come from
		// the source; the key, network and parameters are this region's.
		InstanceClass:                    str(p.InstanceClass),
		StorageType:                      str("gp3"),
		MaxAllocatedStorage:              num(p.MaxAllocatedStorage),
		StorageEncrypted:                 boolp(true),
		KmsKeyId:                         p.KeyArn,
		AutoMinorVersionUpgrade:          boolp(true),
		Port:                             num(PostgresPort),
		MultiAz:                          boolp(p.MultiAZ),
		DbSubnetGroupName:                s.subnetGroup,
		VpcSecurityGroupIds:              &p.SecurityGroupIDs,
		PubliclyAccessible:               boolp(false),
		ParameterGroupName:               s.parameterGroup,
		IamDatabaseAuthenticationEnabled: boolp(true),
		// Backups on the replica: promotion then yields a writer that is
		// backed up from its first minute.
		BackupRetentionPeriod: num(p.BackupRetentionDays),
		BackupWindow:          str(p.BackupWindow),
		MaintenanceWindow:     str(p.MaintenanceWindow),
		CopyTagsToSnapshot:    boolp(true),
		DeletionProtection:    boolp(p.DeletionProtection),
		// RDS takes no final snapshot of a read replica; a promoted one is a
		// writer like any other.
		SkipFinalSnapshot:       boolp(!(p.Promoted && p.FinalSnapshot)),
		FinalSnapshotIdentifier: finalSnapshot(p.Name, p.Promoted && p.FinalSnapshot),
		Tags:                    nameTag(p.Name),
		Lifecycle:               protect(p.PreventDestroy),
		DependsOn:               &s.dependsOn,
	}
	if p.Promoted {
		cfg.ManageMasterUserPassword = boolp(true)
		cfg.MasterUserSecretKmsKeyId = p.KeyArn
	} else {
		cfg.ReplicateSourceDb = p.SourceArn
	}
	db := dbinstance.NewDbInstance(c, str("instance"), cfg)
	s.observe(db, &p.InstanceSettings)
	r := &Replica{
		Construct: c, Arn: db.Arn(), Identifier: db.Identifier(),
		Address: db.Address(), Endpoint: db.Endpoint(), Port: PostgresPort, KeyArn: p.KeyArn,
		SubnetGroupName: s.subnetGroup, ParameterGroupName: s.parameterGroup,
	}
	if p.Promoted {
		r.SecretArn = db.MasterUserSecret().Get(num(0)).SecretArn()
	}
	return r
}
