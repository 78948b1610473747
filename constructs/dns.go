package constructs

import (
	"fmt"
	"strings"

	cdk "github.com/aws/constructs-go/constructs/v10"
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
	// Role is primary or secondary: the record's set identifier and the
	// key of its health check.
	Role string
	// Preferred makes the record the PRIMARY of the failover pair (the
	// other is SECONDARY): the region whose database instance is the writer.
	Preferred bool
	Region    string
	// DNSName and ZoneID of the load balancer (its alias target).
	DNSName *string
	ZoneID  *string
	// AlarmName is the alarm in Region that a CLOUDWATCH_METRIC check
	// follows: the region's healthy-targets alarm, which its regional
	// stack owns (the alarm lives with its metric and topic).
	AlarmName *string
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
}

// DNS is the hosted zone, a health check per region and the
// origin.<domain> failover pair. The alarms on the health checks are the
// monitoring table's (HealthCheckStatus), built by the caller.
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

// NewDNS creates the zone (unless given), the health checks and the
// failover records.
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
		// The failover pair: the preferred region while its check passes,
		// else the other.
		failover := "SECONDARY"
		if t.Preferred {
			failover = "PRIMARY"
		}
		record := route53record.NewRoute53Record(c, str("origin-"+t.Role), &route53record.Route53RecordConfig{
			ZoneId:                d.ZoneID,
			Name:                  str(d.OriginName),
			Type:                  str("A"),
			SetIdentifier:         str(t.Role),
			FailoverRoutingPolicy: &route53record.Route53RecordFailoverRoutingPolicy{Type: str(failover)},
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
	if h.Type == HealthCheckMetric {
		if t.AlarmName == nil {
			panic("NewDNS: " + t.Role + ": AlarmName is required for a " + HealthCheckMetric + " check")
		}
		// The region counts as unhealthy while its healthy-targets alarm
		// is in ALARM; without data it keeps its last status.
		cfg.CloudwatchAlarmName = t.AlarmName
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
