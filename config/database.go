package config

import "fmt"

// Database is the PostgreSQL data tier: an instance in each region, one the
// writer (the primary region's, until a failover) and the other its
// cross-region read replica.
type Database struct {
	// Writer is the role of the region whose instance takes writes:
	// primary (default) or secondary (after a failover promoted the
	// secondary's replica).
	Writer string `yaml:"writer"`
	// EngineVersion is the PostgreSQL major version (e.g. "17"); minor
	// versions arrive through auto minor version upgrade.
	EngineVersion string `yaml:"engine_version"`
	// InstanceClass is db.<family>.<size>, e.g. db.t3.medium.
	InstanceClass string `yaml:"instance_class"`
	// AllocatedStorage is the initial gp3 storage in GiB.
	AllocatedStorage int `yaml:"allocated_storage"`
	// MaxAllocatedStorage is the storage autoscaling ceiling in GiB.
	MaxAllocatedStorage int `yaml:"max_allocated_storage"`
	// BackupRetentionDays of automated backups (0 to 35).
	BackupRetentionDays *int `yaml:"backup_retention_days"`
	// BackupWindow is the daily backup window in UTC, hh24:mi-hh24:mi.
	BackupWindow string `yaml:"backup_window"`
	// MaintenanceWindow is the weekly window in UTC, ddd:hh24:mi-ddd:hh24:mi.
	MaintenanceWindow string `yaml:"maintenance_window"`
	// MultiAZ keeps a synchronous standby in a second AZ. Default: on in production.
	MultiAZ *bool `yaml:"multi_az"`
	// DeletionProtection blocks deleting the databases. Default: on in production.
	DeletionProtection *bool `yaml:"deletion_protection"`
	// FinalSnapshot takes a snapshot when a database is deleted. Default: on in production.
	FinalSnapshot *bool `yaml:"final_snapshot"`
	// PerformanceInsights (encrypted with the data key). Default on.
	PerformanceInsights *bool `yaml:"performance_insights"`
	// PerformanceInsightsRetentionDays is 7 (free), 31 x months (up to 23) or 731.
	PerformanceInsightsRetentionDays int `yaml:"performance_insights_retention_days"`
	// MonitoringInterval of enhanced monitoring in seconds; 0 switches it off.
	MonitoringInterval *int `yaml:"monitoring_interval"`
	// LogExports are the PostgreSQL logs sent to CloudWatch Logs.
	LogExports []string `yaml:"log_exports"`
	// LogRetentionDays of the exported log groups. Default
	// monitoring.log_retention_days.
	LogRetentionDays int `yaml:"log_retention_days"`
	// SlowStatementMs logs every statement that runs at least this long
	// (log_min_duration_statement); -1 leaves the engine default (off).
	SlowStatementMs int `yaml:"slow_statement_ms"`
	// ForceSSL sets rds.force_ssl=1. Default on; off (allowed outside
	// production only) leaves the engine default, which is on from
	// PostgreSQL 15.
	ForceSSL *bool `yaml:"force_ssl"`
	// Name of the application database created on the writer.
	Name string `yaml:"name"`
	// Username of the master user (its password is generated, never written).
	Username string `yaml:"username"`
	// PasswordVersion: raise it to have a new master password generated.
	PasswordVersion int `yaml:"password_version"`
	// Replica is the cross-region read replica.
	Replica Replica `yaml:"replica"`
}

// Replica is the instance of the region that is not the writer's.
type Replica struct {
	// Enabled gives the other region an instance. Default on.
	Enabled *bool `yaml:"enabled"`
	// MultiAZ gives the secondary region's instance a standby of its own.
	// Default off.
	MultiAZ *bool `yaml:"multi_az"`
	// State is replicating (default): a read replica of the writer; or
	// detached: the instance is left as it was and serves nothing (the
	// former writer after a failover, until failback rebuilds it as a
	// replica; see docs/dr.md).
	State string `yaml:"state"`
}

// Database writers and replica states.
const (
	ReplicaReplicating = "replicating"
	ReplicaDetached    = "detached"
)

// Instance roles: what a region's PostgreSQL instance is.
const (
	InstanceWriter   = "writer"
	InstanceReplica  = "replica"  // a read replica of the writer
	InstanceDetached = "detached" // left as it was: a former writer
	InstanceNone     = "none"
)

// ReplicaEnabled reports whether the region that is not the writer's has
// an instance.
func (d *Database) ReplicaEnabled() bool { return d.Replica.Enabled != nil && *d.Replica.Enabled }

// InstanceRole is what the instance of the region with the given role
// (primary or secondary) is: the writer, a replica of it, a detached former
// writer, or none.
func (d *Database) InstanceRole(region string) string {
	switch {
	case region == d.Writer:
		return InstanceWriter
	case !d.ReplicaEnabled():
		return InstanceNone
	case d.Replica.State == ReplicaDetached:
		return InstanceDetached
	}
	return InstanceReplica
}

// Replicating reports whether the instance of the given region role is a
// read replica of the writer.
func (d *Database) Replicating(region string) bool { return d.InstanceRole(region) == InstanceReplica }

// Current PostgreSQL major versions on RDS (13 and older are end of life).
var postgresMajors = []string{"14", "15", "16", "17"}

// Log types RDS for PostgreSQL exports to CloudWatch Logs.
var postgresLogExports = []string{"postgresql", "upgrade"}

// RegionOf is the region of the given role (primary or secondary).
func (e *Environment) RegionOf(role string) Region {
	if role == RoleSecondary {
		return e.Secondary
	}
	return e.Primary
}

// OtherRole is the other regional role: secondary for primary and back.
func OtherRole(role string) string {
	if role == RoleSecondary {
		return RolePrimary
	}
	return RoleSecondary
}

// DatabaseIdentifier is the DB instance identifier of the region with the
// given role, e.g. acme-prod-use1-db.
func (e *Environment) DatabaseIdentifier(role string) string {
	return fmt.Sprintf("%s-%s-db", e.ID(), ShortRegion(e.RegionOf(role).Region))
}

// DatabaseArn is the ARN of that instance, determined by config alone
// (account, region, identifier): a replica names its source by it, and the
// DR steps find the instances by it, without reading the other region's
// state or API.
func (e *Environment) DatabaseArn(role string) string {
	return fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", e.RegionOf(role).Region, e.AccountID, e.DatabaseIdentifier(role))
}
