package stacks

import (
	"fmt"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Monitoring of one stack: the alert topic, the alarms and the dashboard.
type Monitoring struct {
	// AlertTopic receives alarms, EventBridge notifications and (global)
	// budget notifications. A regional stack's is in its region, the
	// global stack's in us-east-1 (AlertTopic.Region): an alarm or rule
	// can notify only a topic of its own region.
	AlertTopic *constructs.Topic
	Alarms     *constructs.Alarms
	// Dashboard is nil when the stack has nothing to show yet.
	Dashboard *constructs.Dashboard
}

// alarmKeys maps the monitoring table's alarming rows to their config keys.
var alarmKeys = map[constructs.MetricKind]config.AlarmKey{
	constructs.ECSCPUHigh:              config.AlarmECSCPUHigh,
	constructs.ECSMemoryHigh:           config.AlarmECSMemoryHigh,
	constructs.ECSTasksBelowDesired:    config.AlarmECSTasksBelowDesired,
	constructs.ALB5xxRate:              config.AlarmALB5xxRate,
	constructs.TargetLatencyHigh:       config.AlarmTargetLatencyHigh,
	constructs.UnhealthyHosts:          config.AlarmUnhealthyHosts,
	constructs.DBCPUHigh:               config.AlarmDBCPUHigh,
	constructs.DBFreeStorageLow:        config.AlarmDBFreeStorageLow,
	constructs.DBFreeableMemoryLow:     config.AlarmDBFreeableMemoryLow,
	constructs.DBConnectionsHigh:       config.AlarmDBConnectionsHigh,
	constructs.ReplicaLagHigh:          config.AlarmReplicaLagHigh,
	constructs.NATPortAllocationErrors: config.AlarmNATPortAllocationErrors,
	constructs.HealthCheckStatus:       config.AlarmHealthCheckFailing,
}

// watch applies a table row to a resource with the config's alarm
// settings (none for dashboard-only rows).
func watch(env *config.Environment, kind constructs.MetricKind, qualifier string, dims ...*string) constructs.Watch {
	w := constructs.Watch{Kind: kind, Qualifier: qualifier, Dimensions: dims}
	if key, ok := alarmKeys[kind]; ok {
		a := env.Monitoring.Alarms.Alarm(key)
		w.Alarm = &constructs.AlarmSettings{
			Threshold: a.Threshold, Statistic: a.Statistic, PeriodSeconds: a.PeriodSeconds,
			EvaluationPeriods: a.EvaluationPeriods, DatapointsToAlarm: a.DatapointsToAlarm,
		}
	}
	return w
}

// edgeTopicID is the construct id of the global stack's alert topic, named
// for the edge's health checks it first served: the id of a stateful
// resource's construct never changes, so its key keeps its Terraform address.
const edgeTopicID = "edge-alerts"

// newAlertTopic creates a stack's alert topic in region (through provider,
// nil for the stack's default): encrypted with a key of its own, published
// to by CloudWatch alarms, EventBridge rules and Budgets, subscribed by the
// configured e-mails and webhook.
func newAlertTopic(stack cdktf.TerraformStack, env *config.Environment, id, region, name string, provider cdktf.TerraformProvider) *constructs.Topic {
	var subs []constructs.Subscription
	for _, e := range env.Monitoring.AlertEmails {
		subs = append(subs, constructs.Subscription{Protocol: constructs.ProtocolEmail, Endpoint: e})
	}
	if u := env.Monitoring.WebhookURL; u != "" {
		subs = append(subs, constructs.Subscription{Protocol: constructs.ProtocolHTTPS, Endpoint: u})
	}
	return constructs.NewTopic(stack, id, &constructs.TopicProps{
		Name:              name,
		DisplayName:       fmt.Sprintf("%s alerts", env.ID()),
		Account:           env.AccountID,
		Region:            region,
		Provider:          provider,
		PublisherServices: []string{constructs.PublisherCloudWatch, constructs.PublisherEventBridge, constructs.PublisherBudgets},
		Subscriptions:     subs,
	})
}

// monitorRegion builds a regional stack's alarms and dashboard from the
// watches of everything the region has (sections adds the role-specific
// ones). The same rows render both. Call it last in the stack.
func (g *Regional) monitorRegion(stack cdktf.TerraformStack, env *config.Environment, sections ...constructs.DashboardSection) {
	var all []constructs.DashboardSection
	if c := g.Containers; c != nil {
		cluster, service := c.Cluster.Name, c.Service.Name
		lb, tg := c.LoadBalancer.ArnSuffix, c.LoadBalancer.TargetGroupArnSuffix
		all = append(all,
			constructs.DashboardSection{Title: "Service", Watches: []constructs.Watch{
				watch(env, constructs.ECSCPUHigh, "", cluster, service),
				watch(env, constructs.ECSMemoryHigh, "", cluster, service),
				watch(env, constructs.ECSTasksBelowDesired, "", cluster, service),
			}},
			constructs.DashboardSection{Title: "Load balancer", Watches: append([]constructs.Watch{
				watch(env, constructs.ALBRequests, "", lb),
				watch(env, constructs.ALB5xxRate, "", lb),
				watch(env, constructs.TargetLatencyHigh, "", lb, tg),
				watch(env, constructs.UnhealthyHosts, "", lb, tg),
			}, healthyTargetsWatch(env, lb, tg)...)})
	}
	all = append(all, sections...)
	var nat []constructs.Watch
	for i, id := range g.Network.NatGatewayIDs {
		nat = append(nat, watch(env, constructs.NATPortAllocationErrors, g.Network.AZs[i], id))
	}
	all = append(all, constructs.DashboardSection{Title: "NAT gateways", Watches: nat})
	g.Monitoring.build(stack, env, env.Prefix(g.Region), g.Region, all, true, nil)
}

// healthyTargetsWatch is the alarm a cloudwatch_metric health check of
// the edge follows (none for other checks): no healthy target for
// failure_threshold metric periods. Its settings are dns.health_check's,
// so the designed failover time holds.
func healthyTargetsWatch(env *config.Environment, lb, tg *string) []constructs.Watch {
	h := env.DNS.HealthCheck
	if !env.Edge() || h.Type != config.HealthCheckMetric {
		return nil
	}
	return []constructs.Watch{{Kind: constructs.HealthyTargets, Dimensions: []*string{lb, tg}, Alarm: &constructs.AlarmSettings{
		Threshold: 1, Statistic: "Minimum", PeriodSeconds: h.IntervalSeconds,
		EvaluationPeriods: h.FailureThreshold, DatapointsToAlarm: h.FailureThreshold,
	}}}
}

// healthCheckAlarm is the name of the region's healthy-targets alarm, nil
// when the edge's health checks do not follow one.
func (g *Regional) healthCheckAlarm() *string {
	if a := g.Monitoring.Alarms.ByID[string(constructs.HealthyTargets)]; a != nil {
		return a.Name
	}
	return nil
}

// databaseSection watches a PostgreSQL instance; a replica that is still
// replicating also gets the replica-lag alarm (the RPO guard).
func databaseSection(env *config.Environment, identifier *string, replicating bool) constructs.DashboardSection {
	ws := []constructs.Watch{
		watch(env, constructs.DBCPUHigh, "", identifier),
		watch(env, constructs.DBFreeStorageLow, "", identifier),
		watch(env, constructs.DBFreeableMemoryLow, "", identifier),
		watch(env, constructs.DBConnectionsHigh, "", identifier),
	}
	if replicating {
		ws = append(ws, watch(env, constructs.ReplicaLagHigh, "", identifier))
	}
	return constructs.DashboardSection{Title: "Database", Watches: ws}
}

// build creates the alarms of every watch of the stack's region with alarm
// settings (through provider, nil for the stack's default), and a
// dashboard of all watches.
func (m *Monitoring) build(stack cdktf.TerraformStack, env *config.Environment, name, region string, sections []constructs.DashboardSection, composite bool, provider cdktf.TerraformProvider) {
	var all, local []constructs.Watch
	for _, s := range sections {
		all = append(all, s.Watches...)
		for _, w := range s.Watches {
			// An alarm lives in its metric's region: a watch of another
			// region is shown here and alarms in its own stack.
			if w.Region == "" {
				local = append(local, w)
			}
		}
	}
	m.Alarms = constructs.NewAlarms(stack, "alarms", &constructs.AlarmsProps{
		Prefix:    name,
		Watches:   local,
		TopicArn:  m.AlertTopic.Arn,
		Composite: composite && *env.Monitoring.CompositeAlarms,
		Provider:  provider,
	})
	if len(all) > 0 {
		m.Dashboard = constructs.NewDashboard(stack, "dashboard", &constructs.DashboardProps{
			Name:     name,
			Region:   region,
			Sections: sections,
		})
	}
}

// GlobalWatches are what the global dashboard and alarms watch; each is
// nil where the environment lacks it.
type GlobalWatches struct {
	// HealthCheckIDs are the edge's Route 53 health checks by role.
	HealthCheckIDs map[string]*string
	// DistributionID is the edge's CloudFront distribution.
	DistributionID *string
	// ReplicaIdentifier is the secondary's replica while it replicates.
	ReplicaIdentifier *string
	// PipelineFailureRule is the name of the EventBridge rule (in the
	// primary region) that matches the delivery pipeline's failed
	// executions; the delivery stage sets it, and its TriggeredRules count
	// is the dashboard's pipeline state.
	PipelineFailureRule *string
}

// sections renders the global dashboard's sections; metrics of another
// region than us-east-1 name theirs.
func (w GlobalWatches) sections(env *config.Environment) []constructs.DashboardSection {
	var out []constructs.DashboardSection
	if len(w.HealthCheckIDs) > 0 {
		var checks []constructs.Watch
		for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
			if id := w.HealthCheckIDs[role]; id != nil {
				checks = append(checks, watch(env, constructs.HealthCheckStatus, role, id))
			}
		}
		out = append(out, constructs.DashboardSection{Title: "Route 53 health checks", Watches: checks})
	}
	if w.DistributionID != nil {
		out = append(out, constructs.DashboardSection{Title: "CloudFront", Watches: []constructs.Watch{
			watch(env, constructs.CloudFrontRequests, "", w.DistributionID),
			watch(env, constructs.CloudFrontErrorRates, "", w.DistributionID),
		}})
	}
	if w.ReplicaIdentifier != nil {
		// The RPO at a glance; its alarm lives in the secondary region.
		lag := watch(env, constructs.ReplicaLagHigh, "", w.ReplicaIdentifier)
		lag.Region = env.Secondary.Region
		out = append(out, constructs.DashboardSection{Title: "Cross-region replication", Watches: []constructs.Watch{lag}})
	}
	if w.PipelineFailureRule != nil {
		failures := watch(env, constructs.PipelineFailures, "", w.PipelineFailureRule)
		if env.Primary.Region != edgeRegion {
			failures.Region = env.Primary.Region
		}
		out = append(out, constructs.DashboardSection{Title: "Delivery pipeline", Watches: []constructs.Watch{failures}})
	}
	return out
}

// globalMonitoring is the global stack's: its alert topic (us-east-1,
// through usEast1), the monthly budget, the health-check alarms and the
// global dashboard.
func globalMonitoring(stack cdktf.TerraformStack, env *config.Environment, topic *constructs.Topic, usEast1 cdktf.TerraformProvider, w GlobalWatches) *Monitoring {
	m := &Monitoring{AlertTopic: topic}
	if b := env.Monitoring.Budget; *b.Enabled {
		constructs.NewBudget(stack, "budget", &constructs.BudgetProps{
			Name:     env.ID() + "-monthly",
			Account:  env.AccountID,
			Amount:   b.Amount,
			Currency: b.Currency,
			// The provider tags everything with Environment: the budget
			// counts this environment's costs, even in a shared account.
			TagFilters: map[string]string{"Environment": env.Name},
			TopicArn:   m.AlertTopic.Arn,
			Emails:     env.Monitoring.AlertEmails,
		})
	}
	m.build(stack, env, env.ID()+"-global", edgeRegion, w.sections(env), false, usEast1)
	return m
}
