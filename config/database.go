package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

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

// applyDatabaseDefaults fills the data tier: the reference architecture's
// PostgreSQL on db.t3.medium, production safety switched on by tier.
func (e *Environment) applyDatabaseDefaults() {
	d, prod := &e.Database, e.Production()
	setDefault(&d.Writer, RolePrimary)
	setDefault(&d.EngineVersion, "17")
	setDefault(&d.InstanceClass, "db.t3.medium")
	setDefault(&d.AllocatedStorage, 20)
	setDefault(&d.MaxAllocatedStorage, pick(prod, 200, 50))
	setDefault(&d.BackupRetentionDays, ptr(7))
	setDefault(&d.BackupWindow, "03:00-04:00")
	setDefault(&d.MaintenanceWindow, "sun:04:30-sun:05:30")
	setDefault(&d.MultiAZ, ptr(prod))
	setDefault(&d.DeletionProtection, ptr(prod))
	setDefault(&d.FinalSnapshot, ptr(prod))
	setDefault(&d.PerformanceInsights, ptr(true))
	setDefault(&d.PerformanceInsightsRetentionDays, 7)
	setDefault(&d.MonitoringInterval, ptr(60))
	setDefault(&d.LogExports, slices.Clone(postgresLogExports))
	setDefault(&d.LogRetentionDays, e.Monitoring.LogRetentionDays)
	setDefault(&d.SlowStatementMs, 1000)
	setDefault(&d.ForceSSL, ptr(true))
	setDefault(&d.Name, "app")
	setDefault(&d.Username, "app_admin")
	setDefault(&d.PasswordVersion, 1)
	setDefault(&d.Replica.Enabled, ptr(true))
	setDefault(&d.Replica.MultiAZ, ptr(false))
	setDefault(&d.Replica.State, ReplicaReplicating)
}

var (
	majorRe         = regexp.MustCompile(`^[0-9]+$`)
	minorRe         = regexp.MustCompile(`^([0-9]+)\.[0-9]+$`)
	instanceClassRe = regexp.MustCompile(`^db\.[a-z]+[0-9][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal(-[0-9]+xl)?)$`)
	pgNameRe        = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,62}$`)
	backupWinRe     = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$`)
	maintWinRe      = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])$`)
	weekdays        = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	reservedName    = []string{"postgres", "template0", "template1", "rdsadmin"}
	reservedUser    = []string{"rdsadmin", "rdsrepladmin", "rds_superuser", "postgres", "public"}
)

const (
	dayMinutes  = 24 * 60
	weekMinutes = 7 * dayMinutes
	// gp3 storage limits of RDS for PostgreSQL, in GiB.
	minGP3Storage = 20
	maxGP3Storage = 65536
)

func (e *Environment) validateDatabase(c *fileProblems) {
	d := &e.Database
	switch v := d.EngineVersion; {
	case majorRe.MatchString(v) && !slices.Contains(postgresMajors, v):
		c.add("database.engine_version", v, "a current PostgreSQL major version on RDS: one of %s (older majors are end of life)", strings.Join(postgresMajors, ", "))
	case minorRe.MatchString(v):
		major := minorRe.FindStringSubmatch(v)[1]
		hint := "one of " + strings.Join(postgresMajors, ", ")
		if slices.Contains(postgresMajors, major) {
			hint = fmt.Sprintf("here %q", major)
		}
		c.add("database.engine_version", v, "the major version only, %s: auto minor version upgrade keeps the minor version current (and majors before %s are end of life)", hint, postgresMajors[0])
	case !majorRe.MatchString(v):
		c.add("database.engine_version", v, "a PostgreSQL major version number: one of %s (quote it in YAML)", strings.Join(postgresMajors, ", "))
	}
	if !instanceClassRe.MatchString(d.InstanceClass) {
		c.add("database.instance_class", d.InstanceClass, "an RDS instance class of the form db.<family>.<size>, e.g. db.t3.medium, db.r6g.2xlarge")
	}
	if d.AllocatedStorage < minGP3Storage || d.AllocatedStorage > maxGP3Storage {
		c.add("database.allocated_storage", d.AllocatedStorage, "gp3 storage in GiB from %d to %d", minGP3Storage, maxGP3Storage)
	}
	// Storage autoscaling wants the ceiling at least 10% above the allocation.
	if min := (d.AllocatedStorage*11 + 9) / 10; d.MaxAllocatedStorage < min || d.MaxAllocatedStorage > maxGP3Storage {
		c.add("database.max_allocated_storage", d.MaxAllocatedStorage, "the storage autoscaling ceiling in GiB: at least 10%% above database.allocated_storage %d (so from %d) up to %d", d.AllocatedStorage, min, maxGP3Storage)
	}
	if r := *d.BackupRetentionDays; r < 0 || r > 35 {
		c.add("database.backup_retention_days", r, "0 to 35 days of automated backups")
	} else if r == 0 && d.ReplicaEnabled() {
		c.add("database.backup_retention_days", r, "1 to 35 while database.replica is enabled: a read replica needs automated backups on its source (or set database.replica.enabled: false)")
	}
	backup, backupOK := parseBackupWindow(c, d.BackupWindow)
	maint, maintOK := parseMaintenanceWindow(c, d.MaintenanceWindow)
	if backupOK && maintOK && windowsOverlap(backup, maint) {
		c.add("database.maintenance_window", d.MaintenanceWindow, "a window that does not overlap database.backup_window %s (the backup window recurs daily)", d.BackupWindow)
	}
	pi := d.PerformanceInsightsRetentionDays
	if !(pi == 7 || pi == 731 || pi%31 == 0 && pi/31 >= 1 && pi/31 <= 23) {
		c.add("database.performance_insights_retention_days", pi, "7 (free tier), a multiple of 31 up to 713 (months), or 731")
	}
	if m := *d.MonitoringInterval; !slices.Contains([]int{0, 1, 5, 10, 15, 30, 60}, m) {
		c.add("database.monitoring_interval", m, "an enhanced monitoring interval in seconds: one of 0 (off), 1, 5, 10, 15, 30, 60")
	}
	seen := map[string]bool{}
	for i, l := range d.LogExports {
		if !slices.Contains(postgresLogExports, l) || seen[l] {
			c.add(fmt.Sprintf("database.log_exports[%d]", i), l, "each of %s at most once", strings.Join(postgresLogExports, ", "))
		}
		seen[l] = true
	}
	e.validateLogRetention(c, "database.log_retention_days", d.LogRetentionDays)
	if d.SlowStatementMs != -1 && (d.SlowStatementMs < 1 || d.SlowStatementMs > 3_600_000) {
		c.add("database.slow_statement_ms", d.SlowStatementMs, "1 to 3600000 milliseconds (statements running at least this long are logged), or -1 for the engine default (off)")
	}
	if !*d.ForceSSL && e.Production() {
		c.add("database.force_ssl", false, "true in production: clients must use TLS")
	}
	if !pgNameRe.MatchString(d.Name) || slices.Contains(reservedName, strings.ToLower(d.Name)) {
		c.add("database.name", d.Name, "a database name: a letter, then up to 62 letters, digits or _, not one of %s", strings.Join(reservedName, ", "))
	}
	if !pgNameRe.MatchString(d.Username) || slices.Contains(reservedUser, strings.ToLower(d.Username)) || strings.HasPrefix(strings.ToLower(d.Username), "pg_") {
		c.add("database.username", d.Username, "a master user name: a letter, then up to 62 letters, digits or _, not pg_* nor one of %s", strings.Join(reservedUser, ", "))
	}
	if d.PasswordVersion < 1 {
		c.add("database.password_version", d.PasswordVersion, "a positive number; raise it to generate a new master password")
	}
	if !slices.Contains([]string{RolePrimary, RoleSecondary}, d.Writer) {
		c.add("database.writer", d.Writer, "the region whose instance takes writes: primary or secondary (after a failover)")
	} else if d.Writer == RoleSecondary && !d.ReplicaEnabled() {
		c.add("database.writer", d.Writer, "secondary only with database.replica.enabled: true (the secondary's writer is the promoted replica)")
	}
	if !slices.Contains([]string{ReplicaReplicating, ReplicaDetached}, d.Replica.State) {
		c.add("database.replica.state", d.Replica.State, "replicating (a read replica of the writer) or detached (the former writer after a failover, left as it was until failback)")
	}
}

// window is a span in minutes of the week, [start, end); end may pass the
// week's end (it wraps).
type window struct{ start, end int }

func parseBackupWindow(c *fileProblems, s string) (window, bool) {
	m := backupWinRe.FindStringSubmatch(s)
	if m == nil {
		c.add("database.backup_window", s, "a daily UTC window hh24:mi-hh24:mi, e.g. 03:00-04:00")
		return window{}, false
	}
	start, end := clock(m[1], m[2]), clock(m[3], m[4])
	if end <= start {
		end += dayMinutes // past midnight
	}
	if n := end - start; n < 30 || n > dayMinutes-30 {
		c.add("database.backup_window", s, "at least 30 minutes long (and not the whole day)")
		return window{}, false
	}
	return window{start, end}, true
}

func parseMaintenanceWindow(c *fileProblems, s string) (window, bool) {
	m := maintWinRe.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		c.add("database.maintenance_window", s, "a weekly UTC window ddd:hh24:mi-ddd:hh24:mi with ddd one of %s, e.g. sun:04:30-sun:05:30", strings.Join(weekdays, ", "))
		return window{}, false
	}
	start := slices.Index(weekdays, m[1])*dayMinutes + clock(m[2], m[3])
	end := slices.Index(weekdays, m[4])*dayMinutes + clock(m[5], m[6])
	if end <= start {
		end += weekMinutes
	}
	if n := end - start; n < 30 || n > dayMinutes {
		c.add("database.maintenance_window", s, "from 30 minutes to 24 hours long")
		return window{}, false
	}
	return window{start, end}, true
}

func clock(h, m string) int {
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return hh*60 + mm
}

// windowsOverlap reports whether the daily backup window meets the weekly
// maintenance window on any day.
func windowsOverlap(daily, weekly window) bool {
	for day := -1; day <= 7; day++ {
		s, e := daily.start+day*dayMinutes, daily.end+day*dayMinutes
		for _, shift := range []int{0, weekMinutes} { // the weekly window may wrap
			if s < weekly.end-shift && weekly.start-shift < e {
				return true
			}
		}
	}
	return false
}
