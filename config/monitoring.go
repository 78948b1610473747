package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// Monitoring is observability and cost control: who gets alerted, the
// alarms' thresholds, log retention and the monthly budget.
type Monitoring struct {
	// AlertEmails subscribe to every alert topic (both regions and global)
	// and receive the budget notifications. Each address confirms its
	// subscription once. Up to 10 (a budget notification's limit).
	AlertEmails []string `yaml:"alert_emails"`
	// WebhookURL optionally subscribes an HTTPS endpoint (a chat bridge,
	// an incident tool) to every alert topic. It must confirm the SNS
	// subscription. It is written into the stacks and state, so it must
	// not carry credentials.
	WebhookURL string `yaml:"webhook_url"`
	// CompositeAlarms adds a "region degraded" composite alarm per region
	// over the alarms that mean users are affected. Default true.
	CompositeAlarms *bool `yaml:"composite_alarms"`
	// LogRetentionDays is the retention of every log group the platform
	// creates, unless its own setting says otherwise. Default 365 in
	// production, else 30.
	LogRetentionDays int    `yaml:"log_retention_days"`
	Budget           Budget `yaml:"budget"`
	Alarms           Alarms `yaml:"alarms"`
}

// Budget is the environment's monthly cost budget. It counts the costs
// tagged Environment=<env> (activate the Environment cost allocation tag in
// the billing console), so environments sharing an account get one each.
type Budget struct {
	// Enabled creates the budget. Default true.
	Enabled *bool `yaml:"enabled"`
	// Amount per month. Default 800 in production (the upper end of the
	// reference architecture's estimate), else 200.
	Amount float64 `yaml:"amount"`
	// Currency of the amount, the account's billing currency. Default USD.
	Currency string `yaml:"currency"`
}

// Alarms holds the settings of every alarm; each key has its own defaults
// (see AlarmKeys). Units of threshold: see the table in docs/monitoring.md.
type Alarms struct {
	ECSCPUHigh              AlarmSettings `yaml:"ecs_cpu_high"`
	ECSMemoryHigh           AlarmSettings `yaml:"ecs_memory_high"`
	ECSTasksBelowDesired    AlarmSettings `yaml:"ecs_tasks_below_desired"`
	ALB5xxRate              AlarmSettings `yaml:"alb_5xx_rate"`
	TargetLatencyHigh       AlarmSettings `yaml:"target_latency_high"`
	UnhealthyHosts          AlarmSettings `yaml:"unhealthy_hosts"`
	DBCPUHigh               AlarmSettings `yaml:"db_cpu_high"`
	DBFreeStorageLow        AlarmSettings `yaml:"db_free_storage_low"`
	DBFreeableMemoryLow     AlarmSettings `yaml:"db_freeable_memory_low"`
	DBConnectionsHigh       AlarmSettings `yaml:"db_connections_high"`
	ReplicaLagHigh          AlarmSettings `yaml:"replica_lag_high"`
	NATPortAllocationErrors AlarmSettings `yaml:"nat_port_allocation_errors"`
	// HealthCheckFailing watches each region's Route 53 health check (in
	// us-east-1, global stack); only with dns.domain.
	HealthCheckFailing AlarmSettings `yaml:"health_check_failing"`
}

// AlarmSettings are the tunable parts of one alarm. What it compares (and
// in which direction), and what missing data means, are fixed per alarm.
type AlarmSettings struct {
	// Threshold in the alarm's unit; positive.
	Threshold float64 `yaml:"threshold"`
	// Statistic: Average, Sum, Minimum, Maximum, SampleCount or a
	// percentile p0-p100 (e.g. p99). Fixed for alarms computed with
	// metric math.
	Statistic string `yaml:"statistic"`
	// PeriodSeconds: 10, 30 or a multiple of 60.
	PeriodSeconds int `yaml:"period_seconds"`
	// EvaluationPeriods x PeriodSeconds is the window looked at; at most
	// a day.
	EvaluationPeriods int `yaml:"evaluation_periods"`
	// DatapointsToAlarm of the window must breach (M of N). Default: all.
	DatapointsToAlarm int `yaml:"datapoints_to_alarm"`
}

// AlarmKey names one alarm of monitoring.alarms.
type AlarmKey string

// The alarms every environment gets (where the resource exists).
const (
	AlarmECSCPUHigh              AlarmKey = "ecs_cpu_high"
	AlarmECSMemoryHigh           AlarmKey = "ecs_memory_high"
	AlarmECSTasksBelowDesired    AlarmKey = "ecs_tasks_below_desired"
	AlarmALB5xxRate              AlarmKey = "alb_5xx_rate"
	AlarmTargetLatencyHigh       AlarmKey = "target_latency_high"
	AlarmUnhealthyHosts          AlarmKey = "unhealthy_hosts"
	AlarmDBCPUHigh               AlarmKey = "db_cpu_high"
	AlarmDBFreeStorageLow        AlarmKey = "db_free_storage_low"
	AlarmDBFreeableMemoryLow     AlarmKey = "db_freeable_memory_low"
	AlarmDBConnectionsHigh       AlarmKey = "db_connections_high"
	AlarmReplicaLagHigh          AlarmKey = "replica_lag_high"
	AlarmNATPortAllocationErrors AlarmKey = "nat_port_allocation_errors"
	AlarmHealthCheckFailing      AlarmKey = "health_check_failing"
)

// AlarmKeys lists every alarm in the order of the Alarms fields.
var AlarmKeys = func() []AlarmKey {
	var keys []AlarmKey
	for _, k := range yamlKeysOf(reflect.TypeOf(Alarms{})) {
		keys = append(keys, AlarmKey(k.name))
	}
	return keys
}()

// metricMathAlarms are computed from several metrics with a fixed
// statistic, so monitoring.alarms.<key>.statistic cannot be set.
var metricMathAlarms = map[AlarmKey]string{
	AlarmALB5xxRate:           "the rate is computed from Sum counts",
	AlarmECSTasksBelowDesired: "desired minus running tasks, each an Average",
}

// Alarm returns the settings of one alarm: the Alarms field whose yaml key
// is k.
func (a *Alarms) Alarm(k AlarmKey) *AlarmSettings {
	for _, f := range yamlKeysOf(reflect.TypeOf(*a)) {
		if f.name == string(k) {
			return reflect.ValueOf(a).Elem().Field(f.index).Addr().Interface().(*AlarmSettings)
		}
	}
	panic(fmt.Sprintf("unknown alarm %q", k))
}

// alarmDefaults are each alarm's settings where the file leaves them out.
// Thresholds are in the alarm's unit (docs/monitoring.md).
var alarmDefaults = map[AlarmKey]AlarmSettings{
	// 80 % for 2 x 2 min: a sustained load, not a spike.
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
	m, prod := &e.Monitoring, e.Production()
	setDefault(&m.CompositeAlarms, ptr(true))
	setDefault(&m.LogRetentionDays, pick(prod, 365, 30))
	setDefault(&m.Budget.Enabled, ptr(true))
	setDefault(&m.Budget.Amount, pick(prod, 800.0, 200.0))
	setDefault(&m.Budget.Currency, "USD")
	for _, k := range AlarmKeys {
		a, d := m.Alarms.Alarm(k), alarmDefaults[k]
		setDefault(&a.Threshold, d.Threshold)
		setDefault(&a.Statistic, d.Statistic)
		setDefault(&a.PeriodSeconds, d.PeriodSeconds)
		setDefault(&a.EvaluationPeriods, d.EvaluationPeriods)
		setDefault(&a.DatapointsToAlarm, d.DatapointsToAlarm)
		setDefault(&a.DatapointsToAlarm, a.EvaluationPeriods) // all of the window
	}
}

// MaxAlertEmails is a budget notification's limit of e-mail subscribers.
const MaxAlertEmails = 10

var (
	// emailRe is deliberately plain: local@domain.tld, no display names or
	// comments (net/mail accepts those; SNS and Budgets do not).
	emailRe      = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$`)
	percentileRe = regexp.MustCompile(`^p(100|[0-9]{1,2}(\.[0-9]{1,2})?)$`)
	currencyRe   = regexp.MustCompile(`^[A-Z]{3}$`)
)

var statistics = []string{"Average", "Sum", "Minimum", "Maximum", "SampleCount"}

// ValidEmail reports whether s is a plain address SNS and Budgets accept.
func ValidEmail(s string) bool {
	if !emailRe.MatchString(s) || len(s) > 254 {
		return false
	}
	_, err := mail.ParseAddress(s)
	return err == nil
}

func validStatistic(s string) bool {
	return slices.Contains(statistics, s) || percentileRe.MatchString(s)
}

func (e *Environment) validateMonitoring(c *fileProblems) {
	m := e.Monitoring
	if len(m.AlertEmails) > MaxAlertEmails {
		c.add("monitoring.alert_emails", len(m.AlertEmails), "at most %d addresses (a budget notification's limit); use a mailing list", MaxAlertEmails)
	}
	c.emails("monitoring.alert_emails", m.AlertEmails, "an e-mail address like ops@example.com (no display name)")
	if m.WebhookURL != "" {
		u, err := url.Parse(m.WebhookURL)
		switch {
		case err != nil || u.Scheme != "https" || u.Host == "":
			c.add("monitoring.webhook_url", m.WebhookURL, "an https:// URL (SNS delivers alerts over HTTPS only here)")
		case u.User != nil:
			c.add("monitoring.webhook_url", m.WebhookURL, "a URL without user:password: it is written into the stacks and their state")
		}
	}
	if !slices.Contains(logRetentionDays, m.LogRetentionDays) {
		c.add("monitoring.log_retention_days", m.LogRetentionDays, "a CloudWatch Logs retention: one of %v", logRetentionDays)
	}
	if b := m.Budget; *b.Enabled {
		if !(b.Amount > 0) {
			c.add("monitoring.budget.amount", b.Amount, "a positive amount per month, e.g. 800")
		}
		if !currencyRe.MatchString(b.Currency) {
			c.add("monitoring.budget.currency", b.Currency, "a three-letter currency code, the account's billing currency (e.g. USD)")
		}
	}
	for _, k := range AlarmKeys {
		validateAlarm(c, "monitoring.alarms."+string(k), k, m.Alarms.Alarm(k))
	}
}

func validateAlarm(c *fileProblems, field string, k AlarmKey, a *AlarmSettings) {
	if !(a.Threshold > 0) {
		c.add(field+".threshold", a.Threshold, "a positive number")
	}
	if why, fixed := metricMathAlarms[k]; fixed {
		if a.Statistic != "" {
			c.add(field+".statistic", a.Statistic, "not settable for this alarm: %s", why)
		}
	} else if !validStatistic(a.Statistic) {
		c.add(field+".statistic", a.Statistic, "one of %s, or a percentile p0 to p100 (e.g. p99, p99.9)", strings.Join(statistics, ", "))
	}
	p := a.PeriodSeconds
	if p != 10 && p != 30 && (p < 60 || p%60 != 0) {
		c.add(field+".period_seconds", p, "10, 30 or a multiple of 60")
	}
	if a.EvaluationPeriods < 1 {
		c.add(field+".evaluation_periods", a.EvaluationPeriods, "at least 1")
	} else if p > 0 && a.EvaluationPeriods*p > 86400 {
		c.add(field+".evaluation_periods", a.EvaluationPeriods, "at most a day of data: evaluation_periods x period_seconds (%d x %d s = %d s) must not exceed 86400 s", a.EvaluationPeriods, p, a.EvaluationPeriods*p)
	}
	if a.EvaluationPeriods >= 1 && (a.DatapointsToAlarm < 1 || a.DatapointsToAlarm > a.EvaluationPeriods) {
		c.add(field+".datapoints_to_alarm", a.DatapointsToAlarm, "1 to evaluation_periods (%d)", a.EvaluationPeriods)
	}
}
