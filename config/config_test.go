package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minimal is the smallest valid file: everything else has a default.
const minimal = "account_id: \"111111111111\"\n"

func TestMinimalFileGetsDefaults(t *testing.T) {
	env, err := Parse("envs/acme-dev.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"customer", env.Customer, "acme"},
		{"name", env.Name, "dev"},
		{"tier", env.Tier, TierDevelopment},
		{"primary region", env.Primary.Region, "us-east-1"},
		{"secondary region", env.Secondary.Region, "us-west-2"},
		{"primary azs", strings.Join(env.Primary.AZs, ","), "us-east-1a,us-east-1b"},
		{"secondary azs", strings.Join(env.Secondary.AZs, ","), "us-west-2a,us-west-2b"},
		{"nat", env.Network.NAT, NATSingle},
		{"backend", env.Backend.Type, BackendLocal},
		{"cost center", env.CostCenter, "acme"},
		{"port", env.Service.Port, 8080},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestProductionDefaults(t *testing.T) {
	env, err := Parse("envs/acme-prod.yaml", []byte(minimal+"tier: production\n"))
	if err != nil {
		t.Fatal(err)
	}
	if env.Network.NAT != NATPerAZ {
		t.Errorf("production nat = %s, want %s", env.Network.NAT, NATPerAZ)
	}
	if env.Network.FlowLogRetentionDays != 365 {
		t.Errorf("production flow log retention = %d, want 365", env.Network.FlowLogRetentionDays)
	}
}

// Every validation rule, one bad file each: the error names file, field,
// value and what is allowed.
func TestValidationErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, body string
		want             []string // substrings of the one error expected
	}{
		{"missing account", "acme-dev.yaml", "tier: production\n", []string{"account_id", "12-digit"}},
		{"short account", "acme-dev.yaml", "account_id: \"1234\"\n", []string{"account_id", `"1234"`}},
		{"unknown tier", "acme-dev.yaml", minimal + "tier: gold\n", []string{"tier", `"gold"`, "production, development"}},
		{"malformed YAML", "acme-dev.yaml", "account_id: [\n", []string{"(file)", "valid YAML"}},
		{"unknown key", "acme-dev.yaml", minimal + "primary:\n  colour: blue\n", []string{"line 3", `"colour"`, "allowed here: azs, cidr, cloudfront_prefix_list_id, region"}},
		{"unknown top-level key", "acme-dev.yaml", minimal + "regions: 2\n", []string{`"regions"`, "account_id"}},
		{"wrong type", "acme-dev.yaml", minimal + "primary:\n  azs: us-east-1a\n", []string{"line 3", "us-east-1a", "[]string"}},
		{"bad file name", "acme.yaml", minimal, []string{"(file name) environment"}},
		{"upper-case customer", "Acme-dev.yaml", minimal, []string{"(file name) customer", `"Acme"`}},
		{"bad cidr", "acme-dev.yaml", minimal + "primary:\n  cidr: 10.0.0.0/33\n", []string{"primary.cidr", "10.0.0.0/33", "not an IPv4 CIDR"}},
		{"host bits", "acme-dev.yaml", minimal + "primary:\n  cidr: 10.0.0.1/16\n", []string{"primary.cidr", "host bits", "10.0.0.0/16"}},
		{"prefix too large", "acme-dev.yaml", minimal + "primary:\n  cidr: 10.0.0.0/8\n", []string{"primary.cidr", "/8 is outside /16 to /24"}},
		{"overlapping cidrs", "acme-dev.yaml", minimal + "primary:\n  cidr: 10.0.0.0/16\nsecondary:\n  cidr: 10.0.128.0/17\n", []string{"secondary.cidr", "overlap", "peered"}},
		{"identical cidrs", "acme-dev.yaml", minimal + "primary:\n  cidr: 10.5.0.0/16\nsecondary:\n  cidr: 10.5.0.0/16\n", []string{"secondary.cidr", "10.5.0.0/16", "overlap"}},
		{"unknown region", "acme-dev.yaml", minimal + "primary:\n  region: us-north-9\n  azs: [us-north-9a, us-north-9b]\n", []string{"primary.region", "us-north-9", "us-east-1"}},
		{"same region twice", "acme-dev.yaml", minimal + "secondary:\n  region: us-east-1\n  azs: [us-east-1c, us-east-1d]\n", []string{"secondary.region", "other than the primary"}},
		{"az outside region", "acme-dev.yaml", minimal + "secondary:\n  azs: [us-west-2a, us-east-1b]\n", []string{"secondary.azs[1]", "us-east-1b", "an availability zone of us-west-2"}},
		{"az letter the region lacks", "acme-dev.yaml", minimal + "secondary:\n  azs: [us-west-2a, us-west-2f]\n", []string{"secondary.azs[1]", "us-west-2f"}},
		{"one az", "acme-dev.yaml", minimal + "primary:\n  azs: [us-east-1a]\n", []string{"primary.azs", "2 to 4"}},
		{"duplicate az", "acme-dev.yaml", minimal + "primary:\n  azs: [us-east-1a, us-east-1a]\n", []string{"primary.azs[1]", "once"}},
		{"nat", "acme-dev.yaml", minimal + "network:\n  nat: none\n", []string{"network.nat", `"none"`, "per_az"}},
		{"retention", "acme-dev.yaml", minimal + "network:\n  flow_log_retention_days: 10\n", []string{"network.flow_log_retention_days", `"10"`, "365"}},
		{"port", "acme-dev.yaml", minimal + "service:\n  port: 80\n", []string{"service.port", `"80"`, "1024 to 65535"}},
		{"backend type", "acme-dev.yaml", minimal + "backend:\n  type: gcs\n", []string{"backend.type", `"gcs"`, "local, s3, cloud"}},
		{"s3 without settings", "acme-dev.yaml", minimal + "backend:\n  type: s3\n", []string{"backend.s3", "bucket"}},
		{"s3 bad bucket", "acme-dev.yaml", minimal + "backend:\n  type: s3\n  s3:\n    bucket: Bad_Bucket\n", []string{"backend.s3.bucket", "Bad_Bucket"}},
		{"cloud without org", "acme-dev.yaml", minimal + "backend:\n  type: cloud\n  cloud: {}\n", []string{"backend.cloud.organization"}},
		{"s3 settings on local", "acme-dev.yaml", minimal + "backend:\n  s3:\n    bucket: state\n", []string{"backend.s3", "only with backend type s3"}},
		{"emulator url", "acme-dev.yaml", minimal + "emulator:\n  endpoint: localhost\n", []string{"emulator.endpoint", "http://127.0.0.1:4566"}},
		{"emulator with remote state", "acme-dev.yaml", minimal + "emulator:\n  endpoint: http://127.0.0.1:4566\nbackend:\n  type: cloud\n  cloud:\n    organization: acme\n", []string{"backend.type", "local when an emulator"}},
	} {
		t.Run(tc.name, func(t *testing.T) { expectOneProblem(t, tc.file, tc.body, tc.want) })
	}
}

// expectOneProblem parses body as envs/<file> and wants exactly one problem
// whose message starts with the file name and contains every want.
func expectOneProblem(t *testing.T, file, body string, want []string) {
	t.Helper()
	_, err := Parse("envs/"+file, []byte(body))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v, want Problems", err)
	}
	if len(ps) != 1 {
		t.Fatalf("%d problems, want 1:\n%v", len(ps), err)
	}
	msg := ps[0].String()
	if !strings.HasPrefix(msg, "envs/"+file+": ") {
		t.Errorf("%q does not start with the file name", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%q lacks %q", msg, w)
		}
	}
}

// All problems of all files come back at once, sorted by file.
func TestLoadDirReportsEverything(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) { os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644) }
	write("acme-dev.yaml", minimal)
	write("beta-prod.yaml", "tier: gold\nprimary:\n  cidr: bad\n")
	write("acme-dev.yml", minimal)
	_, err := LoadDir(dir, nil)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v, want Problems", err)
	}
	var fields []string
	for _, p := range ps {
		fields = append(fields, filepath.Base(p.File)+":"+p.Field)
	}
	got := strings.Join(fields, " ")
	for _, want := range []string{"acme-dev.yml:(file name)", "beta-prod.yaml:account_id", "beta-prod.yaml:tier", "beta-prod.yaml:primary.cidr"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %s lack %s", got, want)
		}
	}
}

func TestLoadDirSelection(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"acme-dev", "acme-prod", "beta-dev"} {
		os.WriteFile(filepath.Join(dir, n+".yaml"), []byte(minimal), 0o644)
	}
	envs, err := LoadDir(dir, []string{"beta-dev", "acme-prod"})
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 2 || envs[0].ID() != "acme-prod" || envs[1].ID() != "beta-dev" {
		t.Errorf("selected %v, want acme-prod and beta-dev", envs)
	}
	_, err = LoadDir(dir, []string{"acme-qa"})
	if err == nil || !strings.Contains(err.Error(), "acme-qa") || !strings.Contains(err.Error(), "acme-dev, acme-prod, beta-dev") {
		t.Errorf("unknown selection error %v, want it to name acme-qa and the known environments", err)
	}
	// A bad file outside the selection still stops everything.
	os.WriteFile(filepath.Join(dir, "gamma-dev.yaml"), []byte("tier: gold\n"), 0o644)
	if _, err := LoadDir(dir, []string{"acme-prod"}); err == nil {
		t.Error("a bad unselected file was not reported")
	}
}

// The shipped examples are valid and prod is the reference architecture.
func TestShippedEnvironments(t *testing.T) {
	envs, err := LoadDir("environments", nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Environment{}
	for _, e := range envs {
		byID[e.ID()] = e
	}
	for _, id := range []string{"acme-dev", "acme-staging", "acme-prod", "acme-local"} {
		if byID[id] == nil {
			t.Fatalf("example environment %s is missing", id)
		}
	}
	prod := byID["acme-prod"]
	if prod.Primary.Region != "us-east-1" || prod.Primary.CIDR != "10.0.0.0/16" ||
		prod.Secondary.Region != "us-west-2" || prod.Secondary.CIDR != "10.1.0.0/16" ||
		len(prod.Primary.AZs) != 2 || len(prod.Secondary.AZs) != 2 || !prod.Production() || prod.Service.Port != 8080 {
		t.Errorf("acme-prod is not the reference architecture: %+v", prod)
	}
	if byID["acme-local"].Emulator == nil {
		t.Error("acme-local has no emulator endpoint")
	}
}

// The subnet rule: one quarter of the VPC per tier, AZ index within it.
func TestLayout(t *testing.T) {
	r := Region{Region: "us-east-1", CIDR: "10.0.0.0/16", AZs: []string{"us-east-1a", "us-east-1b", "us-east-1c"}}
	got := r.Layout()
	want := []Subnets{
		{"us-east-1a", "10.0.0.0/20", "10.0.64.0/20", "10.0.128.0/20"},
		{"us-east-1b", "10.0.16.0/20", "10.0.80.0/20", "10.0.144.0/20"},
		{"us-east-1c", "10.0.32.0/20", "10.0.96.0/20", "10.0.160.0/20"},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("AZ %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	small := Region{Region: "us-east-1", CIDR: "192.168.4.0/24", AZs: []string{"us-east-1a", "us-east-1b"}}
	if s := small.Layout()[1]; s.Database != "192.168.4.144/28" {
		t.Errorf("/24 VPC database subnet of AZ 2 = %s, want 192.168.4.144/28", s.Database)
	}
}

// An environment's stacks may use its two regions and the edge region.
func TestRegions(t *testing.T) {
	env, err := Parse("envs/acme-dev.yaml", []byte(minimal+"primary:\n  region: eu-west-1\n  cidr: 10.0.0.0/16\nsecondary:\n  region: us-east-1\n  cidr: 10.1.0.0/16\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(env.Regions()); got != "[eu-west-1 us-east-1]" {
		t.Errorf("regions %s, want [eu-west-1 us-east-1]", got)
	}
}

// Input problems: each is one problem naming file, field, value and what is
// allowed, with no follow-on problem from validating what did not decode.
func TestInputProblems(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"second document", minimal + "---\nservice:\n  port: 8080\n", []string{"(file)", `"---"`, "one YAML document", "line 3"}},
		{"key set twice", minimal + "account_id: \"333333333333\"\n", []string{"account_id", `"333333333333"`, "each key once", "already set at line 1"}},
		{"nested key set twice", minimal + "service:\n  port: 8080\n  port: 8081\n", []string{"service.port", `"8081"`, "each key once"}},
		{"list for a required string", "account_id: [1]\nprimary:\n  cidr: 10.0.0.0/16\nsecondary:\n  cidr: 10.1.0.0/16\n", []string{"account_id (line 1)", "(a list)", "type string"}},
		{"list for a string", minimal + "primary:\n  cidr: [10.0.0.0/16]\n", []string{"primary.cidr (line 3)", "(a list)", "type string"}},
		{"word for a number", minimal + "service:\n  port: abc\n", []string{"service.port (line 3)", `"abc"`, "type int"}},
		{"unquoted account id", strings.Replace(minimal, `"111111111111"`, "011111111111", 1), []string{"account_id", `"011111111111"`, "quoted", `account_id: "011111111111"`}},
	} {
		t.Run(tc.name, func(t *testing.T) { expectOneProblem(t, "acme-dev.yaml", tc.body, tc.want) })
	}
	// A bare --- at the end is no second document.
	if _, err := Parse("envs/acme-dev.yaml", []byte(minimal+"---\n")); err != nil {
		t.Errorf("a trailing ---: %v", err)
	}
}

// Entries that cannot be read (a dangling link, a folder named like an
// environment file) are problems reported with every other file's.
func TestUnreadableEntries(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "acme-dev.yaml"), []byte(minimal+"tier: gold\n"), 0o644)
	os.Symlink("nowhere.yaml", filepath.Join(dir, "acme-link.yaml"))
	os.Mkdir(filepath.Join(dir, "acme-dir.yaml"), 0o755)
	_, err := LoadDir(dir, nil)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v, want Problems", err)
	}
	want := map[string]string{
		"acme-dev.yaml":  `tier: "gold"`,
		"acme-link.yaml": "a symbolic link to nowhere.yaml, which does not exist",
		"acme-dir.yaml":  "this is a directory",
	}
	if len(ps) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for _, p := range ps {
		if w := want[filepath.Base(p.File)]; w == "" || !strings.Contains(p.String(), w) {
			t.Errorf("problem %q, want one of %s containing %q", p, filepath.Base(p.File), w)
		}
	}
}
