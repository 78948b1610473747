package config

import "fmt"

// ApplyDefaults fills every setting the file left out. It is the one place
// defaults live; tier-dependent ones switch on where tier is production.
func (e *Environment) ApplyDefaults() {
	if e.Tier == "" {
		e.Tier = TierDevelopment
	}
	prod := e.Production()
	if e.CostCenter == "" {
		e.CostCenter = e.Customer
	}
	if e.Primary.Region == "" {
		e.Primary.Region = "us-east-1"
	}
	if e.Secondary.Region == "" {
		e.Secondary.Region = "us-west-2"
	}
	if e.Primary.CIDR == "" {
		e.Primary.CIDR = "10.0.0.0/16"
	}
	if e.Secondary.CIDR == "" {
		e.Secondary.CIDR = "10.1.0.0/16"
	}
	for _, r := range []*Region{&e.Primary, &e.Secondary} {
		if len(r.AZs) == 0 && knownRegion(r.Region) {
			r.AZs = zonesOf(r.Region)[:2]
		}
	}
	if e.Network.NAT == "" {
		e.Network.NAT = pick(prod, NATPerAZ, NATSingle)
	}
	// Monitoring first: its log retention is every log group's default.
	e.applyMonitoringDefaults()
	if e.Network.FlowLogRetentionDays == 0 {
		e.Network.FlowLogRetentionDays = e.Monitoring.LogRetentionDays
	}
	e.applyNetworkDefaults()
	e.serviceDefaults(prod)
	e.registryDefaults(prod)
	e.loadBalancerDefaults(prod)
	if e.Database.LogRetentionDays == 0 {
		e.Database.LogRetentionDays = e.Monitoring.LogRetentionDays
	}
	e.Database.applyDefaults(prod)
	e.applyEdgeDefaults(prod)
	e.applyDeliveryDefaults(prod)
	e.Usage.applyDefaults()
	if e.Backend.Type == "" {
		e.Backend.Type = BackendLocal
	}
	if b := e.Backend.S3; b != nil && b.Region == "" {
		b.Region = e.Primary.Region
	}
	if c := e.Backend.Cloud; c != nil && c.Hostname == "" {
		c.Hostname = "app.terraform.io"
	}
}

// alarmDefaults are each alarm's settings where the file leaves them out.
// Thresholds are in the alarm's unit (docs/monitoring.md).
var alarmDefaults = map[AlarmKey]AlarmSettings{
	// 80 % for 2 x 2 min, as in the seed.
	AlarmECSCPUHigh:    {Threshold: 80, Statistic: "Average", PeriodSeconds: 120, EvaluationPeriods: 2},
	AlarmECSMemoryHigh: {Threshold: 80, Statistic: "Average", PeriodSeconds: 120, EvaluationPeriods: 2},
	// At least one task short of desired for 5 minutes: longer than a
	// rolling deployment's normal dip.
	AlarmECSTasksBelowDesired: {Threshold: 1, PeriodSeconds: 60, EvaluationPeriods: 5},
	// 5 % of requests failing in 3 of 5 minutes.
	AlarmALB5xxRate:        {Threshold: 5, PeriodSeconds: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3},
	AlarmTargetLatencyHigh: {Threshold: 2, Statistic: "p99", PeriodSeconds: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3},
	AlarmUnhealthyHosts:    {Threshold: 1, Statistic: "Maximum", PeriodSeconds: 60, EvaluationPeriods: 3},
	AlarmDBCPUHigh:         {Threshold: 80, Statistic: "Average", PeriodSeconds: 300, EvaluationPeriods: 3},
	// GiB and MiB: sized for the default db.t3.medium (4 GiB memory).
	AlarmDBFreeStorageLow:    {Threshold: 5, Statistic: "Minimum", PeriodSeconds: 300, EvaluationPeriods: 1},
	AlarmDBFreeableMemoryLow: {Threshold: 256, Statistic: "Average", PeriodSeconds: 300, EvaluationPeriods: 3},
	// About 80 % of db.t3.medium's max_connections (~400).
	AlarmDBConnectionsHigh: {Threshold: 320, Statistic: "Maximum", PeriodSeconds: 300, EvaluationPeriods: 2},
	// The RPO guard: a minute behind for 5 minutes.
	AlarmReplicaLagHigh:          {Threshold: 60, Statistic: "Maximum", PeriodSeconds: 60, EvaluationPeriods: 5},
	AlarmNATPortAllocationErrors: {Threshold: 1, Statistic: "Sum", PeriodSeconds: 300, EvaluationPeriods: 1},
	// Route 53 publishes 0 or 1 per minute: one unhealthy minute is a
	// failover, news at once.
	AlarmHealthCheckFailing: {Threshold: 1, Statistic: "Minimum", PeriodSeconds: 60, EvaluationPeriods: 1},
}

func (e *Environment) applyMonitoringDefaults() {
	m := &e.Monitoring
	prod := e.Production()
	if m.CompositeAlarms == nil {
		m.CompositeAlarms = boolPtr(true)
	}
	if m.LogRetentionDays == 0 {
		m.LogRetentionDays = pick(prod, 365, 30)
	}
	if m.Budget.Enabled == nil {
		m.Budget.Enabled = boolPtr(true)
	}
	if m.Budget.Amount == 0 {
		m.Budget.Amount = pick(prod, 800.0, 200.0)
	}
	if m.Budget.Currency == "" {
		m.Budget.Currency = "USD"
	}
	for _, k := range AlarmKeys {
		a, d := m.Alarms.Alarm(k), alarmDefaults[k]
		if a.Threshold == 0 {
			a.Threshold = d.Threshold
		}
		if a.Statistic == "" {
			a.Statistic = d.Statistic
		}
		if a.PeriodSeconds == 0 {
			a.PeriodSeconds = d.PeriodSeconds
		}
		if a.EvaluationPeriods == 0 {
			a.EvaluationPeriods = d.EvaluationPeriods
		}
		if a.DatapointsToAlarm == 0 {
			a.DatapointsToAlarm = d.DatapointsToAlarm
		}
		if a.DatapointsToAlarm == 0 {
			a.DatapointsToAlarm = a.EvaluationPeriods
		}
	}
}

func boolPtr(b bool) *bool { return &b }

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

func (e *Environment) serviceDefaults(prod bool) {
	s := &e.Service
	setDefault(&s.Name, "app")
	setDefault(&s.Port, 8080)
	setDefault(&s.ImageTag, "latest")
	setDefault(&s.DeployedBy, DeployedByTerraform)
	setDefault(&s.CPU, pick(prod, 512, 256))
	if s.Memory == 0 {
		s.Memory = pick(prod, 1024, 512)
		if m := fargateMemory(s.CPU); len(m) > 0 && s.Memory < m[0] {
			s.Memory = m[0] // the smallest size the configured CPU allows
		}
	}
	setDefault(&s.DesiredCount, pick(prod, 2, 1))
	if s.MinCount == 0 {
		s.MinCount = s.DesiredCount
		if s.MaxCount != 0 && s.MaxCount < s.MinCount {
			s.MinCount = s.MaxCount // report the desired count, not a default
		}
	}
	setDefault(&s.MaxCount, max(pick(prod, 10, 4), s.DesiredCount))
	setDefault(&s.HealthCheckPath, "/health")
	setDefault(&s.HealthCheckGracePeriodSeconds, 60)
	if s.ContainerHealthCheck == nil {
		cmd := fmt.Sprintf("curl -fsS -o /dev/null http://127.0.0.1:%d%s || exit 1", s.Port, s.HealthCheckPath)
		s.ContainerHealthCheck = &cmd
	}
	if s.SpotPercent == nil {
		s.SpotPercent = ptr(pick(prod, 0, 70))
	}
	if s.Autoscaling == nil {
		s.Autoscaling = ptr(true)
	}
	setDefault(&s.CPUTargetPercent, 70)
	setDefault(&s.MemoryTargetPercent, 75)
	setDefault(&s.RequestsPerTarget, 1000)
	setDefault(&s.ScaleInCooldownSeconds, 300)
	setDefault(&s.ScaleOutCooldownSeconds, 60)
	setDefault(&s.LogRetentionDays, e.Monitoring.LogRetentionDays)
	if s.ReadonlyRootFilesystem == nil {
		s.ReadonlyRootFilesystem = ptr(true)
	}
	setDefault(&s.User, "1000")
}

func (e *Environment) registryDefaults(prod bool) {
	r := &e.Registry
	if r.ImmutableTags == nil {
		// A tag names one image for good (the pipeline pushes one tag per
		// commit), except the moving tag "latest" that a service deployed
		// by Terraform re-pulls after each push.
		moving := e.Service.DeployedBy == DeployedByTerraform && e.Service.ImageTag == "latest"
		r.ImmutableTags = ptr(prod || !moving)
	}
	setDefault(&r.KeepTaggedImages, pick(prod, 50, 10))
	setDefault(&r.UntaggedExpiryDays, pick(prod, 7, 1))
	if r.Replication == nil {
		r.Replication = ptr(true)
	}
}

func (e *Environment) loadBalancerDefaults(prod bool) {
	l := &e.LoadBalancer
	if l.DeletionProtection == nil {
		l.DeletionProtection = ptr(prod)
	}
	setDefault(&l.AccessLogRetentionDays, pick(prod, 365, 30))
	setDefault(&l.IdleTimeoutSeconds, 60)
	setDefault(&l.DeregistrationDelaySeconds, 30)
	setDefault(&l.SSLPolicy, sslPolicies[0])
}

// setDefault sets *v to def when the file left it out (zero).
func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// applyDefaults fills the data tier: the reference architecture's
// PostgreSQL on db.t3.medium, production safety switched on by tier.
func (d *Database) applyDefaults(prod bool) {
	if d.EngineVersion == "" {
		d.EngineVersion = "17"
	}
	if d.InstanceClass == "" {
		d.InstanceClass = "db.t3.medium"
	}
	if d.AllocatedStorage == 0 {
		d.AllocatedStorage = 20
	}
	if d.MaxAllocatedStorage == 0 {
		d.MaxAllocatedStorage = pick(prod, 200, 50)
	}
	if d.BackupRetentionDays == nil {
		d.BackupRetentionDays = ptr(7)
	}
	if d.BackupWindow == "" {
		d.BackupWindow = "03:00-04:00"
	}
	if d.MaintenanceWindow == "" {
		d.MaintenanceWindow = "sun:04:30-sun:05:30"
	}
	defaultBool(&d.MultiAZ, prod)
	defaultBool(&d.DeletionProtection, prod)
	defaultBool(&d.FinalSnapshot, prod)
	defaultBool(&d.PerformanceInsights, true)
	if d.PerformanceInsightsRetentionDays == 0 {
		d.PerformanceInsightsRetentionDays = 7
	}
	if d.MonitoringInterval == nil {
		d.MonitoringInterval = ptr(60)
	}
	if d.LogExports == nil {
		d.LogExports = []string{"postgresql", "upgrade"}
	}
	if d.SlowStatementMs == 0 {
		d.SlowStatementMs = 1000
	}
	defaultBool(&d.ForceSSL, true)
	if d.Name == "" {
		d.Name = "app"
	}
	if d.Username == "" {
		d.Username = "app_admin"
	}
	if d.PasswordVersion == 0 {
		d.PasswordVersion = 1
	}
	if d.Writer == "" {
		d.Writer = RolePrimary
	}
	defaultBool(&d.Replica.Enabled, true)
	defaultBool(&d.Replica.MultiAZ, false)
	if d.Replica.State == "" {
		d.Replica.State = ReplicaReplicating
	}
}

func ptr[T any](v T) *T { return &v }

func defaultBool(p **bool, v bool) {
	if *p == nil {
		*p = ptr(v)
	}
}
