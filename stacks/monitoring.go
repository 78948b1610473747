package stacks

import (
	"fmt"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Monitoring of one stack: the alert topic everything in the stack's
// region notifies, the alarms and the dashboard.
type Monitoring struct {
	// AlertTopic receives alarms, EventBridge notifications and (global)
	// budget notifications; it is in the stack's default region.
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

// newAlertTopic creates a stack's alert topic: encrypted with a key of its
// own, published to by CloudWatch alarms, EventBridge rules and Budgets,
// subscribed by the configured e-mails and webhook.
func newAlertTopic(stack cdktf.TerraformStack, env *config.Environment, region, name string) *constructs.Topic {
	var subs []constructs.Subscription
	for _, e := range env.Monitoring.AlertEmails {
		subs = append(subs, constructs.Subscription{Protocol: constructs.ProtocolEmail, Endpoint: e})
	}
	if u := env.Monitoring.WebhookURL; u != "" {
		subs = append(subs, constructs.Subscription{Protocol: constructs.ProtocolHTTPS, Endpoint: u})
	}
	return constructs.NewTopic(stack, "alerts", &constructs.TopicProps{
		Name:              name,
		DisplayName:       fmt.Sprintf("%s alerts", env.ID()),
		Account:           env.AccountID,
		Region:            region,
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
			constructs.DashboardSection{Title: "Load balancer", Watches: []constructs.Watch{
				watch(env, constructs.ALBRequests, "", lb),
				watch(env, constructs.ALB5xxRate, "", lb),
				watch(env, constructs.TargetLatencyHigh, "", lb, tg),
				watch(env, constructs.UnhealthyHosts, "", lb, tg),
			}})
	}
	all = append(all, sections...)
	var nat []constructs.Watch
	for i, id := range g.Network.NatGatewayIDs {
		nat = append(nat, watch(env, constructs.NATPortAllocationErrors, g.Network.AZs[i], id))
	}
	all = append(all, constructs.DashboardSection{Title: "NAT gateways", Watches: nat})
	g.Monitoring.build(stack, env, env.Prefix(g.Region), g.Region, all, true)
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
// settings, and a dashboard of all watches.
func (m *Monitoring) build(stack cdktf.TerraformStack, env *config.Environment, name, region string, sections []constructs.DashboardSection, composite bool) {
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
	})
	if len(all) > 0 {
		m.Dashboard = constructs.NewDashboard(stack, "dashboard", &constructs.DashboardProps{
			Name:     name,
			Region:   region,
			Sections: sections,
		})
	}
}

// globalMonitoring is the global stack's: its alert topic (the pipeline's
// region and Budgets), the monthly budget and the global dashboard.
func globalMonitoring(stack cdktf.TerraformStack, env *config.Environment, sections ...constructs.DashboardSection) *Monitoring {
	m := &Monitoring{AlertTopic: newAlertTopic(stack, env, env.Primary.Region, env.ID()+"-global-alerts")}
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
	m.build(stack, env, env.ID()+"-global", env.Primary.Region, sections, false)
	return m
}
