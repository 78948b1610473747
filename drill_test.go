package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
	"github.com/multiregion/multiregion/internal/dr"
)

// TestDRDrillOnEmulator is the disaster-recovery drill on acme-local: deploy
// on the patched moto, `failover --execute`, check the API, re-synthesize
// from the rewritten config and re-plan every stack (nothing stateful
// deleted or replaced, nothing pointing at the primary's writer, nothing
// changed in the primary region); then failback's three phases with their
// deploys (the switch's deploys the secondary and global stacks too),
// ending in the starting shape, file and plans. It re-runs
// itself in a private network namespace of its own, beside the emulator
// round trip; moto's state ends with it, so nothing is destroyed.
func TestDRDrillOnEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys on moto_server (minutes)")
	}
	if !runInPrivateNetns(t, "TestDRDrillOnEmulator", 30*time.Minute) {
		return
	}
	d := newDrill(t)
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	defer d.session.Close()
	defer d.timings()

	d.timed("deploy", func() { d.apply(ctx, config.RolePrimary, config.RoleSecondary, config.RoleGlobal) })
	start := d.shape(ctx)

	d.putLag(ctx, config.RoleSecondary, 5)
	// The runbook's read-only commands, exactly as docs/dr.md gives them
	// (on the project's own acme-local file, which they do not change).
	d.command(ctx, "status", "go run ./cmd/dr status -env acme-local")
	d.command(ctx, "failover dry run", "go run ./cmd/dr failover -env acme-local")
	d.dr(ctx, "failover", dr.Failover)
	after := d.shape(ctx)
	if after.sources[config.RoleSecondary] != "" || !slices.Contains(after.writers, config.RoleSecondary) {
		t.Errorf("after failover: writers %v sources %v, want the secondary a standalone writer", after.writers, after.sources)
	}
	if after.serving != config.RoleSecondary {
		t.Errorf("after failover DNS answers with %q, want secondary", after.serving)
	}
	if after.desired[config.RoleSecondary] != int32(d.env.Service.DesiredCount) {
		t.Errorf("after failover the secondary's service wants %d tasks, want the production count %d", after.desired[config.RoleSecondary], d.env.Service.DesiredCount)
	}
	primaryWriter := start.addresses[config.RolePrimary]
	d.timed("re-plan after failover", func() {
		for _, p := range d.plan(ctx, config.RolePrimary, config.RoleSecondary, config.RoleGlobal) {
			d.safe(p, primaryWriter)
		}
	})
	// The deploy of the secondary and global stacks that converges to the
	// failover is the switch's deploy below (one deploy less in the drill).

	d.dr(ctx, "failback rebuild", dr.Failback)
	d.timed("deploy primary (rebuild)", func() { d.apply(ctx, config.RolePrimary) })
	if s := d.shape(ctx); !strings.HasSuffix(s.sources[config.RolePrimary], ":db:"+d.env.DatabaseIdentifier(config.RoleSecondary)) {
		t.Errorf("after the rebuild the primary's instance replicates %q, want the secondary's writer", s.sources[config.RolePrimary])
	}
	d.putLag(ctx, config.RolePrimary, 0)
	d.dr(ctx, "failback switch", dr.Failback)
	d.timed("deploy all (switch)", func() { d.apply(ctx, config.RolePrimary, config.RoleSecondary, config.RoleGlobal) })
	d.dr(ctx, "failback finish", dr.Failback)

	end := d.shape(ctx)
	if !slices.Equal(end.writers, start.writers) || end.serving != start.serving || end.desired[config.RolePrimary] != start.desired[config.RolePrimary] ||
		end.desired[config.RoleSecondary] != start.desired[config.RoleSecondary] || !strings.HasSuffix(end.sources[config.RoleSecondary], ":db:"+d.env.DatabaseIdentifier(config.RolePrimary)) {
		t.Errorf("after failback: %+v, want the starting shape %+v", end, start)
	}
	if data, _ := os.ReadFile(d.file); !bytes.Equal(data, d.orig) {
		t.Errorf("after failback the environment file differs from the one before the failover:\n%s", data)
	}
	d.timed("re-plan all (end)", func() { d.noChanges(ctx, config.RolePrimary, config.RoleSecondary, config.RoleGlobal) })
}

// drill is the state of one drill run.
type drill struct {
	t       *testing.T
	file    string // a copy of acme-local's file, which dr rewrites
	orig    []byte
	env     *config.Environment
	session *harness.Session
	steps   []drillStep
	metrics map[string]*cloudwatch.Client
}

type drillStep struct {
	name    string
	seconds float64
}

func newDrill(t *testing.T) *drill {
	t.Helper()
	d := &drill{t: t, file: filepath.Join(t.TempDir(), drillEnv+".yaml")}
	var err error
	if d.orig, err = os.ReadFile(filepath.Join(config.DefaultDir, drillEnv+".yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.file, d.orig, 0o644); err != nil {
		t.Fatal(err)
	}
	d.reload()
	if d.env.Emulator == nil {
		t.Fatalf("%s has no emulator endpoint", drillEnv)
	}
	port := strings.TrimPrefix(d.env.Emulator.Endpoint, "http://127.0.0.1:")
	var portNum int
	if _, err := fmt.Sscan(port, &portNum); err != nil {
		t.Fatalf("%s's emulator endpoint %s is not on 127.0.0.1", drillEnv, d.env.Emulator.Endpoint)
	}
	if d.session, err = harness.StartSession(context.Background(), harness.Options{Scratch: filepath.Join(t.TempDir(), "drill"), Port: portNum, Log: testWriter{t}}); err != nil {
		t.Fatal(err)
	}
	cfg, err := awsconfig.LoadDefaultConfig(context.Background(), awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		t.Fatal(err)
	}
	d.metrics = map[string]*cloudwatch.Client{}
	for _, r := range []string{d.env.Primary.Region, d.env.Secondary.Region} {
		c := cfg.Copy()
		c.Region = r
		d.metrics[r] = cloudwatch.NewFromConfig(c, func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(d.session.Endpoint) })
	}
	return d
}

func (d *drill) reload() {
	d.t.Helper()
	env, err := config.LoadFile(d.file)
	if err != nil {
		d.t.Fatal(err)
	}
	d.env = env
}

func (d *drill) timed(name string, fn func()) {
	start := time.Now()
	fn()
	d.steps = append(d.steps, drillStep{name, time.Since(start).Seconds()})
}

// timings logs every step's wall time, the drill's evidence.
func (d *drill) timings() {
	var b strings.Builder
	total := 0.0
	for _, s := range d.steps {
		fmt.Fprintf(&b, "  %-40s %7.1f s\n", s.name, s.seconds)
		if !strings.HasPrefix(s.name, " ") { // DR steps are inside their operation
			total += s.seconds
		}
	}
	d.t.Logf("DR drill steps:\n%s  %-40s %7.1f s", b.String(), "total", total)
}

// stacks synthesizes acme-local from the current file and returns the
// stacks of the given roles, in the order given.
func (d *drill) stacks(roles ...string) []harness.Stack {
	d.t.Helper()
	d.reload()
	dir := filepath.Join(d.t.TempDir(), "cdktf.out")
	if err := synthesize(dir, []*config.Environment{d.env}, false); err != nil {
		d.t.Fatal(err)
	}
	all, err := harness.ReadManifest(dir)
	if err != nil {
		d.t.Fatal(err)
	}
	var out []harness.Stack
	for _, role := range roles {
		for _, s := range all {
			if s.Name == d.env.StackName(role) {
				out = append(out, s)
			}
		}
	}
	return out
}

func (d *drill) apply(ctx context.Context, roles ...string) {
	d.t.Helper()
	if _, err := d.session.Apply(ctx, d.stacks(roles...)...); err != nil {
		d.t.Fatal(err)
	}
}

func (d *drill) plan(ctx context.Context, roles ...string) []harness.PlannedStack {
	d.t.Helper()
	plans, err := d.session.Plan(ctx, d.stacks(roles...)...)
	if err != nil {
		d.t.Fatal(err)
	}
	return plans
}

func (d *drill) noChanges(ctx context.Context, roles ...string) {
	d.t.Helper()
	for _, p := range d.plan(ctx, roles...) {
		for _, rc := range p.Plan.ResourceChanges {
			if !rc.Change.Actions.NoOp() && !rc.Change.Actions.Read() {
				d.t.Errorf("%s: %s plans %v", p.Stack, rc.Address, rc.Change.Actions)
			}
		}
	}
}

// safe checks a plan after the failover: no stateful resource deleted or
// replaced, no change that would undo the promotion or point at the
// primary's writer, and in the secondary and global stacks nothing changed
// through the primary region.
func (d *drill) safe(p harness.PlannedStack, primaryWriter string) {
	d.t.Helper()
	primaryStack := p.Stack == d.env.StackName(config.RolePrimary)
	for _, rc := range p.Plan.ResourceChanges {
		a := rc.Change.Actions
		if a.NoOp() || a.Read() {
			continue
		}
		if (a.Delete() || a.Replace() || a.DestroyBeforeCreate() || a.CreateBeforeDestroy()) && slices.Contains(statefulTypes, rc.Type) {
			d.t.Errorf("%s: %s plans %v: a stateful resource would be lost", p.Stack, rc.Address, a)
		}
		after := jsonText(rc.Change.After)
		if rc.Type == "aws_db_instance" && strings.Contains(after, `"replicate_source_db":"arn`) {
			d.t.Errorf("%s: %s plans replicate_source_db again: it would undo the promotion", p.Stack, rc.Address)
		}
		if !primaryStack && primaryWriter != "" && strings.Contains(after, primaryWriter) {
			d.t.Errorf("%s: %s would point at the primary's writer %s", p.Stack, rc.Address, primaryWriter)
		}
		if !primaryStack && rc.ProviderName != "" && strings.Contains(providerKey(p.Plan, rc), config.RolePrimary) {
			d.t.Errorf("%s: %s plans %v through the primary region's provider", p.Stack, rc.Address, a)
		}
	}
}

// providerKey is the provider configuration key of a resource change.
func providerKey(plan *tfjson.Plan, rc *tfjson.ResourceChange) string {
	if plan.Config == nil || plan.Config.RootModule == nil {
		return ""
	}
	for _, r := range plan.Config.RootModule.Resources {
		if r.Address == rc.Address || strings.HasPrefix(rc.Address, r.Address+"[") {
			return r.ProviderConfigKey
		}
	}
	return ""
}

// dr runs one DR operation with --execute and requires it to succeed.
func (d *drill) dr(ctx context.Context, name string, op func(context.Context, dr.Options) (*dr.Report, error)) {
	d.t.Helper()
	d.reload()
	var log bytes.Buffer
	start := time.Now()
	rep, err := op(ctx, dr.Options{Env: d.env, File: d.file, Execute: true, Log: &log})
	d.steps = append(d.steps, drillStep{name, time.Since(start).Seconds()})
	for _, s := range rep.Steps {
		d.steps = append(d.steps, drillStep{"  " + s.Name, s.Seconds})
	}
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Logf("%s: %s %s (next: %s)\n%s", name, rep.Result, rep.Reason, rep.Next, log.String())
	if rep.Result != "ok" {
		d.t.Fatalf("%s: %s: %s", name, rep.Result, rep.Reason)
	}
}

// command runs a documented command from the project folder and checks
// its JSON report: done, and (a dry run) nothing changed.
func (d *drill) command(ctx context.Context, name, line string) {
	d.t.Helper()
	start := time.Now()
	args := strings.Fields(line)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	d.steps = append(d.steps, drillStep{line, time.Since(start).Seconds()})
	if err != nil {
		d.t.Fatalf("%s: %v\n%s", line, err, stderr.String())
	}
	var rep dr.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		d.t.Fatalf("%s: report: %v\n%s", line, err, out)
	}
	if rep.Result != "ok" || rep.Execute {
		d.t.Errorf("%s: result %s execute %v: %s", line, rep.Result, rep.Execute, rep.Reason)
	}
	for _, s := range rep.Steps {
		if s.Result == dr.StepDone && s.Name != "status" && s.Name != "check-replica-lag" {
			d.t.Errorf("%s: the dry run did %s", line, s.Name)
		}
	}
	d.t.Logf("%s:\n%s", line, stderr.String())
}

// putLag drives the lag moto cannot emulate: a ReplicaLag datapoint.
func (d *drill) putLag(ctx context.Context, role string, seconds float64) {
	d.t.Helper()
	_, err := d.metrics[d.env.RegionOf(role).Region].PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/RDS"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("ReplicaLag"), Value: aws.Float64(seconds), Timestamp: aws.Time(time.Now()),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("DBInstanceIdentifier"), Value: aws.String(d.env.DatabaseIdentifier(role))}}}}})
	if err != nil {
		d.t.Fatal(err)
	}
}

// drillShape is what the drill compares: writers, sources, DNS, counts.
type drillShape struct {
	writers   []string
	sources   map[string]string
	addresses map[string]string
	serving   string
	desired   map[string]int32
}

func (d *drill) shape(ctx context.Context) drillShape {
	d.t.Helper()
	d.reload()
	rep, err := dr.GetStatus(ctx, dr.Options{Env: d.env, File: d.file})
	if err != nil {
		d.t.Fatal(err)
	}
	st := rep.Status
	s := drillShape{writers: st.Writers, serving: st.Serving, sources: map[string]string{}, addresses: map[string]string{}, desired: map[string]int32{}}
	for role, db := range st.Databases {
		if db.Error != "" {
			d.t.Fatalf("status of the %s instance: %s", role, db.Error)
		}
		s.sources[role], s.addresses[role] = db.Source, db.Address
	}
	for role, svc := range st.Services {
		s.desired[role] = svc.Desired
	}
	slices.Sort(s.writers)
	return s
}
