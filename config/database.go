package config

// Database is the PostgreSQL data tier: a Multi-AZ writer in the primary
// region and a cross-region read replica in the secondary region.
type Database struct {
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

// Replica is the read replica in the secondary region.
type Replica struct {
	// Enabled creates the replica. Default on.
	Enabled *bool `yaml:"enabled"`
	// MultiAZ gives the replica a standby of its own. Default off.
	MultiAZ *bool `yaml:"multi_az"`
	// Promoted makes the replica a standalone writer (disaster recovery:
	// see the runbook in docs/database.md).
	Promoted bool `yaml:"promoted"`
}

// ReplicaEnabled reports whether the secondary region has a replica (or,
// once promoted, the writer that was the replica).
func (d *Database) ReplicaEnabled() bool { return d.Replica.Enabled != nil && *d.Replica.Enabled }

// Current PostgreSQL major versions on RDS (13 and older are end of life).
var postgresMajors = []string{"14", "15", "16", "17"}

// Log types RDS for PostgreSQL exports to CloudWatch Logs.
var postgresLogExports = []string{"postgresql", "upgrade"}
