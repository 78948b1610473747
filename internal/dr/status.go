package dr

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/multiregion/multiregion/config"
)

// Status is what the API says about an environment, beside what its
// config says.
type Status struct {
	// ConfigWriter and ConfigReplicaState are the config's database.writer
	// and database.replica.state.
	ConfigWriter       string `json:"config_writer"`
	ConfigReplicaState string `json:"config_replica_state"`
	// Writers are the roles whose instance answers as a standalone writer
	// (two means a split brain; none, an outage or a promotion under way).
	Writers []string `json:"writers"`
	// Databases and Services by role (primary, secondary).
	Databases map[string]*Instance `json:"databases"`
	Services  map[string]*Service  `json:"services"`
	// ReplicaLag is the lag of the instance that replicates, against the
	// replica-lag alarm's threshold (the RPO guard).
	ReplicaLag *Lag `json:"replica_lag,omitempty"`
	// DNS is the failover pair; Serving the role Route 53 answers with.
	DNS     *DNS   `json:"dns,omitempty"`
	Serving string `json:"serving,omitempty"`
	// NotEmulated lists what the emulator cannot show truthfully.
	NotEmulated []string `json:"not_emulated,omitempty"`
}

// Instance is one region's PostgreSQL instance.
type Instance struct {
	Identifier string `json:"identifier"`
	Region     string `json:"region"`
	// State is RDS's status (available, modifying, ...), or absent.
	State string `json:"state"`
	// Source is the ARN or identifier it replicates from; "" for a writer.
	Source             string   `json:"source,omitempty"`
	Replicas           []string `json:"replicas,omitempty"`
	Address            string   `json:"address,omitempty"`
	DeletionProtection bool     `json:"deletion_protection"`
	Error              string   `json:"error,omitempty"`
}

// Lag is a replica's ReplicaLag metric (seconds), the newest maximum of
// the last ten minutes.
type Lag struct {
	Role      string   `json:"role"`
	Seconds   *float64 `json:"seconds"`
	Threshold float64  `json:"threshold"`
	Detail    string   `json:"detail,omitempty"`
}

// Service is one region's ECS service.
type Service struct {
	Cluster string `json:"cluster"`
	Name    string `json:"name"`
	Desired int32  `json:"desired"`
	Running int32  `json:"running"`
	Error   string `json:"error,omitempty"`
}

// DNS is the failover pair origin.<domain>.
type DNS struct {
	Zone   string                  `json:"zone"`
	Record string                  `json:"record"`
	Roles  map[string]*FailoverArm `json:"roles"`
}

// FailoverArm is one record of the pair and its health check.
type FailoverArm struct {
	Failover      string `json:"failover"` // PRIMARY or SECONDARY
	HealthCheckID string `json:"health_check_id"`
	Inverted      bool   `json:"inverted"`
	Disabled      bool   `json:"disabled"`
	// Healthy is what Route 53 acts on: the checkers' majority, turned
	// over when inverted, always healthy when disabled.
	Healthy bool `json:"healthy"`
}

const absent = "absent"

// GetStatus reads the status of the environment (nothing changes).
func GetStatus(ctx context.Context, opts Options) (*Report, error) {
	r, err := newRun(ctx, "status", opts)
	if err != nil {
		return nil, err
	}
	r.rep.Status = r.status(ctx)
	return r.finish(), nil
}

// status reads everything, each region on its own: a region that does not
// answer is reported per item, never fatal.
func (r *run) status(ctx context.Context) *Status {
	t := time.Now()
	d := r.env.Database
	st := &Status{ConfigWriter: d.Writer, ConfigReplicaState: d.Replica.State,
		Databases: map[string]*Instance{}, Services: map[string]*Service{}}
	for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
		if d.InstanceRole(role) != config.InstanceNone {
			st.Databases[role] = r.instance(ctx, role)
			if db := st.Databases[role]; db.State != absent && db.Error == "" && db.Source == "" {
				st.Writers = append(st.Writers, role)
			}
		}
		st.Services[role] = r.service(ctx, role)
	}
	for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
		if db := st.Databases[role]; db != nil && db.Source != "" {
			st.ReplicaLag = r.lag(ctx, role)
		}
	}
	if r.env.Edge() {
		dns, err := r.dns(ctx)
		if err != nil {
			st.DNS = &DNS{Record: "origin." + r.env.DNS.Domain}
			r.note("status-dns", "", StepFailed, err.Error(), 0)
		} else {
			st.DNS = dns
			st.Serving = serving(dns)
		}
	}
	if r.env.Emulator != nil {
		st.NotEmulated = append(st.NotEmulated,
			"replica lag: moto publishes no RDS metrics; the lag is whatever was put as AWS/RDS ReplicaLag (PutMetricData)",
			"health-check status: moto answers every check with a canned success; healthy is derived from the checks' inverted and disabled flags",
			"promotion time: moto promotes at once; on AWS a promotion takes minutes")
	}
	r.note("status", "", StepDone, fmt.Sprintf("writers %v, serving %q, config writer %s (%s)", st.Writers, st.Serving, d.Writer, d.Replica.State), time.Since(t))
	return st
}

// instance describes one region's instance by its identifier from config.
func (r *run) instance(ctx context.Context, role string) *Instance {
	region := r.region(role)
	in := &Instance{Identifier: r.env.DatabaseIdentifier(role), Region: region}
	out, err := r.aws.rds[region].DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(in.Identifier)})
	var notFound *rdstypes.DBInstanceNotFoundFault
	switch {
	case errors.As(err, &notFound):
		in.State = absent
		return in
	case err != nil:
		in.Error = err.Error()
		return in
	case len(out.DBInstances) == 0:
		in.State = absent
		return in
	}
	db := out.DBInstances[0]
	in.State = aws.ToString(db.DBInstanceStatus)
	in.Source = aws.ToString(db.ReadReplicaSourceDBInstanceIdentifier)
	in.Replicas = db.ReadReplicaDBInstanceIdentifiers
	in.DeletionProtection = aws.ToBool(db.DeletionProtection)
	if db.Endpoint != nil {
		in.Address = aws.ToString(db.Endpoint.Address)
	}
	return in
}

// service describes one region's ECS service by its names from config.
func (r *run) service(ctx context.Context, role string) *Service {
	region := r.region(role)
	s := &Service{Cluster: r.env.Prefix(region), Name: r.env.Service.Name}
	out, err := r.aws.ecs[region].DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(s.Cluster), Services: []string{s.Name}})
	switch {
	case err != nil:
		s.Error = err.Error()
	case len(out.Services) == 0:
		s.Error = "no such service"
	default:
		s.Desired, s.Running = out.Services[0].DesiredCount, out.Services[0].RunningCount
	}
	return s
}

// lag reads the ReplicaLag metric of the replicating instance of role.
func (r *run) lag(ctx context.Context, role string) *Lag {
	region := r.region(role)
	l := &Lag{Role: role, Threshold: r.env.Monitoring.Alarms.ReplicaLagHigh.Threshold}
	now := time.Now()
	out, err := r.aws.metrics[region].GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace:  aws.String("AWS/RDS"),
		MetricName: aws.String("ReplicaLag"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("DBInstanceIdentifier"), Value: aws.String(r.env.DatabaseIdentifier(role))}},
		StartTime:  aws.Time(now.Add(-10 * time.Minute)),
		EndTime:    aws.Time(now.Add(time.Minute)),
		Period:     aws.Int32(60),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticMaximum},
	})
	switch {
	case err != nil:
		l.Detail = err.Error()
	case len(out.Datapoints) == 0:
		l.Detail = "no ReplicaLag datapoint in the last 10 minutes"
	default:
		newest := slices.MaxFunc(out.Datapoints, func(a, b cwtypes.Datapoint) int { return aws.ToTime(a.Timestamp).Compare(aws.ToTime(b.Timestamp)) })
		l.Seconds = newest.Maximum
	}
	return l
}

// dns reads the failover pair and its health checks.
func (r *run) dns(ctx context.Context) (*DNS, error) {
	domain := strings.TrimSuffix(r.env.DNS.Domain, ".")
	zone := r.env.DNS.ZoneID
	if zone == "" {
		out, err := r.aws.dns.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String(domain)})
		if err != nil {
			return nil, fmt.Errorf("hosted zone %s: %w", domain, err)
		}
		for _, z := range out.HostedZones {
			if strings.TrimSuffix(aws.ToString(z.Name), ".") == domain {
				zone = strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/")
				break
			}
		}
		if zone == "" {
			return nil, fmt.Errorf("no hosted zone %s", domain)
		}
	}
	d := &DNS{Zone: zone, Record: "origin." + domain, Roles: map[string]*FailoverArm{}}
	out, err := r.aws.dns.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{
		HostedZoneId: aws.String(zone), StartRecordName: aws.String(d.Record), StartRecordType: r53types.RRTypeA,
	})
	if err != nil {
		return nil, fmt.Errorf("records of %s: %w", d.Record, err)
	}
	for _, rs := range out.ResourceRecordSets {
		role := aws.ToString(rs.SetIdentifier)
		if strings.TrimSuffix(aws.ToString(rs.Name), ".") != d.Record || (role != config.RolePrimary && role != config.RoleSecondary) {
			continue
		}
		arm := &FailoverArm{Failover: string(rs.Failover), HealthCheckID: aws.ToString(rs.HealthCheckId)}
		if arm.HealthCheckID != "" {
			hc, err := r.aws.dns.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: aws.String(arm.HealthCheckID)})
			if err != nil {
				return nil, fmt.Errorf("health check %s: %w", arm.HealthCheckID, err)
			}
			arm.Inverted = aws.ToBool(hc.HealthCheck.HealthCheckConfig.Inverted)
			arm.Disabled = aws.ToBool(hc.HealthCheck.HealthCheckConfig.Disabled)
			observed, err := r.observedHealthy(ctx, arm.HealthCheckID)
			if err != nil {
				return nil, err
			}
			arm.Healthy = arm.Disabled || observed != arm.Inverted
		}
		d.Roles[role] = arm
	}
	if len(d.Roles) != 2 {
		return nil, fmt.Errorf("%s has %d of the 2 failover records", d.Record, len(d.Roles))
	}
	return d, nil
}

// observedHealthy is the majority of Route 53's checkers.
func (r *run) observedHealthy(ctx context.Context, id string) (bool, error) {
	out, err := r.aws.dns.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: aws.String(id)})
	if err != nil {
		return false, fmt.Errorf("health check %s status: %w", id, err)
	}
	ok := 0
	for _, o := range out.HealthCheckObservations {
		if o.StatusReport != nil && strings.HasPrefix(aws.ToString(o.StatusReport.Status), "Success") {
			ok++
		}
	}
	return ok*2 > len(out.HealthCheckObservations), nil
}

// serving is the role Route 53 answers with: the PRIMARY record while
// healthy, else a healthy SECONDARY, else the PRIMARY (all unhealthy).
func serving(d *DNS) string {
	var primary, secondary string
	for role, arm := range d.Roles {
		if arm.Failover == string(r53types.ResourceRecordSetFailoverPrimary) {
			primary = role
		} else {
			secondary = role
		}
	}
	if p := d.Roles[primary]; p != nil && p.Healthy {
		return primary
	}
	if s := d.Roles[secondary]; s != nil && s.Healthy {
		return secondary
	}
	return primary
}
