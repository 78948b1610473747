package dr

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
)

// fixture is acme-local's DR-relevant resources made directly through the
// API on a patched moto: the writer and its cross-region replica, both
// services, the zone with the failover pair and its health checks.
type fixture struct {
	t    *testing.T
	file string // the environment file (a copy)
	orig []byte
	env  *config.Environment
	aws  *clients
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	if testing.Short() {
		t.Skip("runs moto_server")
	}
	if err := harness.RequireMoto(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	moto, err := harness.StartMoto(ctx, 0, filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(moto.Stop)
	data, err := os.ReadFile(filepath.Join("..", "..", config.DefaultDir, "acme-local.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("http://127.0.0.1:4566"), []byte(moto.Endpoint), 1)
	f := &fixture{t: t, file: filepath.Join(t.TempDir(), "acme-local.yaml"), orig: data}
	if err := os.WriteFile(f.file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f.reload()
	if f.aws, err = newClients(ctx, f.env); err != nil {
		t.Fatal(err)
	}
	f.instance(config.RolePrimary, "")
	f.instance(config.RoleSecondary, f.env.DatabaseArn(config.RolePrimary))
	for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
		region := f.env.RegionOf(role).Region
		c := f.aws.ecs[region]
		cluster := f.env.Prefix(region)
		must(t, func() error {
			_, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)})
			return err
		})
		must(t, func() error {
			_, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("app"),
				ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("app:1"), Memory: aws.Int32(512)}}})
			return err
		})
		must(t, func() error {
			_, err := c.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String(f.env.Service.Name),
				TaskDefinition: aws.String("app"), DesiredCount: aws.Int32(int32(f.env.Service.DesiredCount))})
			return err
		})
	}
	zone, err := f.aws.dns.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String(f.env.DNS.Domain), CallerReference: aws.String("dr-test")})
	if err != nil {
		t.Fatal(err)
	}
	var changes []r53types.Change
	for i, role := range []string{config.RolePrimary, config.RoleSecondary} {
		hc, err := f.aws.dns.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String("dr-" + role),
			HealthCheckConfig: &r53types.HealthCheckConfig{Type: r53types.HealthCheckTypeHttps, FullyQualifiedDomainName: aws.String(role + ".example.com"), ResourcePath: aws.String("/health")}})
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, r53types.Change{Action: r53types.ChangeActionCreate, ResourceRecordSet: &r53types.ResourceRecordSet{
			Name: aws.String("origin." + f.env.DNS.Domain), Type: r53types.RRTypeA, SetIdentifier: aws.String(role),
			Failover: []r53types.ResourceRecordSetFailover{r53types.ResourceRecordSetFailoverPrimary, r53types.ResourceRecordSetFailoverSecondary}[i],
			TTL:      aws.Int64(60), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String([]string{"192.0.2.1", "192.0.2.2"}[i])}},
			HealthCheckId: hc.HealthCheck.Id}})
	}
	must(t, func() error {
		_, err := f.aws.dns.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: zone.HostedZone.Id, ChangeBatch: &r53types.ChangeBatch{Changes: changes}})
		return err
	})
	// The pipelines' push triggers, as deployed: the main pipeline's on,
	// the standby's off.
	if !f.env.StandbyPipeline() {
		t.Fatal("fixture: acme-local has no standby pipeline (pipeline.standby)")
	}
	for role, state := range map[string]ebtypes.RuleState{config.RolePrimary: ebtypes.RuleStateEnabled, config.RoleSecondary: ebtypes.RuleStateDisabled} {
		must(t, func() error {
			_, err := f.aws.events[f.env.RegionOf(role).Region].PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(f.env.PipelineTriggerRule(role)),
				EventPattern: aws.String(`{"source":["aws.codecommit"]}`), State: state})
			return err
		})
	}
	return f
}

// triggers returns the state of each pipeline's push trigger by role.
func (f *fixture) triggers() map[string]string {
	f.t.Helper()
	out := map[string]string{}
	for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
		rule, err := f.aws.events[f.env.RegionOf(role).Region].DescribeRule(context.Background(), &eventbridge.DescribeRuleInput{Name: aws.String(f.env.PipelineTriggerRule(role))})
		if err != nil {
			f.t.Fatal(err)
		}
		out[role] = string(rule.State)
	}
	return out
}

func must(t *testing.T, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) reload() {
	f.t.Helper()
	env, err := config.LoadFile(f.file)
	if err != nil {
		f.t.Fatal(err)
	}
	f.env = env
}

// instance creates role's instance: a writer, or a replica of source
// (what a deploy of the stack does).
func (f *fixture) instance(role, source string) {
	f.t.Helper()
	region, id := f.env.RegionOf(role).Region, f.env.DatabaseIdentifier(role)
	c := f.aws.rds[region]
	ctx := context.Background()
	var err error
	if source == "" {
		_, err = c.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(id), Engine: aws.String("postgres"),
			DBInstanceClass: aws.String("db.t3.micro"), MasterUsername: aws.String("app_admin"), MasterUserPassword: aws.String("test-password"),
			AllocatedStorage: aws.Int32(20), BackupRetentionPeriod: aws.Int32(7)})
	} else {
		_, err = c.CreateDBInstanceReadReplica(ctx, &rds.CreateDBInstanceReadReplicaInput{DBInstanceIdentifier: aws.String(id),
			SourceDBInstanceIdentifier: aws.String(source), DBInstanceClass: aws.String("db.t3.micro")})
	}
	if err != nil {
		f.t.Fatal(err)
	}
}

// rebuild is what Terraform's replacement of role's instance by a replica
// of source does.
func (f *fixture) rebuild(role, source string) {
	f.t.Helper()
	region, id := f.env.RegionOf(role).Region, f.env.DatabaseIdentifier(role)
	if _, err := f.aws.rds[region].DeleteDBInstance(context.Background(), &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(id), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		f.t.Fatal(err)
	}
	f.instance(role, source)
}

// lag puts a ReplicaLag datapoint for role's instance (moto has no RDS
// metrics of its own).
func (f *fixture) lag(role string, seconds float64) {
	f.t.Helper()
	region := f.env.RegionOf(role).Region
	_, err := f.aws.metrics[region].PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/RDS"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("ReplicaLag"), Value: aws.Float64(seconds), Timestamp: aws.Time(time.Now()),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("DBInstanceIdentifier"), Value: aws.String(f.env.DatabaseIdentifier(role))}}}}})
	if err != nil {
		f.t.Fatal(err)
	}
}

// op runs one operation on the current file.
func (f *fixture) op(fn func(context.Context, Options) (*Report, error), execute, force bool) *Report {
	f.t.Helper()
	f.reload()
	var log bytes.Buffer
	rep, err := fn(context.Background(), Options{Env: f.env, File: f.file, Execute: execute, Force: force, Log: &log})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Logf("%s execute=%v: %s %s\n%s", rep.Command, execute, rep.Result, rep.Reason, log.String())
	return rep
}

// shape is what the tests assert: which instance writes and whom the other
// follows, whom DNS answers with, the services' desired counts.
func (f *fixture) shape() (writers []string, sources map[string]string, serving string, desired map[string]int32) {
	f.t.Helper()
	r := &run{opts: Options{Log: &bytes.Buffer{}}, env: f.env, aws: f.aws, rep: &Report{}}
	st := r.status(context.Background())
	sources = map[string]string{}
	desired = map[string]int32{}
	for role, db := range st.Databases {
		sources[role] = db.Source
	}
	for role, s := range st.Services {
		desired[role] = s.Desired
	}
	return st.Writers, sources, st.Serving, desired
}

func TestFailoverRefusesWithoutAKnownSmallLag(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name   string
		lag    float64 // < 0: no datapoint
		reason string
	}{{"unknown", -1, "replica lag unknown"}, {"above threshold", 600, "above 60 s"}} {
		if tc.lag >= 0 {
			f.lag(config.RoleSecondary, tc.lag)
		}
		rep := f.op(Failover, true, false)
		if rep.Result != "refused" || !strings.Contains(rep.Reason, tc.reason) {
			t.Errorf("%s: %s %q, want refused for %q", tc.name, rep.Result, rep.Reason, tc.reason)
		}
		if writers, _, _, _ := f.shape(); len(writers) != 1 || writers[0] != config.RolePrimary {
			t.Errorf("%s: writers %v after a refusal", tc.name, writers)
		}
		if data, _ := os.ReadFile(f.file); !bytes.Equal(data, f.orig) {
			t.Errorf("%s: the environment file changed after a refusal", tc.name)
		}
	}
	// --force overrides the check; a dry run still changes nothing.
	rep := f.op(Failover, false, true)
	if rep.Result != "ok" {
		t.Fatalf("forced dry run: %s %s", rep.Result, rep.Reason)
	}
	for _, s := range rep.Steps {
		if s.Result == StepDone && s.Name != "status" {
			t.Errorf("dry run did %s", s.Name)
		}
	}
	if writers, _, _, _ := f.shape(); len(writers) != 1 || writers[0] != config.RolePrimary {
		t.Errorf("writers %v after a dry run", writers)
	}
}

// The drill through the API: failover, then failback's three phases with
// what the deploys between them do, ending in the starting shape and file.
func TestFailoverFailbackDrill(t *testing.T) {
	f := newFixture(t)
	startWriters, startSources, startServing, startDesired := f.shape()
	if len(startWriters) != 1 || startWriters[0] != config.RolePrimary || startServing != config.RolePrimary || startSources[config.RoleSecondary] == "" {
		t.Fatalf("fixture: writers %v sources %v serving %s", startWriters, startSources, startServing)
	}

	f.lag(config.RoleSecondary, 5)
	rep := f.op(Failover, true, false)
	if rep.Result != "ok" {
		t.Fatalf("failover: %s %s", rep.Result, rep.Reason)
	}
	writers, sources, serving, desired := f.shape()
	if len(writers) != 2 || sources[config.RoleSecondary] != "" {
		t.Errorf("failover: writers %v sources %v, want the secondary promoted (and the primary's former writer still there)", writers, sources)
	}
	if serving != config.RoleSecondary {
		t.Errorf("failover: DNS answers with %s", serving)
	}
	if got := f.triggers(); got[config.RoleSecondary] != "ENABLED" || got[config.RolePrimary] != "DISABLED" {
		t.Errorf("failover: pipeline triggers %v, want the standby's on and the main one's off", got)
	}
	if desired[config.RoleSecondary] != int32(f.env.Service.DesiredCount) || desired[config.RolePrimary] != 0 {
		t.Errorf("failover: desired counts %v", desired)
	}
	f.reload()
	if f.env.Database.Writer != config.RoleSecondary || f.env.Database.Replica.State != config.ReplicaDetached {
		t.Errorf("failover wrote writer %s state %s", f.env.Database.Writer, f.env.Database.Replica.State)
	}
	if data, _ := os.ReadFile(f.file); !bytes.Contains(data, []byte("# acme on the AWS emulator")) {
		t.Error("the rewritten file lost its comments")
	}
	if rep := f.op(Failover, true, true); rep.Result != "refused" {
		t.Errorf("a second failover: %s, want refused", rep.Result)
	}

	rep = f.op(Failback, true, false)
	if rep.Phase != PhaseRebuild || rep.Result != "ok" {
		t.Fatalf("failback rebuild: phase %s %s %s", rep.Phase, rep.Result, rep.Reason)
	}
	if rep := f.op(Failback, true, false); rep.Phase != PhaseSwitch || rep.Result != "refused" {
		t.Errorf("switch before the primary's rebuild: phase %s %s, want refused", rep.Phase, rep.Result)
	}
	f.rebuild(config.RolePrimary, f.env.DatabaseArn(config.RoleSecondary))
	f.lag(config.RolePrimary, 0)
	rep = f.op(Failback, true, false)
	if rep.Phase != PhaseSwitch || rep.Result != "ok" {
		t.Fatalf("failback switch: phase %s %s %s", rep.Phase, rep.Result, rep.Reason)
	}
	f.rebuild(config.RoleSecondary, f.env.DatabaseArn(config.RolePrimary))
	rep = f.op(Failback, true, false)
	if rep.Phase != PhaseFinish || rep.Result != "ok" {
		t.Fatalf("failback finish: phase %s %s %s", rep.Phase, rep.Result, rep.Reason)
	}

	writers, sources, serving, desired = f.shape()
	if len(writers) != 1 || writers[0] != config.RolePrimary || sources[config.RoleSecondary] != startSources[config.RoleSecondary] || serving != config.RolePrimary {
		t.Errorf("after failback: writers %v sources %v serving %s, want %v %v %s", writers, sources, serving, startWriters, startSources, startServing)
	}
	for role, n := range startDesired {
		if desired[role] != n {
			t.Errorf("after failback: %s desired %d, want %d", role, desired[role], n)
		}
	}
	if got := f.triggers(); got[config.RolePrimary] != "ENABLED" || got[config.RoleSecondary] != "DISABLED" {
		t.Errorf("after failback: pipeline triggers %v, want the main one's on and the standby's off", got)
	}
	f.reload()
	if f.env.Database.Writer != config.RolePrimary || f.env.Database.Replica.State != config.ReplicaReplicating {
		t.Errorf("after failback the file says writer %s state %s", f.env.Database.Writer, f.env.Database.Replica.State)
	}
}

// After a failover a push starts the standby pipeline, not the main one:
// the standby's trigger rule is enabled, the main pipeline's disabled.
func TestReleaseFromTheSecondary(t *testing.T) {
	f := newFixture(t)
	r := &run{opts: Options{Execute: true, Log: &bytes.Buffer{}}, env: f.env, aws: f.aws, rep: &Report{Result: "ok"}}
	if err := r.releaseFrom(context.Background(), config.RoleSecondary); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{config.RolePrimary: "DISABLED", config.RoleSecondary: "ENABLED"}
	if got := f.triggers(); !maps.Equal(got, want) {
		t.Errorf("pipeline triggers %v, want %v", got, want)
	}
}
