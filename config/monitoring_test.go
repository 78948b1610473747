package config

import (
	"errors"
	"strings"
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

// A file with several monitoring mistakes gets all of them at once.
func TestMonitoringAllProblemsAtOnce(t *testing.T) {
	body := minimal + "monitoring:\n  alert_emails: [nobody]\n  budget:\n    amount: 0.0\n" +
		"  alarms:\n    ecs_cpu_high: {threshold: 0.0, statistic: mean, period_seconds: 7}\n"
	_, err := Parse("envs/acme-dev.yaml", []byte(body))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v, want Problems", err)
	}
	var fields []string
	for _, p := range ps {
		fields = append(fields, p.Field)
	}
	got := strings.Join(fields, " ")
	// amount 0 and threshold 0 mean "not set": the defaults apply.
	for _, want := range []string{"monitoring.alert_emails[0]", "monitoring.alarms.ecs_cpu_high.statistic", "monitoring.alarms.ecs_cpu_high.period_seconds"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %s lack %s", got, want)
		}
	}
}

func TestMonitoringDefaults(t *testing.T) {
	dev, err := Parse("envs/acme-dev.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	prod, err := Parse("envs/acme-prod.yaml", []byte(minimal+"tier: production\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := dev.Monitoring
	if !*m.CompositeAlarms || !*m.Budget.Enabled || m.Budget.Currency != "USD" || len(m.AlertEmails) != 0 || m.WebhookURL != "" {
		t.Errorf("development monitoring defaults %+v", m)
	}
	if m.Budget.Amount != 200 || prod.Monitoring.Budget.Amount != 800 {
		t.Errorf("budget %v (dev) / %v (prod), want 200 / 800", m.Budget.Amount, prod.Monitoring.Budget.Amount)
	}
	if m.LogRetentionDays != 30 || prod.Monitoring.LogRetentionDays != 365 {
		t.Errorf("log retention %d (dev) / %d (prod), want 30 / 365", m.LogRetentionDays, prod.Monitoring.LogRetentionDays)
	}
	// The seed's ECS alarm: 80 % for 2 x 2 minutes.
	if cpu := m.Alarms.ECSCPUHigh; cpu != (AlarmSettings{Threshold: 80, Statistic: "Average", PeriodSeconds: 120, EvaluationPeriods: 2, DatapointsToAlarm: 2}) {
		t.Errorf("ecs_cpu_high defaults %+v", cpu)
	}
	// Every alarm gets complete, valid settings.
	for _, k := range AlarmKeys {
		a := m.Alarms.Alarm(k)
		if a.Threshold <= 0 || a.PeriodSeconds <= 0 || a.EvaluationPeriods < 1 || a.DatapointsToAlarm < 1 {
			t.Errorf("%s defaults incomplete: %+v", k, a)
		}
		if _, fixed := metricMathAlarms[k]; fixed != (a.Statistic == "") {
			t.Errorf("%s statistic %q: metric-math alarms have none, others one", k, a.Statistic)
		}
	}
	// A file's setting wins over the default, the rest stays defaulted.
	env, err := Parse("envs/acme-dev.yaml", []byte(minimal+"monitoring:\n  log_retention_days: 90\n  alarms:\n    replica_lag_high:\n      threshold: 30\n"))
	if err != nil {
		t.Fatal(err)
	}
	if lag := env.Monitoring.Alarms.ReplicaLagHigh; lag.Threshold != 30 || lag.PeriodSeconds != 60 || lag.Statistic != "Maximum" {
		t.Errorf("replica_lag_high %+v, want threshold 30 and the other defaults", lag)
	}
	// Log groups follow monitoring.log_retention_days unless set themselves.
	if env.Network.FlowLogRetentionDays != 90 {
		t.Errorf("flow log retention %d, want monitoring.log_retention_days 90", env.Network.FlowLogRetentionDays)
	}
}

func TestValidEmail(t *testing.T) {
	for addr, want := range map[string]bool{
		"ops@acme.example": true, "first.last+alerts@sub.acme.co.uk": true, "o'neil@acme.io": true,
		"": false, "ops": false, "@acme.example": false, "ops@": false, "ops@acme": false,
		"ops@@acme.example": false, "ops@acme..example": false, "ops@-acme.example": false,
		"Ops <ops@acme.example>": false, "ops@acme.example\n": false,
	} {
		if got := ValidEmail(addr); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", addr, got, want)
		}
	}
}
