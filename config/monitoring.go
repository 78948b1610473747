package config

import (
	"fmt"
	"net/mail"
	"net/url"
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

// AlarmKeys lists every alarm in a fixed order.
var AlarmKeys = []AlarmKey{
	AlarmECSCPUHigh, AlarmECSMemoryHigh, AlarmECSTasksBelowDesired,
	AlarmALB5xxRate, AlarmTargetLatencyHigh, AlarmUnhealthyHosts,
	AlarmDBCPUHigh, AlarmDBFreeStorageLow, AlarmDBFreeableMemoryLow, AlarmDBConnectionsHigh,
	AlarmReplicaLagHigh, AlarmNATPortAllocationErrors, AlarmHealthCheckFailing,
}

// metricMathAlarms are computed from several metrics with a fixed
// statistic, so monitoring.alarms.<key>.statistic cannot be set.
var metricMathAlarms = map[AlarmKey]string{
	AlarmALB5xxRate:           "the rate is computed from Sum counts",
	AlarmECSTasksBelowDesired: "desired minus running tasks, each an Average",
}

// Alarm returns the settings of one alarm.
func (a *Alarms) Alarm(k AlarmKey) *AlarmSettings {
	switch k {
	case AlarmECSCPUHigh:
		return &a.ECSCPUHigh
	case AlarmECSMemoryHigh:
		return &a.ECSMemoryHigh
	case AlarmECSTasksBelowDesired:
		return &a.ECSTasksBelowDesired
	case AlarmALB5xxRate:
		return &a.ALB5xxRate
	case AlarmTargetLatencyHigh:
		return &a.TargetLatencyHigh
	case AlarmUnhealthyHosts:
		return &a.UnhealthyHosts
	case AlarmDBCPUHigh:
		return &a.DBCPUHigh
	case AlarmDBFreeStorageLow:
		return &a.DBFreeStorageLow
	case AlarmDBFreeableMemoryLow:
		return &a.DBFreeableMemoryLow
	case AlarmDBConnectionsHigh:
		return &a.DBConnectionsHigh
	case AlarmReplicaLagHigh:
		return &a.ReplicaLagHigh
	case AlarmNATPortAllocationErrors:
		return &a.NATPortAllocationErrors
	case AlarmHealthCheckFailing:
		return &a.HealthCheckFailing
	}
	panic(fmt.Sprintf("unknown alarm %q", k))
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

func (e *Environment) validateMonitoring(c *problems) {
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

func validateAlarm(c *problems, field string, k AlarmKey, a *AlarmSettings) {
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
