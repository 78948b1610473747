package constructs

import (
	"fmt"
	"strconv"
	"strings"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchcompositealarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// MetricKind names one row of the monitoring table below. Alarms and
// dashboard widgets are both rendered from these rows, so a widget always
// shows exactly what its alarm evaluates, threshold included.
type MetricKind string

// The rows of the monitoring table.
const (
	ECSCPUHigh              MetricKind = "ecs-cpu-high"
	ECSMemoryHigh           MetricKind = "ecs-memory-high"
	ECSTasksBelowDesired    MetricKind = "ecs-tasks-below-desired"
	ALB5xxRate              MetricKind = "alb-5xx-rate"
	ALBRequests             MetricKind = "alb-requests"
	TargetLatencyHigh       MetricKind = "target-latency-high"
	UnhealthyHosts          MetricKind = "unhealthy-hosts"
	HealthyTargets          MetricKind = "healthy-targets"
	DBCPUHigh               MetricKind = "db-cpu-high"
	DBFreeStorageLow        MetricKind = "db-free-storage-low"
	DBFreeableMemoryLow     MetricKind = "db-freeable-memory-low"
	DBConnectionsHigh       MetricKind = "db-connections-high"
	ReplicaLagHigh          MetricKind = "replica-lag-high"
	NATPortAllocationErrors MetricKind = "nat-port-allocation-errors"
	HealthCheckStatus       MetricKind = "health-check-status"
	CloudFrontRequests      MetricKind = "cloudfront-requests"
	CloudFrontErrorRates    MetricKind = "cloudfront-error-rates"
	PipelineFailures        MetricKind = "pipeline-failures"
)

// Comparison operators of the table.
const (
	atOrAbove = "GreaterThanOrEqualToThreshold"
	below     = "LessThanThreshold"
)

// metricRow is one row: the CloudWatch metric(s) a kind reads and, for
// kinds that alarm, how the alarm judges them.
type metricRow struct {
	title string
	unit  string // as people read the threshold
	// namespace and metric of a single-metric row; dims are the dimension
	// names whose values a Watch supplies, in this order.
	namespace, metric string
	dims              []string
	// fixedDims are dimensions with a constant value (CloudFront's Region).
	fixedDims [][2]string
	// stat and period of dashboard-only rows; alarms take config's.
	stat   string
	period int
	// expression is metric math over inputs, referenced as m1, m2, ...
	// Each input reads its own metric with the row's dims.
	expression string
	inputs     []mathInput
	// extra metrics a dashboard widget shows beside the first (no alarm).
	extra []mathInput
	// scale converts a threshold from its config unit (GiB, MiB) into the
	// metric's (bytes).
	scale float64
	alarm *alarmRule
}

type mathInput struct {
	metric, stat, label string
}

// alarmRule is how a row's alarm judges its metric.
type alarmRule struct {
	comparison string
	// missing is treat_missing_data, chosen per row (comment says why).
	missing string
	runbook string
	// degrades marks alarms meaning users are affected: the region's
	// composite "region degraded" alarm fires when any of them does.
	degrades bool
}

// table is the monitoring table.
var table = map[MetricKind]metricRow{
	ECSCPUHigh: {
		title: "ECS service CPU", unit: "%", namespace: "AWS/ECS", metric: "CPUUtilization",
		dims: []string{"ClusterName", "ServiceName"},
		// No tasks publish no utilization: that is the task count's alarm.
		alarm: &alarmRule{comparison: atOrAbove, missing: "notBreaching",
			runbook: "Check the CPU graph and recent deploys. Auto scaling adds tasks up to service.max_count; at the ceiling raise it or the task CPU."},
	},
	ECSMemoryHigh: {
		title: "ECS service memory", unit: "%", namespace: "AWS/ECS", metric: "MemoryUtilization",
		dims: []string{"ClusterName", "ServiceName"},
		alarm: &alarmRule{comparison: atOrAbove, missing: "notBreaching",
			runbook: "Look for a leak since the last deploy (OOM-killed tasks in the service events); raise service.memory if the load is real."},
	},
	ECSTasksBelowDesired: {
		title: "ECS tasks short of desired", unit: " tasks", namespace: "ECS/ContainerInsights",
		dims:       []string{"ClusterName", "ServiceName"},
		expression: "m1 - m2",
		inputs:     []mathInput{{"DesiredTaskCount", "Average", "desired"}, {"RunningTaskCount", "Average", "running"}},
		// Container Insights reports every minute while the service
		// exists: silence means the service or its telemetry is gone.
		alarm: &alarmRule{comparison: atOrAbove, missing: "breaching", degrades: true,
			runbook: "Read the service events and the stopped tasks' reasons (image pull, failing health check, OOM, capacity); roll back a deploy that started it."},
	},
	ALB5xxRate: {
		title: "Load balancer 5xx rate", unit: " %", namespace: "AWS/ApplicationELB",
		dims: []string{"LoadBalancer"},
		// Below 10 requests a minute the rate is noise, not an outage.
		expression: "IF(m3 >= 10, 100 * (FILL(m1, 0) + FILL(m2, 0)) / m3, 0)",
		inputs:     []mathInput{{"HTTPCode_ELB_5XX_Count", "Sum", "ELB 5xx"}, {"HTTPCode_Target_5XX_Count", "Sum", "target 5xx"}, {"RequestCount", "Sum", "requests"}},
		// No requests, no errors.
		alarm: &alarmRule{comparison: atOrAbove, missing: "notBreaching", degrades: true,
			runbook: "Compare ELB and target 5xx on the dashboard: target errors are the app's (container logs), ELB errors mean no healthy targets or timeouts."},
	},
	ALBRequests: {
		title: "Load balancer requests", unit: "", namespace: "AWS/ApplicationELB", metric: "RequestCount",
		dims: []string{"LoadBalancer"}, stat: "Sum", period: 60,
	},
	TargetLatencyHigh: {
		title: "Target response time", unit: " s", namespace: "AWS/ApplicationELB", metric: "TargetResponseTime",
		dims: []string{"LoadBalancer", "TargetGroup"},
		alarm: &alarmRule{comparison: atOrAbove, missing: "notBreaching", degrades: true,
			runbook: "Check the database alarms and slow requests in the container logs; scale out if CPU is high too."},
	},
	UnhealthyHosts: {
		title: "Unhealthy targets", unit: " targets", namespace: "AWS/ApplicationELB", metric: "UnHealthyHostCount",
		dims: []string{"LoadBalancer", "TargetGroup"},
		// Without targets there is nothing unhealthy; no tasks is the
		// task count's alarm.
		alarm: &alarmRule{comparison: atOrAbove, missing: "notBreaching", degrades: true,
			runbook: "Read the target group's health check reason and the tasks' logs; a health check failing since a deploy means roll back."},
	},
	HealthyTargets: {
		title: "Healthy targets", unit: " targets", namespace: "AWS/ApplicationELB", metric: "HealthyHostCount",
		dims: []string{"LoadBalancer", "TargetGroup"},
		// No data is no proof of health: the region's Route 53 health
		// check follows this alarm, so silence fails over too.
		alarm: &alarmRule{comparison: below, missing: "breaching", degrades: true,
			runbook: "The region's Route 53 health check follows this alarm: in ALARM, origin.<domain> answers with the other region. Read the unhealthy-targets and tasks alarms and the service events."},
	},
	DBCPUHigh: {
		title: "Database CPU", unit: "%", namespace: "AWS/RDS", metric: "CPUUtilization",
		dims: []string{"DBInstanceIdentifier"},
		// RDS reports every minute; a gap is an RDS event (reboot,
		// failover), so the alarm keeps its state instead of guessing.
		alarm: &alarmRule{comparison: atOrAbove, missing: "missing",
			runbook: "Find the top SQL in Performance Insights; move to a larger database.instance_class if the load is expected."},
	},
	DBFreeStorageLow: {
		title: "Database free storage", unit: " GiB", namespace: "AWS/RDS", metric: "FreeStorageSpace",
		dims: []string{"DBInstanceIdentifier"}, scale: 1 << 30,
		alarm: &alarmRule{comparison: below, missing: "missing",
			runbook: "Storage autoscaling grows up to database.max_allocated_storage; at that ceiling raise it, or find what fills the disk (logs, bloat)."},
	},
	DBFreeableMemoryLow: {
		title: "Database freeable memory", unit: " MiB", namespace: "AWS/RDS", metric: "FreeableMemory",
		dims: []string{"DBInstanceIdentifier"}, scale: 1 << 20,
		alarm: &alarmRule{comparison: below, missing: "missing",
			runbook: "Check connections and work_mem-heavy queries; a persistently low value needs a larger database.instance_class."},
	},
	DBConnectionsHigh: {
		title: "Database connections", unit: " connections", namespace: "AWS/RDS", metric: "DatabaseConnections",
		dims: []string{"DBInstanceIdentifier"},
		alarm: &alarmRule{comparison: atOrAbove, missing: "missing",
			runbook: "Look for connection leaks or missing pooling in the app; max_connections grows with the instance class."},
	},
	ReplicaLagHigh: {
		title: "Replica lag (RPO)", unit: " s", namespace: "AWS/RDS", metric: "ReplicaLag",
		dims: []string{"DBInstanceIdentifier"},
		// A replica that stops reporting lag is not replicating: the RPO
		// is unknown, which is as bad as exceeded.
		alarm: &alarmRule{comparison: atOrAbove, missing: "breaching",
			runbook: "The secondary's copy is behind: a failover now loses that much data. Check the replica's status, write load on the primary and the cross-region link."},
	},
	NATPortAllocationErrors: {
		title: "NAT port allocation errors", unit: " errors", namespace: "AWS/NATGateway", metric: "ErrorPortAllocation",
		dims: []string{"NatGatewayId"},
		// An idle gateway has no errors.
		alarm: &alarmRule{comparison: atOrAbove, missing: "notBreaching",
			runbook: "Too many simultaneous connections to one destination through this NAT gateway: reuse connections, spread destinations, or use VPC endpoints for AWS services."},
	},
	HealthCheckStatus: {
		title: "Health check status (1 = healthy)", namespace: "AWS/Route53", metric: "HealthCheckStatus",
		dims: []string{"HealthCheckId"},
		// Route 53 reports every minute while the check exists: silence
		// means the check or its metrics are gone, and failover with them.
		alarm: &alarmRule{comparison: below, missing: "breaching",
			runbook: "Route 53 now answers origin.<domain> with the other region. Open this region's dashboard and region-degraded alarm; once the region is healthy again, traffic returns by itself."},
	},
	CloudFrontRequests: {
		title: "CloudFront requests", namespace: "AWS/CloudFront", metric: "Requests",
		dims: []string{"DistributionId"}, fixedDims: [][2]string{{"Region", "Global"}}, stat: "Sum", period: 300,
	},
	CloudFrontErrorRates: {
		title: "CloudFront error rates", unit: " %", namespace: "AWS/CloudFront", metric: "5xxErrorRate",
		dims: []string{"DistributionId"}, fixedDims: [][2]string{{"Region", "Global"}}, stat: "Average", period: 300,
		extra: []mathInput{{"4xxErrorRate", "Average", "4xx %"}},
	},
	PipelineFailures: {
		title: "Pipeline failures", namespace: "AWS/Events", metric: "TriggeredRules",
		dims: []string{"RuleName"}, stat: "Sum", period: 300,
	},
}

// AlarmSettings are the tunable parts of an alarm (from config).
type AlarmSettings struct {
	// Threshold in the row's unit (GiB, MiB, %, s, ...).
	Threshold float64
	// Statistic of single-metric rows; metric-math rows fix their own.
	Statistic         string
	PeriodSeconds     int
	EvaluationPeriods int
	DatapointsToAlarm int
}

// Watch is one row of the table applied to one resource.
type Watch struct {
	Kind MetricKind
	// Qualifier tells instances of a kind apart (the NAT gateway's AZ);
	// "" for the only one.
	Qualifier string
	// Dimensions are the values of the kind's dimensions (its table row), in order: references
	// to the watched resources.
	Dimensions []*string
	// Region of the metric, when it is not the dashboard's.
	Region string
	// Alarm settings; nil for a dashboard-only watch.
	Alarm *AlarmSettings
}

// ID is the watch's name within its region, e.g. nat-port-allocation-errors-use1-az1.
func (w Watch) ID() string {
	if w.Qualifier == "" {
		return string(w.Kind)
	}
	return string(w.Kind) + "-" + w.Qualifier
}

// query is one metric or expression as both alarms and dashboards see it.
type query struct {
	id, label, expression string
	namespace, metric     string
	dims                  [][2]*string
	stat                  string
	period                int
	returnData            bool
}

// queries renders the watch: one query for a single metric, or the
// expression followed by its inputs.
func (w Watch) queries() []query {
	row := table[w.Kind]
	dims := make([][2]*string, 0, len(row.dims)+len(row.fixedDims))
	for i, name := range row.dims {
		dims = append(dims, [2]*string{str(name), w.Dimensions[i]})
	}
	for _, d := range row.fixedDims {
		dims = append(dims, [2]*string{str(d[0]), str(d[1])})
	}
	stat, period := row.stat, row.period
	if w.Alarm != nil {
		stat, period = w.Alarm.Statistic, w.Alarm.PeriodSeconds
	}
	if row.expression == "" {
		qs := []query{{id: "m1", label: row.title, namespace: row.namespace, metric: row.metric, dims: dims, stat: stat, period: period, returnData: true}}
		for i, in := range row.extra {
			qs = append(qs, query{id: fmt.Sprintf("m%d", i+2), label: in.label, namespace: row.namespace, metric: in.metric, dims: dims, stat: in.stat, period: period, returnData: true})
		}
		return qs
	}
	qs := []query{{id: "e1", label: row.title, expression: row.expression, returnData: true}}
	for i, in := range row.inputs {
		qs = append(qs, query{id: fmt.Sprintf("m%d", i+1), label: in.label, namespace: row.namespace, metric: in.metric, dims: dims, stat: in.stat, period: period})
	}
	return qs
}

// dimensions is the query's dimensions as an alarm takes them.
func (q query) dimensions() *map[string]*string {
	dims := make(map[string]*string, len(q.dims))
	for _, d := range q.dims {
		dims[*d[0]] = d[1]
	}
	return &dims
}

// title is the row's title, with the qualifier when there is one.
func (w Watch) title() string {
	if w.Qualifier == "" {
		return table[w.Kind].title
	}
	return table[w.Kind].title + " (" + w.Qualifier + ")"
}

// threshold is the alarm's threshold in the metric's unit.
func (w Watch) threshold() float64 {
	if s := table[w.Kind].scale; s != 0 {
		return w.Alarm.Threshold * s
	}
	return w.Alarm.Threshold
}

// description says what fires, when, and what to do first.
func (w Watch) description() string {
	row, a := table[w.Kind], w.Alarm
	op := "at or above"
	if row.alarm.comparison == below {
		op = "below"
	}
	stat := a.Statistic
	if row.expression != "" {
		stat = "metric math: " + row.expression
	}
	return fmt.Sprintf("%s %s %s%s (%s) in %d of %d periods of %d s. Missing data: %s. Runbook: %s",
		w.title(), op, strconv.FormatFloat(a.Threshold, 'f', -1, 64), row.unit, stat,
		a.DatapointsToAlarm, a.EvaluationPeriods, a.PeriodSeconds, row.alarm.missing, row.alarm.runbook)
}

// AlarmsProps configures the alarms of one region (or the global stack).
type AlarmsProps struct {
	// Prefix starts every alarm name, e.g. acme-prod-use1.
	Prefix string
	// Watches with Alarm settings become alarms; others are ignored.
	Watches []Watch
	// TopicArn receives the alarm and OK notifications; it must be in the
	// alarms' region.
	TopicArn *string
	// Composite adds the "<prefix>-region-degraded" alarm over the alarms
	// that mean users are affected (when there are any).
	Composite bool
	// Provider creates the alarms in the region of their metrics and topic
	// when that is not the stack's (nil: the stack's default provider).
	Provider cdktf.TerraformProvider
}

// Alarm is one created alarm.
type Alarm struct {
	Name *string
	Arn  *string
	Kind MetricKind
}

// Alarms are CloudWatch alarms that notify a topic on ALARM and on OK.
type Alarms struct {
	cdk.Construct
	// ByID holds every alarm by Watch.ID().
	ByID map[string]*Alarm
}

// NewAlarms creates an alarm for every watch that has alarm settings.
func NewAlarms(scope cdk.Construct, id string, p *AlarmsProps) *Alarms {
	checkWatches(p.Watches)
	if p.TopicArn == nil {
		panic("NewAlarms: TopicArn is required: an alarm nobody hears is no alarm")
	}
	for _, w := range p.Watches {
		if w.Region != "" && w.Alarm != nil {
			panic("NewAlarms: " + w.ID() + " reads " + w.Region + ": an alarm lives in its metric's region (create it in that region's stack)")
		}
	}
	c := cdk.NewConstruct(scope, str(id))
	out := &Alarms{Construct: c, ByID: map[string]*Alarm{}}
	actions := &[]*string{p.TopicArn}
	var degraded []string
	for _, w := range p.Watches {
		if w.Alarm == nil {
			continue
		}
		row, a := table[w.Kind], w.Alarm
		name := p.Prefix + "-" + w.ID()
		cfg := &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          str(name),
			AlarmDescription:   str(w.description()),
			ComparisonOperator: str(row.alarm.comparison),
			Threshold:          numf(w.threshold()),
			EvaluationPeriods:  num(a.EvaluationPeriods),
			DatapointsToAlarm:  num(a.DatapointsToAlarm),
			TreatMissingData:   str(row.alarm.missing),
			AlarmActions:       actions,
			OkActions:          actions,
			Tags:               nameTag(name),
			Provider:           p.Provider,
		}
		qs := w.queries()
		if row.expression == "" {
			q := qs[0]
			cfg.Namespace, cfg.MetricName, cfg.Period = str(q.namespace), str(q.metric), num(q.period)
			cfg.Dimensions = q.dimensions()
			if isPercentile(q.stat) {
				cfg.ExtendedStatistic = str(q.stat)
			} else {
				cfg.Statistic = str(q.stat)
			}
		} else {
			var mq []*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery
			for _, q := range qs {
				if q.expression != "" {
					mq = append(mq, &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
						Id: str(q.id), Expression: str(q.expression), Label: str(q.label), ReturnData: boolp(true),
					})
					continue
				}
				mq = append(mq, &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
					Id: str(q.id), Label: str(q.label),
					Metric: &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQueryMetric{
						Namespace: str(q.namespace), MetricName: str(q.metric), Dimensions: q.dimensions(),
						Stat: str(q.stat), Period: num(q.period),
					},
				})
			}
			cfg.MetricQuery = mq
		}
		alarm := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(c, str(w.ID()), cfg)
		out.ByID[w.ID()] = &Alarm{Name: alarm.AlarmName(), Arn: alarm.Arn(), Kind: w.Kind}
		if row.alarm.degrades {
			degraded = append(degraded, fmt.Sprintf("ALARM(%q)", *alarm.AlarmName()))
		}
	}
	if p.Composite && len(degraded) > 0 {
		name := p.Prefix + "-region-degraded"
		cloudwatchcompositealarm.NewCloudwatchCompositeAlarm(c, str("region-degraded"), &cloudwatchcompositealarm.CloudwatchCompositeAlarmConfig{
			AlarmName: str(name),
			AlarmDescription: str("Users of this region are affected: one of its user-facing alarms fires (tasks short, 5xx rate, latency, unhealthy targets). " +
				"Runbook: open the region's dashboard; if the region cannot recover quickly, fail traffic over to the other region."),
			AlarmRule:    str(strings.Join(degraded, " OR ")),
			AlarmActions: actions,
			OkActions:    actions,
			Tags:         nameTag(name),
			Provider:     p.Provider,
		})
	}
	return out
}

// checkWatches reports every malformed watch at once (a programming error).
func checkWatches(ws []Watch) {
	var bad []string
	seen := map[string]bool{}
	for _, w := range ws {
		row, ok := table[w.Kind]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("unknown kind %q", w.Kind))
			continue
		case len(w.Dimensions) != len(row.dims):
			bad = append(bad, fmt.Sprintf("%s: %d dimension values, want %v", w.ID(), len(w.Dimensions), row.dims))
		case w.Alarm != nil && row.alarm == nil:
			bad = append(bad, fmt.Sprintf("%s: the row has no alarm (dashboard only)", w.ID()))
		case w.Alarm == nil && row.stat == "":
			bad = append(bad, fmt.Sprintf("%s: alarm settings are required (the row has no dashboard default statistic)", w.ID()))
		case w.Alarm != nil && row.expression == "" && w.Alarm.Statistic == "":
			bad = append(bad, fmt.Sprintf("%s: statistic required", w.ID()))
		}
		for i, v := range w.Dimensions {
			if v == nil {
				bad = append(bad, fmt.Sprintf("%s: dimension %s is nil", w.ID(), row.dims[i]))
			}
		}
		if seen[w.ID()] {
			bad = append(bad, fmt.Sprintf("%s twice (set Qualifier)", w.ID()))
		}
		seen[w.ID()] = true
	}
	if len(bad) > 0 {
		panic("monitoring watches: " + strings.Join(bad, "; "))
	}
}

func isPercentile(stat string) bool { return strings.HasPrefix(stat, "p") }
