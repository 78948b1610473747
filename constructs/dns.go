package constructs

import (
	"fmt"
	"strings"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53healthcheck"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53zone"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Health check kinds (HealthCheckSpec.Type).
const (
	// HealthCheckHTTPS and HealthCheckHTTP: Route 53 checkers request
	// Path from each load balancer.
	HealthCheckHTTPS = "HTTPS"
	HealthCheckHTTP  = "HTTP"
	// HealthCheckMetric follows a CloudWatch alarm on the load balancer's
	// healthy targets in its region (no network path needed).
	HealthCheckMetric = "CLOUDWATCH_METRIC"
)

// HealthCheckSpec is how each region's health is judged.
type HealthCheckSpec struct {
	Type string
	// Path requested by HTTP(S) checks.
	Path string
	// IntervalSeconds between checks (10 or 30; 60, the metric period, for
	// CLOUDWATCH_METRIC) and FailureThreshold consecutive failures (alarm
	// periods) before a region counts as unhealthy.
	IntervalSeconds  int
	FailureThreshold int
}

// FailoverTarget is one region's load balancer behind the failover pair.
type FailoverTarget struct {
	// Role is primary or secondary: the PRIMARY or SECONDARY record.
	Role   string
	Region string
	// DNSName and ZoneID of the load balancer (its alias target).
	DNSName *string
	ZoneID  *string
	// ArnSuffix and TargetGroupArnSuffix are the load balancer's metric
	// dimensions, for CLOUDWATCH_METRIC checks.
	ArnSuffix            *string
	TargetGroupArnSuffix *string
	// Provider of Region, for the CLOUDWATCH_METRIC check's alarm there
	// (nil: the stack's default provider).
	Provider cdktf.TerraformProvider
}

// DNSProps configures the app's DNS.
type DNSProps struct {
	// Name prefixes alarm names and tags, e.g. acme-prod.
	Name string
	// Domain is the app's domain; the failover pair is origin.<Domain>.
	Domain string
	// ZoneID is an existing hosted zone of Domain; "" creates the zone.
	ZoneID string
	// ForceDestroyZone lets a destroy delete records Terraform does not
	// manage (not in production).
	ForceDestroyZone bool
	HealthCheck      HealthCheckSpec
	// Targets are the primary and the secondary load balancer.
	Targets []FailoverTarget
	// AlarmTopicArn receives the health-check alarms, which AlarmProvider
	// creates in us-east-1 (the only region with Route 53 metrics; nil:
	// the stack's default provider, which must then be in us-east-1).
	AlarmTopicArn *string
	AlarmProvider cdktf.TerraformProvider
	// EmulatorIgnoreChanges lists health check attributes an emulator
	// does not keep (never set against AWS).
	EmulatorIgnoreChanges []string
}

// DNS is the hosted zone, a health check per region, the alarms on them
// and the origin.<domain> failover pair.
type DNS struct {
	cdk.Construct
	// ZoneID of the app's hosted zone (created or given).
	ZoneID *string
	// NameServers of a created zone (delegate the domain to them); nil for
	// an existing zone.
	NameServers *[]*string
	// OriginName is origin.<domain>, the failover pair's name.
	OriginName string
	// HealthCheckIDs by role.
	HealthCheckIDs map[string]*string
	// OriginRecords are the failover pair, for records that alias it.
	OriginRecords []cdktf.ITerraformDependable
}

// NewDNS creates the zone (unless given), the health checks and their
// alarms, and the failover records.
func NewDNS(scope cdk.Construct, id string, p *DNSProps) *DNS {
	c := cdk.NewConstruct(scope, str(id))
	d := &DNS{Construct: c, OriginName: "origin." + p.Domain, HealthCheckIDs: map[string]*string{}}
	if p.ZoneID != "" {
		d.ZoneID = str(p.ZoneID)
	} else {
		zone := route53zone.NewRoute53Zone(c, str("zone"), &route53zone.Route53ZoneConfig{
			Name:         str(p.Domain),
			Comment:      str(fmt.Sprintf("%s: the app's public zone (managed by cdktf-multiregion)", p.Name)),
			ForceDestroy: boolp(p.ForceDestroyZone),
			Tags:         nameTag(p.Domain),
		})
		d.ZoneID, d.NameServers = zone.ZoneId(), zone.NameServers()
	}
	for _, t := range p.Targets {
		check := newHealthCheck(c, p, t)
		d.HealthCheckIDs[t.Role] = check
		healthCheckAlarm(c, p, t, check)
		// The failover pair: PRIMARY while its check passes, else SECONDARY.
		record := route53record.NewRoute53Record(c, str("origin-"+t.Role), &route53record.Route53RecordConfig{
			ZoneId:                d.ZoneID,
			Name:                  str(d.OriginName),
			Type:                  str("A"),
			SetIdentifier:         str(t.Role),
			FailoverRoutingPolicy: &route53record.Route53RecordFailoverRoutingPolicy{Type: str(strings.ToUpper(t.Role))},
			HealthCheckId:         check,
			Alias: &route53record.Route53RecordAlias{
				Name:                 t.DNSName,
				ZoneId:               t.ZoneID,
				EvaluateTargetHealth: boolp(true),
			},
		})
		d.OriginRecords = append(d.OriginRecords, record)
	}
	return d
}

// newHealthCheck creates the Route 53 health check of one region and returns
// its id.
func newHealthCheck(c cdk.Construct, p *DNSProps, t FailoverTarget) *string {
	h := p.HealthCheck
	name := fmt.Sprintf("%s-%s", p.Name, t.Role)
	cfg := &route53healthcheck.Route53HealthCheckConfig{
		Type:             str(h.Type),
		FailureThreshold: num(h.FailureThreshold),
		Tags:             nameTag(name),
	}
	if len(p.EmulatorIgnoreChanges) > 0 {
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{IgnoreChanges: strs(p.EmulatorIgnoreChanges...)}
	}
	if h.Type == HealthCheckMetric {
		// The region counts as unhealthy when its load balancer has had no
		// healthy target for FailureThreshold minutes, or reports nothing.
		alarmName := name + "-healthy-targets"
		cloudwatchmetricalarm.NewCloudwatchMetricAlarm(c, str("targets-"+t.Role), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          str(alarmName),
			AlarmDescription:   str(fmt.Sprintf("No healthy target behind the %s load balancer in %s: Route 53 fails over", t.Role, t.Region)),
			Namespace:          str("AWS/ApplicationELB"),
			MetricName:         str("HealthyHostCount"),
			Dimensions:         &map[string]*string{"LoadBalancer": t.ArnSuffix, "TargetGroup": t.TargetGroupArnSuffix},
			Statistic:          str("Minimum"),
			Period:             num(h.IntervalSeconds),
			EvaluationPeriods:  num(h.FailureThreshold),
			Threshold:          num(1),
			ComparisonOperator: str("LessThanThreshold"),
			TreatMissingData:   str("breaching"),
			Tags:               nameTag(alarmName),
			Provider:           t.Provider,
		})
		cfg.CloudwatchAlarmName = str(alarmName)
		cfg.CloudwatchAlarmRegion = str(t.Region)
		cfg.InsufficientDataHealthStatus = str("LastKnownStatus")
	} else {
		port := map[string]int{HealthCheckHTTPS: 443, HealthCheckHTTP: 80}[h.Type]
		cfg.Fqdn = t.DNSName
		cfg.Port = num(port)
		cfg.ResourcePath = str(h.Path)
		cfg.RequestInterval = num(h.IntervalSeconds)
		cfg.MeasureLatency = boolp(true)
		if h.Type == HealthCheckHTTPS {
			cfg.EnableSni = boolp(true)
		}
	}
	return route53healthcheck.NewRoute53HealthCheck(c, str("health-"+t.Role), cfg).Id()
}

// healthCheckAlarm raises the health check's status in us-east-1, where
// Route 53 publishes it, to the alert topic: a failover is news.
func healthCheckAlarm(c cdk.Construct, p *DNSProps, t FailoverTarget, check *string) {
	name := fmt.Sprintf("%s-%s-health-check", p.Name, t.Role)
	actions := &[]*string{p.AlarmTopicArn}
	cloudwatchmetricalarm.NewCloudwatchMetricAlarm(c, str("alarm-"+t.Role), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          str(name),
		AlarmDescription:   str(fmt.Sprintf("Route 53 health check of the %s region (%s) is failing", t.Role, t.Region)),
		Namespace:          str("AWS/Route53"),
		MetricName:         str("HealthCheckStatus"),
		Dimensions:         &map[string]*string{"HealthCheckId": check},
		Statistic:          str("Minimum"),
		Period:             num(60),
		EvaluationPeriods:  num(1),
		Threshold:          num(1),
		ComparisonOperator: str("LessThanThreshold"),
		TreatMissingData:   str("breaching"),
		AlarmActions:       actions,
		OkActions:          actions,
		Tags:               nameTag(name),
		Provider:           p.AlarmProvider,
	})
}

// AliasTarget is what app records point at: a CloudFront distribution, a
// load balancer or another record of the zone.
type AliasTarget struct {
	DNSName *string
	ZoneID  *string
	// EvaluateTargetHealth follows the target's health (records of the
	// zone and load balancers; CloudFront has none to follow).
	EvaluateTargetHealth bool
	// IPv6 adds AAAA records beside the A records.
	IPv6 bool
	// DependsOn: records of the zone the target needs (Route 53 refuses an
	// alias of a record that does not exist yet).
	DependsOn []cdktf.ITerraformDependable
}

// AliasRecords points names of the zone at target: the app's own names.
func (d *DNS) AliasRecords(id string, names []string, target AliasTarget) {
	types := []string{"A"}
	if target.IPv6 {
		types = append(types, "AAAA")
	}
	for i, name := range names {
		for _, typ := range types {
			route53record.NewRoute53Record(d.Construct, str(fmt.Sprintf("%s-%d-%s", id, i, strings.ToLower(typ))), &route53record.Route53RecordConfig{
				ZoneId: d.ZoneID,
				Name:   str(name),
				Type:   str(typ),
				Alias: &route53record.Route53RecordAlias{
					Name:                 target.DNSName,
					ZoneId:               target.ZoneID,
					EvaluateTargetHealth: boolp(target.EvaluateTargetHealth),
				},
				DependsOn: dependsOn(target.DependsOn),
			})
		}
	}
}

func dependsOn(deps []cdktf.ITerraformDependable) *[]cdktf.ITerraformDependable {
	if len(deps) == 0 {
		return nil
	}
	return &deps
}
