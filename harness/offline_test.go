package harness

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// consumerStack has two AWS providers (one aliased, with emulator endpoints
// and a profile) and a remote state of each backend kind cdktf writes, plus
// one whose upstream is unknown.
const consumerStack = `{
  "terraform": {
    "cloud": {"organization": "acme", "workspaces": {"name": "acme-prod-global"}},
    "required_providers": {"aws": {"source": "aws", "version": "~> 5.99"}}
  },
  "provider": {"aws": [
    {"region": "us-east-1", "allowed_account_ids": ["111111111111"],
     "endpoints": [{"ec2": "http://127.0.0.1:4566"}]},
    {"alias": "west", "region": "us-west-2", "profile": "acme-prod"}
  ]},
  "data": {"terraform_remote_state": {
    "cross-stack-reference-input-acme-prod-primary": {"backend": "local",
      "config": {"path": "../../../state/acme-prod-primary.tfstate"}, "workspace": "${terraform.workspace}"},
    "by-s3": {"backend": "s3",
      "config": {"bucket": "b", "key": "acme-prod-primary/terraform.tfstate", "region": "us-east-1"}},
    "by-cloud": {"backend": "remote",
      "config": {"organization": "acme", "workspaces": {"name": "acme-prod-primary"}}},
    "elsewhere": {"backend": "s3", "config": {"bucket": "b", "key": "other-team/terraform.tfstate"}}
  }},
  "resource": {"aws_ssm_parameter": {"p": {
    "name": "x", "type": "String",
    "value": "${data.terraform_remote_state.elsewhere.outputs.shared_vpc_id}"
  }}}
}`

const upstreamStack = `{
  "terraform": {"backend": {"s3": {"bucket": "b", "key": "acme-prod-primary/terraform.tfstate"}}},
  "output": {
    "cross-stack-output-aws_vpcvpcid": {"value": "${aws_vpc.vpc.id}", "sensitive": true},
    "private_subnet_ids": {"value": "${aws_subnet.private[*].id}"}
  }
}`

func writeStack(t *testing.T, root, name, body string) Stack {
	t.Helper()
	dir := filepath.Join(root, "stacks", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return Stack{Name: name, Dir: dir}
}

func TestOfflineOverride(t *testing.T) {
	out := t.TempDir()
	up := writeStack(t, out, "acme-prod-primary", upstreamStack)
	consumer := writeStack(t, out, "acme-prod-global", consumerStack)
	scratch := t.TempDir()
	stubs := &stubStates{dir: filepath.Join(scratch, "stubs"), stacks: map[string]Stack{up.Name: up}}
	dst := scratchStackDir(scratch, consumer.Name)
	if _, err := prepareOffline(consumer, dst, stubs); err != nil {
		t.Fatal(err)
	}

	// cdk.tf.json is copied as is but for the providers' endpoints blocks
	// (dropEndpoints); the override sits beside it.
	var copied, want map[string]any
	raw, _ := os.ReadFile(filepath.Join(dst, "cdk.tf.json"))
	if err := json.Unmarshal(raw, &copied); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(consumerStack), &want)
	delete(want["provider"].(map[string]any)["aws"].([]any)[0].(map[string]any), "endpoints")
	if !reflect.DeepEqual(copied, want) {
		t.Errorf("copy of cdk.tf.json:\n%s\nwant the original without endpoints", raw)
	}
	data, err := os.ReadFile(filepath.Join(dst, offlineOverrideFile))
	if err != nil {
		t.Fatal(err)
	}
	var ov struct {
		Terraform map[string]map[string]map[string]any
		Provider  struct{ AWS []map[string]any }
		Data      struct {
			RemoteState map[string]struct {
				Backend   string
				Config    map[string]string
				Workspace string
			} `json:"terraform_remote_state"`
		}
	}
	if err := json.Unmarshal(data, &ov); err != nil {
		t.Fatal(err)
	}

	if got := ov.Terraform["backend"]["local"]["path"]; got != "terraform.tfstate" || len(ov.Terraform) != 1 || len(ov.Terraform["backend"]) != 1 {
		t.Errorf("terraform block %v, want only backend local path terraform.tfstate", ov.Terraform)
	}

	if len(ov.Provider.AWS) != 2 {
		t.Fatalf("override has %d aws providers, want 2", len(ov.Provider.AWS))
	}
	for _, p := range ov.Provider.AWS {
		for _, flag := range []string{"skip_credentials_validation", "skip_requesting_account_id", "skip_metadata_api_check", "skip_region_validation"} {
			if p[flag] != true {
				t.Errorf("provider %v: %s = %v", p["alias"], flag, p[flag])
			}
		}
		if v, ok := p["allowed_account_ids"]; !ok || v != nil {
			t.Errorf("provider %v: allowed_account_ids must be null, is %v (present %v)", p["alias"], v, ok)
		}
	}
	def, west := ov.Provider.AWS[0], ov.Provider.AWS[1]
	if _, ok := def["alias"]; ok || west["alias"] != "west" {
		t.Errorf("providers not matched by alias: %v, %v", def["alias"], west["alias"])
	}
	for _, p := range ov.Provider.AWS {
		if _, ok := p["endpoints"]; ok {
			t.Errorf("provider %v: the override must not add an endpoints block (it costs 5 CPU-s per provider)", p["alias"])
		}
	}
	if v, ok := west["profile"]; !ok || v != nil {
		t.Errorf("west provider profile must be null, is %v", v)
	}

	rs := ov.Data.RemoteState
	if got := slices.Sorted(maps.Keys(rs)); !slices.Equal(got, []string{"by-cloud", "by-s3", "cross-stack-reference-input-acme-prod-primary", "elsewhere"}) {
		t.Fatalf("remote states in override: %v", got)
	}
	upStub := filepath.Join(scratch, "stubs", "acme-prod-primary.tfstate")
	for name, r := range rs {
		if r.Backend != "local" || r.Workspace != "default" || len(r.Config) != 1 || !filepath.IsAbs(r.Config["path"]) {
			t.Errorf("remote state %s: %+v, want backend local with an absolute config.path", name, r)
		}
		if name != "elsewhere" && r.Config["path"] != upStub {
			t.Errorf("remote state %s reads %s, want the upstream's stub %s", name, r.Config["path"], upStub)
		}
	}

	// The upstream's stub holds every output it declares, typed.
	var stub struct {
		Version int
		Outputs map[string]struct {
			Value     any
			Type      any
			Sensitive bool
		}
	}
	readJSON(t, upStub, &stub)
	if stub.Version != 4 || len(stub.Outputs) != 2 {
		t.Fatalf("stub %+v", stub)
	}
	if o := stub.Outputs["cross-stack-output-aws_vpcvpcid"]; o.Type != "string" || !o.Sensitive || !strings.HasPrefix(o.Value.(string), "vpc-") {
		t.Errorf("vpc id stub %+v", o)
	}
	if o := stub.Outputs["private_subnet_ids"]; len(o.Value.([]any)) != 2 || o.Type.([]any)[0] != "list" {
		t.Errorf("subnet ids stub %+v", o)
	}
	// An unknown upstream's stub holds what the stack reads from it.
	stub.Outputs = nil
	readJSON(t, rs["elsewhere"].Config["path"], &stub)
	if _, ok := stub.Outputs["shared_vpc_id"]; !ok || len(stub.Outputs) != 1 {
		t.Errorf("unknown upstream stub outputs %v, want only shared_vpc_id", stub.Outputs)
	}
}

func TestUpstreamOf(t *testing.T) {
	tests := []struct {
		ds   string
		rs   remoteState
		want string
	}{
		{"cross-stack-reference-input-acme-prod-primary", remoteState{Backend: "s3"}, "acme-prod-primary"},
		{"x", remoteState{Backend: "local", Config: map[string]any{"path": "../../../state/acme-dev-primary.tfstate"}}, "acme-dev-primary"},
		{"x", remoteState{Backend: "local", Config: map[string]any{"path": "/work/terraform.acme-dev-primary.tfstate"}}, "acme-dev-primary"},
		{"x", remoteState{Backend: "s3", Config: map[string]any{"key": "acme-dev-primary/terraform.tfstate"}}, "acme-dev-primary"},
		{"x", remoteState{Backend: "remote", Config: map[string]any{"workspaces": map[string]any{"name": "acme-dev-primary"}}}, "acme-dev-primary"},
		{"x", remoteState{Backend: "consul"}, ""},
	}
	for _, tt := range tests {
		if got := upstreamOf(tt.ds, tt.rs); got != tt.want {
			t.Errorf("upstreamOf(%s, %+v) = %q, want %q", tt.ds, tt.rs, got, tt.want)
		}
	}
}

func TestPlanCounts(t *testing.T) {
	tests := map[string][3]int{
		"Plan: 3 to add, 0 to change, 0 to destroy.\n":                       {3, 0, 0},
		"x\nPlan: 1 to import, 2 to add, 4 to change, 1 to destroy.\nmore\n": {2, 4, 1},
		"No changes. Your infrastructure matches the configuration.\n":       {0, 0, 0},
	}
	for log, want := range tests {
		path := filepath.Join(t.TempDir(), "plan.log")
		os.WriteFile(path, []byte(log), 0o644)
		if a, c, d := planCounts(path); [3]int{a, c, d} != want {
			t.Errorf("planCounts(%q) = %d, %d, %d, want %v", log, a, c, d, want)
		}
	}
}

func TestOfflineFixture(t *testing.T) {
	requireTerraform(t)
	t.Run("as synthesized", func(t *testing.T) { testOffline(t, "testdata/fixture") })
	// The acme-local shape (emulator endpoints, test keys) and HCP Terraform
	// (cloud block, remote state from a workspace), plus credential sources
	// that would fail offline: the override must neutralize all of them.
	t.Run("cloud and emulator settings", func(t *testing.T) {
		testOffline(t, rewriteFixture(t, func(name string, stack map[string]any) {
			tf := stack["terraform"].(map[string]any)
			delete(tf, "backend")
			tf["cloud"] = map[string]any{"organization": "acme", "workspaces": map[string]any{"name": name}}
			for _, p := range stack["provider"].(map[string]any)["aws"].([]any) {
				p := p.(map[string]any)
				p["access_key"], p["secret_key"], p["profile"] = "test", "test", "acme-fix"
				p["endpoints"] = []any{map[string]any{"ec2": "http://127.0.0.1:4566", "sts": "http://127.0.0.1:4566"}}
				p["assume_role"] = []any{map[string]any{"role_arn": "arn:aws:iam::123456789012:role/deploy"}}
			}
			if data, ok := stack["data"].(map[string]any); ok {
				for _, rs := range data["terraform_remote_state"].(map[string]any) {
					rs.(map[string]any)["backend"] = "remote"
					rs.(map[string]any)["config"] = map[string]any{"organization": "acme", "workspaces": map[string]any{"name": "fix-primary"}}
				}
			}
		}))
	})
}

// TestOfflineInvalidStack: the plan validates, so no stack runs a separate
// terraform validate, except one whose plan fails: then validate tells an
// invalid configuration (reported as such, the plan step dropped) from a
// failed plan. The other stacks are checked all the same.
func TestOfflineInvalidStack(t *testing.T) {
	requireTerraform(t)
	outdir := rewriteFixture(t, func(name string, stack map[string]any) {
		if name != "fix-primary" {
			return
		}
		for _, byName := range stack["resource"].(map[string]any) {
			for _, r := range byName.(map[string]any) {
				r.(map[string]any)["no_such_argument"] = true
			}
		}
	})
	stacks, err := ReadManifest(outdir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	scratch := t.TempDir()
	results, err := Offline(ctx, Options{Scratch: scratch, Log: testLog{t}}, stacks)
	if err == nil || !strings.Contains(err.Error(), "fix-primary: validate failed") {
		t.Errorf("want the invalid stack's validate failure named, got %v", err)
	}
	for _, r := range results { // the one run for all stacks failed: each stack ran its own
		if r.Plan.Ran && r.Plan.Log != logPath(scratch, r.Stack, "plan") {
			t.Errorf("%s: plan log %s, want its own", r.Stack, r.Plan.Log)
		}
	}
	for _, r := range results {
		switch r.Stack {
		case "fix-primary":
			if !r.Validate.Ran || r.Validate.OK || r.Plan.Ran || r.Show.Ran {
				t.Errorf("%s: validate %s, plan %s, show %s; want validate FAIL and nothing else", r.Stack, r.Validate.Status(), r.Plan.Status(), r.Show.Status())
			}
		default:
			if !r.Validate.OK || !r.Plan.OK || !r.Show.OK || r.Validate.Duration != 0 {
				t.Errorf("%s: validate %s (%s), plan %s, show %s; want the plan to validate, no separate validate", r.Stack, r.Validate.Status(), r.Validate.Duration, r.Plan.Status(), r.Show.Status())
			}
		}
	}
}

func testOffline(t *testing.T, outdir string) {
	stacks, err := ReadManifest(outdir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	scratch := t.TempDir()
	cache := filepath.Join(t.TempDir(), "plugin-cache")
	results, err := Offline(ctx, Options{Scratch: scratch, PluginCacheDir: cache, Log: testLog{t}}, stacks)
	t.Logf("offline check of %d stacks: %s", len(stacks), time.Since(start).Round(time.Millisecond))
	if found, _ := filepath.Glob(filepath.Join(cache, "registry.terraform.io", "hashicorp", "aws", "*", "*", "terraform-provider-aws_*")); len(found) == 0 {
		t.Errorf("the AWS provider is not in the plugin cache %s", cache)
	}
	if err != nil {
		for _, r := range results {
			for _, s := range []StepResult{r.Init, r.Validate, r.Plan, r.Show} {
				if s.Ran && !s.OK {
					t.Logf("%s:\n%s", r.Stack, s.Output)
				}
			}
		}
		t.Fatal(err)
	}
	want := map[string]int{"fix-primary": 1, "fix-secondary": 2}
	for _, r := range results {
		if !strings.Contains(r.Plan.Log, "(together)") {
			t.Errorf("%s was planned on its own (%s), not in the one run for all stacks", r.Stack, r.Plan.Log)
		}
		if !r.Validate.OK || !r.Plan.OK || !r.Show.OK {
			t.Errorf("%s: validate %s, plan %s, show %s", r.Stack, r.Validate.Status(), r.Plan.Status(), r.Show.Status())
		}
		if r.Adds != want[r.Stack] || r.Changes != 0 || r.Destroys != 0 {
			t.Errorf("%s: planned +%d ~%d -%d, want +%d ~0 -0", r.Stack, r.Adds, r.Changes, r.Destroys, want[r.Stack])
		}
	}

	// The stub value of the primary's VPC id reaches the secondary's plan.
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				After map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	readJSON(t, results[1].PlanJSON, &plan)
	wantVPC := StubValue("cross-stack-output-aws_vpcvpcid")
	found := false
	for _, rc := range plan.ResourceChanges {
		if rc.Address == "aws_security_group.peer" {
			found = true
			if got := rc.Change.After["vpc_id"]; got != wantVPC {
				t.Errorf("aws_security_group.peer vpc_id = %v, want the stub %v", got, wantVPC)
			}
		}
	}
	if !found {
		t.Error("plan.json of fix-secondary has no aws_security_group.peer")
	}

	// The run shared the stacks' provider configurations: its root module
	// declares them and passes them to every module; the plan.json of each
	// stack still names its own.
	var root struct {
		Provider map[string][]map[string]any `json:"provider"`
		Module   map[string]map[string]any   `json:"module"`
	}
	readJSON(t, filepath.Join(togetherDir(scratch), "main.tf.json"), &root)
	if len(root.Provider["aws"]) != 3 {
		t.Errorf("combined root module declares %d AWS configurations, want the fixture's 3 distinct ones", len(root.Provider["aws"]))
	}
	for name, call := range root.Module {
		if call["providers"] == nil {
			t.Errorf("module %s is not passed its providers: %v", name, call)
		}
	}
	var cfg struct {
		Configuration struct {
			ProviderConfig map[string]any `json:"provider_config"`
		} `json:"configuration"`
	}
	readJSON(t, results[1].PlanJSON, &cfg)
	if got := slices.Sorted(maps.Keys(cfg.Configuration.ProviderConfig)); !slices.Equal(got, []string{"aws", "aws.primary", "terraform"}) {
		t.Errorf("fix-secondary plan.json provider configurations %v, want its own aws, aws.primary (and terraform)", got)
	}

	// The synthesized folders are untouched.
	for _, s := range stacks {
		entries, err := os.ReadDir(s.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Name() != "cdk.tf.json" {
			t.Errorf("%s was modified: %v", s.Dir, entries)
		}
	}
	if _, err := os.Stat(filepath.Join(outdir, "..", "state")); err == nil {
		t.Errorf("state written next to the cdktf output")
	}
}

// rewriteFixture writes testdata/fixture, with edit applied to each stack's
// decoded cdk.tf.json, to a temporary cdktf output folder.
func rewriteFixture(t *testing.T, edit func(name string, stack map[string]any)) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cdktf.out")
	stacks, err := ReadManifest("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stacks {
		var stack map[string]any
		readJSON(t, filepath.Join(s.Dir, "cdk.tf.json"), &stack)
		edit(s.Name, stack)
		data, err := json.MarshalIndent(stack, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(out, "stacks", s.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifest, err := os.ReadFile("testdata/fixture/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// BenchmarkOffline measures Offline on the fixture, or on the cdktf output
// folder in HARNESS_BENCH_OUTDIR (e.g. a synthesized cdktf.out), in full and
// quick mode. Besides wall time it reports the CPU seconds of the Terraform
// processes: on a shared machine that is the steadier figure, and wall time
// on an idle one is about CPU / cores.
//
//	HARNESS_BENCH_OUTDIR=$PWD/cdktf.out go test ./harness -run '^$' -bench Offline -benchtime 1x
func BenchmarkOffline(b *testing.B) {
	if _, err := exec.LookPath("terraform"); err != nil {
		b.Skip("terraform is not installed")
	}
	outdir := cmp.Or(os.Getenv("HARNESS_BENCH_OUTDIR"), "testdata/fixture")
	stacks, err := ReadManifest(outdir)
	if err != nil {
		b.Fatal(err)
	}
	for _, quick := range []bool{false, true} {
		b.Run(map[bool]string{false: "full", true: "quick"}[quick], func(b *testing.B) {
			cpu := childCPU()
			for b.Loop() {
				if _, err := Offline(context.Background(), Options{Scratch: b.TempDir(), Quick: quick}, stacks); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((childCPU()-cpu).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(len(stacks)), "stacks")
		})
	}
}

// childCPU is the CPU time of all waited-for child processes so far.
func childCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestDropEndpoints: the blocks go from list and single-object provider
// configurations alike, nothing else changes, and a stack without any is
// left untouched.
func TestDropEndpoints(t *testing.T) {
	for name, tc := range map[string]struct {
		body    string
		dropped bool
	}{
		"list":   {`{"provider":{"aws":[{"region":"us-east-1","endpoints":[{"s3":"http://127.0.0.1:4566"}]},{"alias":"w","region":"us-west-2","endpoints":[{"s3":"http://127.0.0.1:4566"}]}]},"resource":{"aws_s3_bucket":{"b":{"bucket":"x<y>&z","count":123456789012}}}}`, true},
		"single": {`{"provider":{"aws":{"region":"us-east-1","endpoints":[{"s3":"http://127.0.0.1:4566"}]}}}`, true},
		"none":   {`{"provider":{"aws":[{"region":"us-east-1"}]}}`, false},
	} {
		t.Run(name, func(t *testing.T) {
			s := writeStack(t, t.TempDir(), "s", tc.body)
			dropped, err := dropEndpoints(s.Dir)
			if err != nil || dropped != tc.dropped {
				t.Fatalf("dropEndpoints = %v, %v; want %v, nil", dropped, err, tc.dropped)
			}
			raw, _ := os.ReadFile(filepath.Join(s.Dir, stackFile))
			if !tc.dropped {
				if string(raw) != tc.body {
					t.Errorf("file rewritten without endpoints to drop:\n%s", raw)
				}
				return
			}
			var got, want map[string]any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			json.Unmarshal([]byte(tc.body), &want)
			strip := func(p any) { delete(p.(map[string]any), "endpoints") }
			switch aws := want["provider"].(map[string]any)["aws"].(type) {
			case []any:
				for _, p := range aws {
					strip(p)
				}
			default:
				strip(aws)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got\n%s\nwant the original without endpoints", raw)
			}
			if strings.Contains(string(raw), "e+") {
				t.Errorf("a number changed form:\n%s", raw)
			}
		})
	}
}

func TestModuleCounts(t *testing.T) {
	log := `Terraform will perform the following actions:

  # module.a-primary.aws_vpc.vpc will be created
  + resource "aws_vpc" "vpc" {
  # module.a-primary.module.inner.aws_subnet.s["x y"] will be updated in-place
  # module.b-global.aws_route53_record.r must be replaced
-/+ resource "aws_route53_record" "r" {
  # module.b-global.aws_kms_key.k (deposed object 1234abcd) will be destroyed
  # module.b-global.data.aws_iam_policy_document.p will be read during apply

Plan: 2 to add, 1 to change, 2 to destroy.
`
	path := filepath.Join(t.TempDir(), "plan.log")
	os.WriteFile(path, []byte(log), 0o644)
	got, err := moduleCounts(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]int{"a-primary": {1, 1, 0}, "b-global": {1, 0, 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("moduleCounts = %v, want %v", got, want)
	}
	// A header it cannot read shows as a mismatch with the Plan: line.
	os.WriteFile(path, []byte(strings.Replace(log, "will be created", "is new", 1)), 0o644)
	if _, err := moduleCounts(path); err == nil || !strings.Contains(err.Error(), "the plan says +2 ~1 -2") {
		t.Errorf("want a mismatch error, got %v", err)
	}
}

func TestSplitPlanJSON(t *testing.T) {
	all := `{"format_version":"1.2","terraform_version":"1.11.4",
	  "resource_changes":[
	    {"address":"module.s1.aws_vpc.v","module_address":"module.s1","type":"aws_vpc","change":{"actions":["create"]}},
	    {"address":"module.s1.module.m.aws_subnet.x","module_address":"module.s1.module.m","type":"aws_subnet","change":{"actions":["create"]}},
	    {"address":"module.s10.aws_vpc.v","module_address":"module.s10","type":"aws_vpc","change":{"actions":["create"]}}],
	  "planned_values":{"root_module":{"child_modules":[
	    {"address":"module.s1","resources":[{"address":"module.s1.aws_vpc.v"}]},
	    {"address":"module.s10","resources":[{"address":"module.s10.aws_vpc.v"}]}]}},
	  "configuration":{"provider_config":{
	    "module.s1:aws":{"name":"aws","module_address":"module.s1","expressions":{"region":{"constant_value":"us-east-1"}}},
	    "module.s10:aws.secondary":{"name":"aws","alias":"secondary","module_address":"module.s10"}},
	   "root_module":{"module_calls":{"s1":{"source":"../s1","module":{"resources":[{"address":"aws_vpc.v"}]}},"s10":{"source":"../s10","module":{}}}}}}`
	split, err := splitPlanJSON([]byte(all), []string{"s1", "s10"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var s1 struct {
		ResourceChanges []map[string]any `json:"resource_changes"`
		PlannedValues   struct {
			RootModule map[string]any `json:"root_module"`
		} `json:"planned_values"`
		Configuration struct {
			ProviderConfig map[string]map[string]any `json:"provider_config"`
			RootModule     map[string]any            `json:"root_module"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(split["s1"], &s1); err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, rc := range s1.ResourceChanges {
		addrs = append(addrs, rc["address"].(string)+" in "+cmp.Or(fmt.Sprint(rc["module_address"]), ""))
	}
	if want := []string{"aws_vpc.v in <nil>", "module.m.aws_subnet.x in module.m"}; !slices.Equal(addrs, want) {
		t.Errorf("s1 resource changes %v, want %v (s10's must not leak in)", addrs, want)
	}
	if res := s1.PlannedValues.RootModule["resources"].([]any); len(res) != 1 || res[0].(map[string]any)["address"] != "aws_vpc.v" {
		t.Errorf("s1 planned values %v", s1.PlannedValues.RootModule)
	}
	if p, ok := s1.Configuration.ProviderConfig["aws"]; !ok || len(s1.Configuration.ProviderConfig) != 1 || p["module_address"] != nil {
		t.Errorf("s1 provider config %v, want only its own aws, without module_address", s1.Configuration.ProviderConfig)
	}
	if _, ok := s1.Configuration.RootModule["resources"]; !ok {
		t.Errorf("s1 configuration root module %v, want the module call's body", s1.Configuration.RootModule)
	}
}

// With shared provider configurations, each stack's plan.json gets the
// root's configurations it was passed back under its own keys, and its
// resources' provider_config_key point at those keys.
func TestSplitPlanJSONShared(t *testing.T) {
	all := `{"format_version":"1.2","terraform_version":"1.11.4",
	  "resource_changes":[],
	  "planned_values":{"root_module":{"child_modules":[]}},
	  "configuration":{"provider_config":{
	    "aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws"},
	    "aws.s0":{"name":"aws","alias":"s0","expressions":{"region":{"constant_value":"us-east-1"}}},
	    "aws.s1":{"name":"aws","alias":"s1","expressions":{"region":{"constant_value":"us-west-2"}}},
	    "module.sec:terraform":{"name":"terraform","module_address":"module.sec"}},
	   "root_module":{"module_calls":{"sec":{"source":"./stacks/sec","module":{"resources":[
	     {"address":"aws_vpc.v","provider_config_key":"aws.s1"},
	     {"address":"aws_vpc.p","provider_config_key":"aws.s0"},
	     {"address":"terraform_data.d","provider_config_key":"module.sec:terraform"}]}}}}}}`
	shared := &sharedProviders{passes: map[string]map[string]string{"sec": {"aws": "aws.s1", "aws.primary": "aws.s0"}}}
	split, err := splitPlanJSON([]byte(all), []string{"sec"}, shared)
	if err != nil {
		t.Fatal(err)
	}
	var sec struct {
		Configuration struct {
			ProviderConfig map[string]map[string]any `json:"provider_config"`
			RootModule     struct {
				Resources []map[string]any `json:"resources"`
			} `json:"root_module"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(split["sec"], &sec); err != nil {
		t.Fatal(err)
	}
	pc := sec.Configuration.ProviderConfig
	region := func(p map[string]any) any {
		e, _ := p["expressions"].(map[string]any)
		r, _ := e["region"].(map[string]any)
		return r["constant_value"]
	}
	if len(pc) != 3 || region(pc["aws"]) != "us-west-2" || pc["aws"]["alias"] != nil ||
		region(pc["aws.primary"]) != "us-east-1" || pc["aws.primary"]["alias"] != "primary" || pc["terraform"] == nil {
		t.Errorf("provider config %v, want aws (us-west-2, no alias), aws.primary (us-east-1) and terraform", pc)
	}
	var keys []string
	for _, r := range sec.Configuration.RootModule.Resources {
		keys = append(keys, r["provider_config_key"].(string))
	}
	if want := []string{"aws", "aws.primary", "terraform"}; !slices.Equal(keys, want) {
		t.Errorf("provider_config_key %v, want %v", keys, want)
	}
	if _, err := splitPlanJSON([]byte(all), []string{"sec"}, &sharedProviders{passes: map[string]map[string]string{"sec": {"aws": "aws.s9"}}}); err == nil {
		t.Error("a passed configuration missing from the plan must be an error")
	}
}

func TestShareProviders(t *testing.T) {
	write := func(t *testing.T, scratch, stack string, main, override map[string]any) {
		dir := scratchStackDir(scratch, stack)
		os.MkdirAll(dir, 0o755)
		for name, doc := range map[string]map[string]any{stackFile: main, offlineOverrideFile: override} {
			data, _ := json.Marshal(doc)
			os.WriteFile(filepath.Join(dir, name), data, 0o644)
		}
	}
	stack := func(providers []any, extra map[string]any) map[string]any {
		doc := map[string]any{
			"terraform": map[string]any{"required_providers": map[string]any{"aws": map[string]any{"source": "aws", "version": "5.100.0"}}},
			"provider":  map[string]any{"aws": providers},
			"resource":  map[string]any{"aws_wafv2_web_acl": map[string]any{"w": map[string]any{"rate": json.Number("2000000000")}}},
		}
		maps.Copy(doc, extra)
		return doc
	}
	east := map[string]any{"region": "us-east-1", "allowed_account_ids": []any{"123456789012"}}
	west := map[string]any{"region": "us-west-2", "allowed_account_ids": []any{"123456789012"}}
	eastAs := func(alias string) map[string]any { p := maps.Clone(east); p["alias"] = alias; return p }
	override := func(aliases ...string) map[string]any {
		var list []any
		for _, a := range aliases {
			p := map[string]any{"allowed_account_ids": nil, "skip_requesting_account_id": true}
			if a != "" {
				p["alias"] = a
			}
			list = append(list, p)
		}
		return map[string]any{"provider": map[string]any{"aws": list}, "terraform": map[string]any{"backend": map[string]any{"local": map[string]any{"path": "terraform.tfstate"}}}}
	}

	t.Run("identical configurations are one", func(t *testing.T) {
		scratch := t.TempDir()
		write(t, scratch, "pri", stack([]any{east}, nil), override(""))
		write(t, scratch, "sec", stack([]any{west, eastAs("primary")}, nil), override("", "primary"))
		sp, err := shareProviders(scratch, []string{"pri", "sec"})
		if err != nil || sp == nil {
			t.Fatalf("shareProviders = %v, %v; want a sharing", sp, err)
		}
		if len(sp.root) != 2 {
			t.Errorf("root configurations %v, want 2 (us-east-1 shared by pri and sec's primary)", sp.root)
		}
		want := map[string]map[string]string{"pri": {"aws": "aws.s0"}, "sec": {"aws": "aws.s1", "aws.primary": "aws.s0"}}
		if !reflect.DeepEqual(sp.passes, want) {
			t.Errorf("passes %v, want %v", sp.passes, want)
		}
		if r := sp.root[0]; r["alias"] != "s0" || r["region"] != "us-east-1" || r["skip_requesting_account_id"] != true {
			t.Errorf("root s0 %v, want the us-east-1 block with the override applied", r)
		} else if v, ok := r["allowed_account_ids"]; !ok || v != nil {
			t.Errorf("root s0 allowed_account_ids = %v (present %v), want null as the override sets it", v, ok)
		}
		if sp.required["source"] != "aws" || sp.required["configuration_aliases"] != nil {
			t.Errorf("root required_providers.aws %v, want the stacks' without aliases", sp.required)
		}
		module, _ := os.ReadFile(filepath.Join(sharedModuleDir(scratch, "sec"), stackFile))
		var doc map[string]any
		json.Unmarshal(module, &doc)
		if _, ok := doc["provider"]; ok {
			t.Errorf("module copy keeps its provider blocks: %s", module)
		}
		aliases := doc["terraform"].(map[string]any)["required_providers"].(map[string]any)["aws"].(map[string]any)["configuration_aliases"]
		if !reflect.DeepEqual(aliases, []any{"aws.primary"}) {
			t.Errorf("module configuration_aliases %v, want [aws.primary]", aliases)
		}
		if !strings.Contains(string(module), `"rate": 2000000000`) {
			t.Errorf("module copy changed a number: %s", module)
		}
		ov, _ := os.ReadFile(filepath.Join(sharedModuleDir(scratch, "sec"), offlineOverrideFile))
		if strings.Contains(string(ov), `"provider"`) || !strings.Contains(string(ov), `"backend"`) {
			t.Errorf("module override %s, want the override without its provider blocks", ov)
		}
	})
	for name, tc := range map[string]struct {
		main     map[string]any
		override map[string]any
	}{
		"an expression":                       {stack([]any{map[string]any{"region": "${var.region}"}}, nil), override("")},
		"two identical ones in a stack":       {stack([]any{east, eastAs("again")}, nil), override("", "again")},
		"no aws provider":                     {map[string]any{"terraform": map[string]any{}}, override()},
		"no required_providers for aws":       {map[string]any{"provider": map[string]any{"aws": []any{east}}}, override("")},
		"provider blocks of an unknown shape": {stack(nil, map[string]any{"provider": map[string]any{"aws": "us-east-1"}}), override("")},
	} {
		t.Run("not with "+name, func(t *testing.T) {
			scratch := t.TempDir()
			write(t, scratch, "pri", stack([]any{east}, nil), override(""))
			write(t, scratch, "odd", tc.main, tc.override)
			if sp, err := shareProviders(scratch, []string{"pri", "odd"}); sp != nil || err != nil {
				t.Errorf("shareProviders = %+v, %v; want nil, nil (modules keep their own)", sp, err)
			}
		})
	}
}

func TestEndpointEnv(t *testing.T) {
	stack := func(providers string) *stackConfig {
		return &stackConfig{Provider: map[string]json.RawMessage{"aws": json.RawMessage(providers)}}
	}
	const url = "http://127.0.0.1:4566"
	same := stack(`[{"endpoints":[{"elbv2":"` + url + `","sts":"` + url + `","logs":"` + url + `"}]},
		{"alias":"w","endpoints":[{"elbv2":"` + url + `","sts":"` + url + `","logs":"` + url + `"}]}]`)
	env, ok := endpointEnv([]*stackConfig{same, same})
	want := []string{"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=" + url, "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2=" + url, "AWS_ENDPOINT_URL_STS=" + url}
	if !ok || !slices.Equal(env, want) {
		t.Errorf("endpointEnv = %v, %v; want %v", env, ok, want)
	}
	for name, cfgs := range map[string][]*stackConfig{
		"a provider lists fewer services": {same, stack(`[{"endpoints":[{"sts":"` + url + `"}]}]`)},
		"a provider has none":             {same, stack(`[{"region":"us-east-1"}]`)},
		"unknown service key":             {stack(`[{"endpoints":[{"quantumledger":"` + url + `"}]}]`)},
		"two URLs for one service":        {stack(`[{"endpoints":[{"events":"` + url + `","eventbridge":"http://127.0.0.1:5000"}]}]`)},
	} {
		if env, ok := endpointEnv(cfgs); ok {
			t.Errorf("%s: converted to %v, want the blocks kept", name, env)
		}
	}
}
