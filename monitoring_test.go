package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// Property tests of observability over every stack of every example
// environment: alarms reach a topic in their own region, log groups keep
// and encrypt, dashboards only show this stack's resources.

// providerRegions maps a stack's provider references ("aws", "aws.primary")
// to their regions.
func providerRegions(s stack) map[string]string {
	out := map[string]string{}
	for _, p := range s["provider"].(map[string]any)["aws"].([]any) {
		p := p.(map[string]any)
		name := "aws"
		if a, ok := p["alias"].(string); ok {
			name += "." + a
		}
		out[name] = p["region"].(string)
	}
	return out
}

// regionOf is the region a resource is created in.
func regionOf(s stack, r map[string]any) string {
	p, ok := r["provider"].(string)
	if !ok {
		p = "aws"
	}
	return providerRegions(s)[p]
}

var topicRefRe = regexp.MustCompile(`^\$\{aws_sns_topic\.([^.]+)\.arn\}$`)

// Every alarm (metric and composite) sends ALARM and OK to an SNS topic of
// its own stack in its own region (CloudWatch cannot notify a topic in
// another region).
func TestAlarmsNotifyTopicInOwnRegion(t *testing.T) {
	total := 0
	for _, name := range stackNames(t) {
		s := loadStack(t, name)
		topics := s.resources("aws_sns_topic")
		for _, typ := range []string{"aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"} {
			for id, a := range s.resources(typ) {
				total++
				if d, _ := a["alarm_description"].(string); !strings.Contains(d, "Runbook: ") {
					t.Errorf("%s: %s %s has no runbook hint: %q", name, typ, id, d)
				}
				if _, ok := a["treat_missing_data"]; !ok && typ == "aws_cloudwatch_metric_alarm" {
					t.Errorf("%s: alarm %s leaves treat_missing_data to chance", name, id)
				}
				for _, attr := range []string{"alarm_actions", "ok_actions"} {
					actions, _ := a[attr].([]any)
					if len(actions) == 0 {
						t.Errorf("%s: %s %s has no %s", name, typ, id, attr)
					}
					for _, act := range actions {
						m := topicRefRe.FindStringSubmatch(fmt.Sprint(act))
						if m == nil || topics[m[1]] == nil {
							t.Errorf("%s: %s %s notifies %v, not a topic of this stack", name, typ, id, act)
							continue
						}
						if got, want := regionOf(s, topics[m[1]]), regionOf(s, a); got != want {
							t.Errorf("%s: alarm %s in %s notifies a topic in %s", name, id, want, got)
						}
					}
				}
			}
		}
	}
	if total == 0 {
		t.Fatal("no alarms at all")
	}
}

// Every alert topic is encrypted with a key of its own stack; every
// environment stack has one (a bootstrap stack has none).
func TestTopicsEncrypted(t *testing.T) {
	for _, name := range stackNames(t) {
		if strings.HasSuffix(name, "-bootstrap") {
			continue
		}
		s := loadStack(t, name)
		topics := s.resources("aws_sns_topic")
		if len(topics) == 0 {
			t.Errorf("%s has no alert topic", name)
		}
		for id, topic := range topics {
			key, _ := topic["kms_master_key_id"].(string)
			if !strings.HasPrefix(key, "${aws_kms_key.") {
				t.Errorf("%s: topic %s key %q, want a CMK of the stack", name, id, key)
			}
		}
	}
}

var (
	keyRefRe       = regexp.MustCompile(`^\$\{aws_kms_key\.([^.]+)\.arn\}$`)
	remoteKeyRefRe = regexp.MustCompile(`^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([^.]+)\.outputs\.cross-stack-output-aws_kms_key(.+)arn\}$`)
)

// Every log group the platform creates keeps its logs for the configured
// time and encrypts them with a CMK of its own stack, or, for a log group
// a stack creates in the other region through a provider alias (the
// repository mirror's), the CMK of the stack that owns that region.
func TestLogGroupsRetentionAndKey(t *testing.T) {
	allowed := []float64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
	groups := 0
	for _, name := range stackNames(t) {
		s := loadStack(t, name)
		for id, g := range s.resources("aws_cloudwatch_log_group") {
			groups++
			if r, ok := g["retention_in_days"].(float64); !ok || !slices.Contains(allowed, r) {
				t.Errorf("%s: log group %s retention %v, want a configured retention (never forever)", name, id, g["retention_in_days"])
			}
			owner, keyID := s, ""
			if m := keyRefRe.FindStringSubmatch(fmt.Sprint(g["kms_key_id"])); m != nil {
				keyID = m[1]
			} else if m := remoteKeyRefRe.FindStringSubmatch(fmt.Sprint(g["kms_key_id"])); m != nil {
				owner = loadStack(t, m[1])
				for k := range owner.resources("aws_kms_key") {
					if strings.ReplaceAll(k, ".", "") == m[2] {
						keyID = k
					}
				}
			}
			key := owner.resources("aws_kms_key")[keyID]
			if key == nil {
				t.Errorf("%s: log group %s kms_key_id %v, want a CMK of this stack (or of the stack owning its region)", name, id, g["kms_key_id"])
				continue
			}
			if got, want := regionOf(owner, key), regionOf(s, g); got != want {
				t.Errorf("%s: log group %s in %s uses a key in %s", name, id, want, got)
			}
		}
	}
	if groups == 0 {
		t.Fatal("no log groups at all")
	}
}

// dashboardMetric is one metric of a dashboard widget.
type dashboardMetric struct {
	region, namespace, name string
	dims                    map[string]string
}

// dashboardMetrics parses a dashboard body and returns its metrics; it
// fails the test if the body is not a dashboard.
func dashboardMetrics(t *testing.T, where, body string) []dashboardMetric {
	t.Helper()
	var d struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Region  string  `json:"region"`
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("%s: dashboard body is not JSON: %v", where, err)
	}
	if len(d.Widgets) == 0 {
		t.Errorf("%s: dashboard without widgets", where)
	}
	var out []dashboardMetric
	for _, w := range d.Widgets {
		if w.Type != "metric" {
			continue
		}
		for _, m := range w.Properties.Metrics {
			if len(m) < 2 {
				continue // an expression: its inputs are listed too
			}
			dm := dashboardMetric{region: w.Properties.Region, namespace: m[0].(string), name: m[1].(string), dims: map[string]string{}}
			rest := m[2:]
			if _, opts := rest[len(rest)-1].(map[string]any); opts {
				rest = rest[:len(rest)-1]
			}
			if len(rest)%2 != 0 {
				t.Errorf("%s: metric %v has an odd dimension list", where, m)
			}
			for i := 0; i+1 < len(rest); i += 2 {
				dm.dims[rest[i].(string)] = rest[i+1].(string)
			}
			out = append(out, dm)
		}
	}
	return out
}

var (
	resourceRefRe    = regexp.MustCompile(`^\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}$`)
	remoteStateRefRe = regexp.MustCompile(`^\$\{data\.terraform_remote_state\.([^.}]+)\.outputs\.[^.}]+\}$`)
)

// fixedDimensions are the only literal dimension values a dashboard may
// name: CloudFront publishes its metrics under Region=Global.
var fixedDimensions = map[string]string{"AWS/CloudFront/Region": "Global"}

// Dashboards parse as JSON and show only metrics of resources in their own
// stack: every dimension value references a resource of the stack (never a
// hand-typed name that could drift); the global dashboard may also show
// the regional stacks' resources through the remote-state inputs it
// declares, which is how a stack reads another. Widgets of a regional
// dashboard read its own region.
func TestDashboardsReferenceOwnResources(t *testing.T) {
	dashboards := 0
	for _, name := range stackNames(t) {
		s := loadStack(t, name)
		res, _ := s["resource"].(map[string]any)
		global := strings.HasSuffix(name, "-"+config.RoleGlobal)
		remote := remoteStatesOf(s)
		for id, d := range s.resources("aws_cloudwatch_dashboard") {
			dashboards++
			where := name + " dashboard " + id
			for _, m := range dashboardMetrics(t, where, d["dashboard_body"].(string)) {
				if !global && m.region != regionOf(s, d) {
					t.Errorf("%s: %s/%s reads region %s", where, m.namespace, m.name, m.region)
				}
				for dim, v := range m.dims {
					if fixedDimensions[m.namespace+"/"+dim] == v {
						continue
					}
					if r := resourceRefRe.FindStringSubmatch(v); r != nil {
						if byName, _ := res[r[1]].(map[string]any); byName[r[2]] == nil {
							t.Errorf("%s: %s %s=%s references no resource of the stack", where, m.name, dim, v)
						}
						continue
					}
					if r := remoteStateRefRe.FindStringSubmatch(v); r != nil && global && remote[r[1]] != nil {
						continue
					}
					t.Errorf("%s: %s %s=%q is not a reference to a resource of this stack", where, m.name, dim, v)
				}
			}
		}
	}
	if dashboards == 0 {
		t.Fatal("no dashboards at all")
	}
}

func remoteStatesOf(s stack) map[string]any {
	data, _ := s["data"].(map[string]any)
	rs, _ := data["terraform_remote_state"].(map[string]any)
	return rs
}

// Every metric alarm's metric is on its stack's dashboard: the two are
// rendered from the same table row, so they cannot drift apart.
func TestEveryAlarmOnItsDashboard(t *testing.T) {
	for _, name := range stackNames(t) {
		s := loadStack(t, name)
		shown := map[string]bool{}
		for id, d := range s.resources("aws_cloudwatch_dashboard") {
			for _, m := range dashboardMetrics(t, name+" "+id, d["dashboard_body"].(string)) {
				shown[metricKey(m.namespace, m.name, m.dims)] = true
			}
		}
		for id, a := range s.resources("aws_cloudwatch_metric_alarm") {
			var keys []string
			if ns, ok := a["namespace"].(string); ok {
				keys = append(keys, metricKey(ns, a["metric_name"].(string), stringMap(a["dimensions"])))
			}
			for _, q := range anySlice(a["metric_query"]) {
				if m, ok := q.(map[string]any)["metric"].(map[string]any); ok {
					keys = append(keys, metricKey(m["namespace"].(string), m["metric_name"].(string), stringMap(m["dimensions"])))
				}
			}
			for _, k := range keys {
				if !shown[k] {
					t.Errorf("%s: alarm %s watches %s, which no dashboard of the stack shows", name, id, k)
				}
			}
		}
	}
}

func metricKey(ns, name string, dims map[string]string) string {
	var parts []string
	for k, v := range dims {
		parts = append(parts, k+"="+v)
	}
	slices.Sort(parts)
	return ns + " " + name + " " + strings.Join(parts, ",")
}

func stringMap(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, x := range m {
		out[k] = fmt.Sprint(x)
	}
	return out
}

func anySlice(v any) []any { s, _ := v.([]any); return s }

// Budgets: one monthly cost budget per environment (where enabled) in its
// global stack, counting the environment's tagged costs, notifying the
// global alert topic and the e-mails on actual and forecast spend.
func TestBudgets(t *testing.T) {
	for _, env := range synthEnvs {
		for _, role := range []string{config.RolePrimary, config.RoleSecondary, config.RoleGlobal} {
			s := loadStack(t, env.StackName(role))
			budgets := s.resources("aws_budgets_budget")
			want := 0
			if role == config.RoleGlobal && *env.Monitoring.Budget.Enabled {
				want = 1
			}
			if len(budgets) != want {
				t.Fatalf("%s: %d budgets, want %d", env.StackName(role), len(budgets), want)
			}
			for _, b := range budgets {
				if b["time_unit"] != "MONTHLY" || b["budget_type"] != "COST" || b["account_id"] != env.AccountID {
					t.Errorf("%s: budget %v", env.ID(), b)
				}
				if got := fmt.Sprint(b["cost_filter"]); !strings.Contains(got, "user:Environment$"+env.Name) {
					t.Errorf("%s: budget filter %s does not select the environment", env.ID(), got)
				}
				kinds := map[string]bool{}
				for _, n := range anySlice(b["notification"]) {
					n := n.(map[string]any)
					kinds[fmt.Sprint(n["notification_type"])] = true
					topics := anySlice(n["subscriber_sns_topic_arns"])
					if len(topics) != 1 || !topicRefRe.MatchString(fmt.Sprint(topics[0])) {
						t.Errorf("%s: budget notification %v does not reach the alert topic", env.ID(), n)
					}
					if got := len(anySlice(n["subscriber_email_addresses"])); got != len(env.Monitoring.AlertEmails) {
						t.Errorf("%s: budget notification reaches %d e-mails, want %d", env.ID(), got, len(env.Monitoring.AlertEmails))
					}
				}
				if !kinds["ACTUAL"] || !kinds["FORECASTED"] {
					t.Errorf("%s: budget notifications %v, want actual and forecast", env.ID(), kinds)
				}
			}
		}
	}
}

// The RPO guard: the secondary of every environment with a replicating
// read replica alarms on that replica's lag, in the secondary region; no
// other stack has a replica-lag alarm. The global dashboard shows it.
func TestReplicaLagAlarmInSecondary(t *testing.T) {
	replicas := 0
	for _, env := range synthEnvs {
		for _, role := range []string{config.RolePrimary, config.RoleSecondary, config.RoleGlobal} {
			name := env.StackName(role)
			s := loadStack(t, name)
			var want []string
			for id, db := range s.resources("aws_db_instance") {
				if db["replicate_source_db"] != nil {
					want = append(want, refOf("aws_db_instance", id, "identifier"))
				}
			}
			if role != config.RoleSecondary && len(want) > 0 {
				t.Errorf("%s has a read replica; the secondary owns it", name)
			}
			replicas += len(want)
			var got []string
			for id, a := range s.resources("aws_cloudwatch_metric_alarm") {
				if a["metric_name"] != "ReplicaLag" {
					continue
				}
				got = append(got, fmt.Sprint(stringMap(a["dimensions"])["DBInstanceIdentifier"]))
				if a["treat_missing_data"] != "breaching" || a["comparison_operator"] != "GreaterThanOrEqualToThreshold" {
					t.Errorf("%s: replica lag alarm %s: %v", name, id, a)
				}
				if regionOf(s, a) != env.Secondary.Region {
					t.Errorf("%s: replica lag alarm %s outside the secondary region", name, id)
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: replica lag alarms on %v, want one per replicating replica %v", name, got, want)
			}
		}
		if env.Database.Replicating(config.RoleSecondary) {
			g := loadStack(t, env.StackName(config.RoleGlobal))
			shown := false
			for id, d := range g.resources("aws_cloudwatch_dashboard") {
				for _, m := range dashboardMetrics(t, id, d["dashboard_body"].(string)) {
					shown = shown || m.name == "ReplicaLag" && m.region == env.Secondary.Region
				}
			}
			if !shown {
				t.Errorf("%s: the global dashboard does not show the replica lag", env.ID())
			}
		}
	}
	if replicas == 0 {
		t.Fatal("no example environment has a read replica: the property is vacuous")
	}
}

// The global stack has exactly one alert topic, in us-east-1, and it is
// what the health-check alarms and the budget notify. Its dashboard shows
// both health checks and the distribution's requests and error rates,
// read in us-east-1 (Route 53 and CloudFront publish only there).
func TestGlobalMonitoring(t *testing.T) {
	for _, env := range edgeEnvs(t) {
		name := env.StackName(config.RoleGlobal)
		g := loadStack(t, name)
		topics := g.resources("aws_sns_topic")
		for id, topic := range topics {
			if topic["name"] == env.ID()+"-approvals" {
				delete(topics, id) // the pipeline's approval topic (TestProdPipeline)
			}
		}
		if len(topics) != 1 {
			t.Fatalf("%s: %d topics, want the one alert topic", name, len(topics))
		}
		var topicRef string
		for id, topic := range topics {
			topicRef = refOf("aws_sns_topic", id, "arn")
			if regionOf(g, topic) != "us-east-1" {
				t.Errorf("%s: alert topic in %s, want us-east-1", name, regionOf(g, topic))
			}
		}
		checks := map[string]bool{}
		for id := range g.resources("aws_route53_health_check") {
			checks[refOf("aws_route53_health_check", id, "id")] = true
		}
		alarmed := map[string]bool{}
		for id, a := range g.resources("aws_cloudwatch_metric_alarm") {
			if a["metric_name"] != "HealthCheckStatus" {
				continue
			}
			alarmed[stringMap(a["dimensions"])["HealthCheckId"]] = true
			if fmt.Sprint(a["alarm_actions"]) != "["+topicRef+"]" || fmt.Sprint(a["ok_actions"]) != "["+topicRef+"]" {
				t.Errorf("%s: health-check alarm %s notifies %v / %v, want %s", name, id, a["alarm_actions"], a["ok_actions"], topicRef)
			}
		}
		for b := range g.resources("aws_budgets_budget") {
			for _, n := range anySlice(g.resources("aws_budgets_budget")[b]["notification"]) {
				if got := fmt.Sprint(n.(map[string]any)["subscriber_sns_topic_arns"]); got != "["+topicRef+"]" {
					t.Errorf("%s: budget notifies %s, want %s", name, got, topicRef)
				}
			}
		}
		shown := map[string]bool{}
		for id, d := range g.resources("aws_cloudwatch_dashboard") {
			for _, m := range dashboardMetrics(t, name+" "+id, d["dashboard_body"].(string)) {
				if m.namespace == "AWS/Route53" || m.namespace == "AWS/CloudFront" {
					if m.region != "us-east-1" {
						t.Errorf("%s: dashboard reads %s %s in %s, want us-east-1", name, m.namespace, m.name, m.region)
					}
					shown[m.name+" "+m.dims["HealthCheckId"]] = true
				}
			}
		}
		for c := range checks {
			if !alarmed[c] || !shown["HealthCheckStatus "+c] {
				t.Errorf("%s: health check %s alarmed %v, on the dashboard %v", name, c, alarmed[c], shown["HealthCheckStatus "+c])
			}
		}
		if len(checks) != 2 {
			t.Errorf("%s: %d health checks, want one per region", name, len(checks))
		}
		if env.CDNEnabled() {
			for _, m := range []string{"Requests", "5xxErrorRate", "4xxErrorRate"} {
				if !shown[m+" "] {
					t.Errorf("%s: the global dashboard lacks CloudFront %s", name, m)
				}
			}
		}
	}
}
