package constructs

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

const testTopic = "arn:aws:sns:us-east-1:111111111111:acme-prod-use1-alerts"

func settings(threshold float64, stat string, period, periods int) *AlarmSettings {
	return &AlarmSettings{Threshold: threshold, Statistic: stat, PeriodSeconds: period, EvaluationPeriods: periods, DatapointsToAlarm: periods}
}

// testWatches covers every alarming row of a region, with literal
// dimension values.
func testWatches() []Watch {
	s := jsii.String
	ecs := []*string{s("acme-prod-use1"), s("app")}
	lb := []*string{s("app/acme-prod-use1/abc")}
	tg := []*string{s("app/acme-prod-use1/abc"), s("targetgroup/acme-prod-use1/def")}
	db := []*string{s("acme-prod-use1-db")}
	return []Watch{
		{Kind: ECSCPUHigh, Dimensions: ecs, Alarm: settings(80, "Average", 120, 2)},
		{Kind: ECSMemoryHigh, Dimensions: ecs, Alarm: settings(80, "Average", 120, 2)},
		{Kind: ECSTasksBelowDesired, Dimensions: ecs, Alarm: settings(1, "", 60, 5)},
		{Kind: ALB5xxRate, Dimensions: lb, Alarm: settings(5, "", 60, 5)},
		{Kind: ALBRequests, Dimensions: lb},
		{Kind: TargetLatencyHigh, Dimensions: tg, Alarm: settings(2, "p99", 60, 5)},
		{Kind: UnhealthyHosts, Dimensions: tg, Alarm: settings(1, "Maximum", 60, 3)},
		{Kind: DBCPUHigh, Dimensions: db, Alarm: settings(80, "Average", 300, 3)},
		{Kind: DBFreeStorageLow, Dimensions: db, Alarm: settings(5, "Minimum", 300, 1)},
		{Kind: DBFreeableMemoryLow, Dimensions: db, Alarm: settings(256, "Average", 300, 3)},
		{Kind: DBConnectionsHigh, Dimensions: db, Alarm: settings(320, "Maximum", 300, 2)},
		{Kind: NATPortAllocationErrors, Qualifier: "az1", Dimensions: []*string{s("nat-1")}, Alarm: settings(1, "Sum", 300, 1)},
		{Kind: NATPortAllocationErrors, Qualifier: "az2", Dimensions: []*string{s("nat-2")}, Alarm: settings(1, "Sum", 300, 1)},
	}
}

func testAlarms(t *testing.T, composite bool) tfJSON {
	return synthJSON(t, func(stack cdktf.TerraformStack) {
		NewAlarms(stack, "alarms", &AlarmsProps{Prefix: "acme-prod-use1", Watches: testWatches(), TopicArn: jsii.String(testTopic), Composite: composite})
	})
}

// alarmsByName indexes the metric alarms by alarm_name.
func alarmsByName(doc tfJSON) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, a := range doc.resources("aws_cloudwatch_metric_alarm") {
		out[a["alarm_name"].(string)] = a
	}
	return out
}

// Every alarm notifies the topic on ALARM and OK, says what to do, and
// chose its missing-data treatment.
func TestAlarmsActionsRunbooksMissingData(t *testing.T) {
	alarms := alarmsByName(testAlarms(t, false))
	if len(alarms) != 12 {
		t.Fatalf("%d alarms, want 12 (the dashboard-only watch makes none)", len(alarms))
	}
	for name, a := range alarms {
		for _, attr := range []string{"alarm_actions", "ok_actions"} {
			if fmt.Sprint(a[attr]) != "["+testTopic+"]" {
				t.Errorf("%s %s = %v, want the topic", name, attr, a[attr])
			}
		}
		if d, _ := a["alarm_description"].(string); !strings.Contains(d, "Runbook: ") || len(d) > 1024 {
			t.Errorf("%s description %q: want a runbook hint within 1024 characters", name, d)
		}
		switch a["treat_missing_data"] {
		case "missing", "notBreaching", "breaching":
		default:
			t.Errorf("%s treat_missing_data %v", name, a["treat_missing_data"])
		}
		if !strings.HasPrefix(name, "acme-prod-use1-") {
			t.Errorf("alarm %s lacks the prefix", name)
		}
	}
	// The RPO guard and the task count treat silence as trouble.
	if got := alarms["acme-prod-use1-ecs-tasks-below-desired"]["treat_missing_data"]; got != "breaching" {
		t.Errorf("tasks below desired treats missing data as %v", got)
	}
}

// Thresholds, periods and statistics come from the settings; config units
// are converted to the metric's.
func TestAlarmsFromSettings(t *testing.T) {
	alarms := alarmsByName(testAlarms(t, false))
	cpu := alarms["acme-prod-use1-ecs-cpu-high"]
	if cpu["threshold"] != 80.0 || cpu["period"] != 120.0 || cpu["evaluation_periods"] != 2.0 || cpu["datapoints_to_alarm"] != 2.0 ||
		cpu["statistic"] != "Average" || cpu["namespace"] != "AWS/ECS" || cpu["metric_name"] != "CPUUtilization" ||
		cpu["comparison_operator"] != "GreaterThanOrEqualToThreshold" {
		t.Errorf("ecs cpu alarm %v, want 80 %% Average for 2 x 120 s", cpu)
	}
	if d := cpu["dimensions"].(map[string]any); d["ClusterName"] != "acme-prod-use1" || d["ServiceName"] != "app" {
		t.Errorf("ecs cpu dimensions %v", d)
	}
	storage := alarms["acme-prod-use1-db-free-storage-low"]
	if storage["threshold"] != float64(5<<30) || storage["comparison_operator"] != "LessThanThreshold" {
		t.Errorf("free storage threshold %v %v, want below 5 GiB in bytes", storage["comparison_operator"], storage["threshold"])
	}
	if mem := alarms["acme-prod-use1-db-freeable-memory-low"]; mem["threshold"] != float64(256<<20) {
		t.Errorf("freeable memory threshold %v, want 256 MiB in bytes", mem["threshold"])
	}
	latency := alarms["acme-prod-use1-target-latency-high"]
	if latency["extended_statistic"] != "p99" || latency["statistic"] != nil {
		t.Errorf("latency statistic %v / extended %v, want the percentile as extended_statistic", latency["statistic"], latency["extended_statistic"])
	}
	if _, ok := alarms["acme-prod-use1-nat-port-allocation-errors-az2"]; !ok {
		t.Error("no alarm for the second NAT gateway")
	}
}

// The 5xx rate is metric math over the load balancer's counts.
func TestAlarm5xxRateMetricMath(t *testing.T) {
	rate := alarmsByName(testAlarms(t, false))["acme-prod-use1-alb-5xx-rate"]
	if rate["metric_name"] != nil || rate["statistic"] != nil {
		t.Errorf("metric-math alarm also names a single metric: %v", rate)
	}
	queries := rate["metric_query"].([]any)
	if len(queries) != 4 {
		t.Fatalf("%d queries, want the expression and 3 inputs", len(queries))
	}
	expr := queries[0].(map[string]any)
	if expr["return_data"] != true || !strings.Contains(expr["expression"].(string), "/ m3") {
		t.Errorf("expression query %v", expr)
	}
	var inputs []string
	for _, q := range queries[1:] {
		m := q.(map[string]any)["metric"].(map[string]any)
		inputs = append(inputs, m["metric_name"].(string))
		if m["stat"] != "Sum" || m["period"] != 60.0 || m["dimensions"].(map[string]any)["LoadBalancer"] != "app/acme-prod-use1/abc" {
			t.Errorf("input %v", m)
		}
	}
	if strings.Join(inputs, ",") != "HTTPCode_ELB_5XX_Count,HTTPCode_Target_5XX_Count,RequestCount" {
		t.Errorf("inputs %v", inputs)
	}
}

// The composite fires on the user-facing alarms only, and notifies too.
func TestCompositeRegionDegraded(t *testing.T) {
	doc := testAlarms(t, true)
	c := doc.only(t, "aws_cloudwatch_composite_alarm")
	if c["alarm_name"] != "acme-prod-use1-region-degraded" || fmt.Sprint(c["alarm_actions"]) != "["+testTopic+"]" || fmt.Sprint(c["ok_actions"]) != "["+testTopic+"]" {
		t.Errorf("composite %v", c)
	}
	rule := c["alarm_rule"].(string)
	names := map[string]string{}
	for id, a := range doc.resources("aws_cloudwatch_metric_alarm") {
		names[a["alarm_name"].(string)] = id
	}
	for _, in := range []string{"ecs-tasks-below-desired", "alb-5xx-rate", "target-latency-high", "unhealthy-hosts"} {
		want := fmt.Sprintf("ALARM(\"%s\")", ref("aws_cloudwatch_metric_alarm", names["acme-prod-use1-"+in], "alarm_name"))
		if !strings.Contains(rule, want) {
			t.Errorf("rule %s lacks %s", rule, want)
		}
	}
	for _, out := range []string{"ecs-cpu-high", "db-cpu-high", "nat-port-allocation-errors-az1"} {
		if strings.Contains(rule, names["acme-prod-use1-"+out]) {
			t.Errorf("rule %s includes %s, which does not mean users are affected", rule, out)
		}
	}
	if n := len(testAlarms(t, false).resources("aws_cloudwatch_composite_alarm")); n != 0 {
		t.Errorf("%d composite alarms with the switch off", n)
	}
}

func TestWatchesBadInput(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		for _, want := range []string{`unknown kind "disk"`, "ecs-cpu-high: 1 dimension values", "alb-requests: the row has no alarm", "nat-port-allocation-errors twice"} {
			if !strings.Contains(msg, want) {
				t.Errorf("panic %q lacks %q", msg, want)
			}
		}
	}()
	nat := Watch{Kind: NATPortAllocationErrors, Dimensions: []*string{jsii.String("n")}, Alarm: settings(1, "Sum", 60, 1)}
	checkWatches([]Watch{
		{Kind: "disk"},
		{Kind: ECSCPUHigh, Dimensions: []*string{jsii.String("c")}, Alarm: settings(80, "Average", 60, 1)},
		{Kind: ALBRequests, Dimensions: []*string{jsii.String("lb")}, Alarm: settings(1, "Sum", 60, 1)},
		nat, nat,
	})
}

// Every row that alarms has a runbook and a deliberate missing-data
// treatment; every row has a namespace and its dimensions.
func TestTableComplete(t *testing.T) {
	for kind, row := range table {
		if row.namespace == "" || len(row.dims) == 0 || row.title == "" {
			t.Errorf("%s: incomplete row", kind)
		}
		if (row.expression == "") == (len(row.inputs) > 0) || (row.expression == "") == (row.metric == "") {
			t.Errorf("%s: a row is either one metric or an expression with inputs", kind)
		}
		if row.alarm == nil && (row.stat == "" || row.period == 0) {
			t.Errorf("%s: a dashboard-only row needs its statistic and period", kind)
		}
		if a := row.alarm; a != nil && (a.runbook == "" || a.missing == "" || a.comparison == "") {
			t.Errorf("%s: alarm without runbook, missing-data treatment or comparison", kind)
		}
	}
}

// The dashboard shows what the alarm evaluates: same metrics, statistic,
// period, and the threshold as a line.
func TestDashboardMatchesAlarms(t *testing.T) {
	watches := testWatches()
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewAlarms(stack, "alarms", &AlarmsProps{Prefix: "p", Watches: watches, TopicArn: jsii.String(testTopic)})
		NewDashboard(stack, "dashboard", &DashboardProps{Name: "acme-prod-use1", Region: "us-east-1", Sections: []DashboardSection{
			{Title: "Service", Watches: watches[:5]}, {Title: "Rest", Watches: watches[5:]},
		}})
	})
	d := doc.only(t, "aws_cloudwatch_dashboard")
	var body struct {
		Widgets []struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(d["dashboard_body"].(string)), &body); err != nil {
		t.Fatalf("dashboard body is not JSON: %v", err)
	}
	alarms := alarmsByName(doc)
	metricWidgets := 0
	for _, w := range body.Widgets {
		if w.Type != "metric" {
			continue
		}
		metricWidgets++
		p := w.Properties
		if p["region"] != "us-east-1" {
			t.Errorf("widget %v in region %v", p["title"], p["region"])
		}
		title := p["title"].(string)
		if title == "ECS service CPU" {
			a := alarms["p-ecs-cpu-high"]
			m := p["metrics"].([]any)[0].([]any)
			opts := m[len(m)-1].(map[string]any)
			if m[0] != a["namespace"] || m[1] != a["metric_name"] || opts["stat"] != a["statistic"] || opts["period"] != a["period"] {
				t.Errorf("cpu widget %v differs from its alarm %v", m, a)
			}
			line := p["annotations"].(map[string]any)["horizontal"].([]any)[0].(map[string]any)
			if line["value"] != a["threshold"] {
				t.Errorf("cpu widget threshold %v, alarm %v", line["value"], a["threshold"])
			}
		}
		if title == "Database free storage" {
			line := p["annotations"].(map[string]any)["horizontal"].([]any)[0].(map[string]any)
			if line["value"] != alarms["p-db-free-storage-low"]["threshold"] {
				t.Errorf("storage widget threshold %v, alarm %v (same unit)", line["value"], alarms["p-db-free-storage-low"]["threshold"])
			}
		}
		if title == "Load balancer 5xx rate" {
			first := p["metrics"].([]any)[0].([]any)[0].(map[string]any)
			if first["expression"] != table[ALB5xxRate].expression {
				t.Errorf("5xx widget expression %v", first)
			}
			if len(p["metrics"].([]any)) != 4 {
				t.Errorf("5xx widget has %d metrics, want the expression and its 3 inputs", len(p["metrics"].([]any)))
			}
		}
	}
	if metricWidgets != len(watches) {
		t.Errorf("%d metric widgets, want one per watch (%d)", metricWidgets, len(watches))
	}
}

// A watch of another region (the global dashboard's replica lag) says so.
func TestDashboardOtherRegion(t *testing.T) {
	body := DashboardBody("us-east-1", []DashboardSection{{Title: "Data", Watches: []Watch{
		{Kind: ReplicaLagHigh, Dimensions: []*string{jsii.String("acme-prod-usw2-db")}, Region: "us-west-2", Alarm: settings(60, "Maximum", 60, 5)},
	}}})
	if !strings.Contains(body, `"region":"us-west-2"`) || !strings.Contains(body, `"AWS/RDS","ReplicaLag","DBInstanceIdentifier","acme-prod-usw2-db"`) {
		t.Errorf("body %s", body)
	}
}
