package config

import (
	"reflect"
	"testing"
)

// Every monitoring rule, one bad file each: exactly one problem naming the
// file, the dotted field, the value and what is allowed.
func TestMonitoringBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"malformed e-mail", "monitoring:\n  alert_emails: [ops@acme.example, not-an-address]\n",
			[]string{"monitoring.alert_emails[1]", `"not-an-address"`, "an e-mail address like ops@example.com"}},
		{"e-mail without domain dot", "monitoring:\n  alert_emails: [ops@localhost]\n",
			[]string{"monitoring.alert_emails[0]", `"ops@localhost"`}},
		{"e-mail with display name", "monitoring:\n  alert_emails: ['Ops <ops@acme.example>']\n",
			[]string{"monitoring.alert_emails[0]", "no display name"}},
		{"e-mail with space", "monitoring:\n  alert_emails: ['ops team@acme.example']\n",
			[]string{"monitoring.alert_emails[0]"}},
		{"duplicate e-mail", "monitoring:\n  alert_emails: [ops@acme.example, OPS@acme.example]\n",
			[]string{"monitoring.alert_emails[1]", "each address once"}},
		{"too many e-mails", "monitoring:\n  alert_emails: [a@x.io, b@x.io, c@x.io, d@x.io, e@x.io, f@x.io, g@x.io, h@x.io, i@x.io, j@x.io, k@x.io]\n",
			[]string{"monitoring.alert_emails", `"11"`, "at most 10"}},
		{"webhook not https", "monitoring:\n  webhook_url: http://hooks.acme.example/alerts\n",
			[]string{"monitoring.webhook_url", "an https:// URL"}},
		{"webhook with credentials", "monitoring:\n  webhook_url: https://bot:secret@hooks.acme.example/alerts\n",
			[]string{"monitoring.webhook_url", "without user:password"}},
		{"log retention", "monitoring:\n  log_retention_days: 45\n",
			[]string{"monitoring.log_retention_days", `"45"`, "one of [1 3 5"}},
		{"budget zero", "monitoring:\n  budget:\n    amount: -5\n",
			[]string{"monitoring.budget.amount", `"-5"`, "a positive amount"}},
		{"budget not a number", "monitoring:\n  budget:\n    amount: lots\n",
			[]string{"line 4", `"lots"`, "float64"}},
		{"budget currency", "monitoring:\n  budget:\n    currency: dollars\n",
			[]string{"monitoring.budget.currency", `"dollars"`, "three-letter"}},
		{"negative threshold", "monitoring:\n  alarms:\n    ecs_cpu_high:\n      threshold: -1\n",
			[]string{"monitoring.alarms.ecs_cpu_high.threshold", `"-1"`, "a positive number"}},
		{"unknown statistic", "monitoring:\n  alarms:\n    db_cpu_high:\n      statistic: Median\n",
			[]string{"monitoring.alarms.db_cpu_high.statistic", `"Median"`, "Average, Sum, Minimum, Maximum, SampleCount", "p99"}},
		{"percentile out of range", "monitoring:\n  alarms:\n    target_latency_high:\n      statistic: p100.5\n",
			[]string{"monitoring.alarms.target_latency_high.statistic", `"p100.5"`}},
		{"statistic of a metric-math alarm", "monitoring:\n  alarms:\n    alb_5xx_rate:\n      statistic: Average\n",
			[]string{"monitoring.alarms.alb_5xx_rate.statistic", "not settable", "Sum counts"}},
		{"period not a minute multiple", "monitoring:\n  alarms:\n    replica_lag_high:\n      period_seconds: 90\n",
			[]string{"monitoring.alarms.replica_lag_high.period_seconds", `"90"`, "10, 30 or a multiple of 60"}},
		{"window over a day", "monitoring:\n  alarms:\n    db_free_storage_low:\n      period_seconds: 3600\n      evaluation_periods: 25\n",
			[]string{"monitoring.alarms.db_free_storage_low.evaluation_periods", `"25"`, "25 x 3600 s = 90000 s", "86400"}},
		{"health check alarm period", "monitoring:\n  alarms:\n    health_check_failing:\n      period_seconds: 45\n",
			[]string{"monitoring.alarms.health_check_failing.period_seconds", `"45"`, "10, 30 or a multiple of 60"}},
		{"negative evaluation periods", "monitoring:\n  alarms:\n    unhealthy_hosts:\n      evaluation_periods: -2\n",
			[]string{"monitoring.alarms.unhealthy_hosts.evaluation_periods", `"-2"`, "at least 1"}},
		{"more datapoints than periods", "monitoring:\n  alarms:\n    ecs_memory_high:\n      datapoints_to_alarm: 3\n",
			[]string{"monitoring.alarms.ecs_memory_high.datapoints_to_alarm", `"3"`, "1 to evaluation_periods (2)"}},
		{"unknown alarm", "monitoring:\n  alarms:\n    disk_full: {threshold: 1}\n",
			[]string{"line 4", `"disk_full"`, "allowed here: alb_5xx_rate", "health_check_failing", "replica_lag_high"}},
		{"unknown alarm setting", "monitoring:\n  alarms:\n    ecs_cpu_high:\n      limit: 90\n",
			[]string{"line 5", `"limit"`, "allowed here: datapoints_to_alarm, evaluation_periods, period_seconds, statistic, threshold"}},
		{"unknown monitoring key", "monitoring:\n  pager: on\n",
			[]string{"line 3", `"pager"`, "alarms, alert_emails, budget, composite_alarms, log_retention_days, webhook_url"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectOneProblem(t, "acme-dev.yaml", minimal+tc.body, tc.want)
		})
	}
}

// Every alarm gets complete settings; metric-math alarms have no statistic.
func TestAlarmDefaults(t *testing.T) {
	alarms := mustParse(t, minimal).Monitoring.Alarms
	if n := reflect.TypeOf(Alarms{}).NumField(); len(AlarmKeys) != n || len(alarmDefaults) != n {
		t.Fatalf("%d alarm keys and %d defaults for %d alarms", len(AlarmKeys), len(alarmDefaults), n)
	}
	for _, k := range AlarmKeys {
		t.Run(string(k), func(t *testing.T) {
			a := alarms.Alarm(k)
			if a.Threshold <= 0 || a.PeriodSeconds <= 0 || a.EvaluationPeriods < 1 || a.DatapointsToAlarm < 1 {
				t.Errorf("defaults incomplete: %+v", a)
			}
			if _, fixed := metricMathAlarms[k]; fixed != (a.Statistic == "") {
				t.Errorf("statistic %q: metric-math alarms have none, others one", a.Statistic)
			}
			if _, ok := alarmDefaults[k]; !ok {
				t.Error("no entry in alarmDefaults")
			}
		})
	}
	// Alarm addresses the field of its key: a setting lands where it is read.
	env := mustParse(t, minimal+"monitoring:\n  alarms:\n    db_connections_high:\n      threshold: 123\n")
	if a := env.Monitoring.Alarms; a.Alarm(AlarmDBConnectionsHigh).Threshold != 123 || a.DBConnectionsHigh.Threshold != 123 {
		t.Errorf("db_connections_high %+v, want threshold 123", a.DBConnectionsHigh)
	}
}

func TestValidEmail(t *testing.T) {
	for addr, want := range map[string]bool{
		"ops@acme.example": true, "first.last+alerts@sub.acme.co.uk": true, "o'neil@acme.io": true,
		"": false, "ops": false, "@acme.example": false, "ops@": false, "ops@acme": false,
		"ops@@acme.example": false, "ops@acme..example": false, "ops@-acme.example": false,
		"Ops <ops@acme.example>": false, "ops@acme.example\n": false,
	} {
		t.Run(addr, func(t *testing.T) {
			if got := ValidEmail(addr); got != want {
				t.Errorf("ValidEmail(%q) = %v, want %v", addr, got, want)
			}
		})
	}
}
