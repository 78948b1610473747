package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Defaults by tier: each row parses minimal plus body and reads one
// setting. Production-grade safety switches on with tier: production; an
// explicit setting, zero and false included, is kept.
func TestDefaults(t *testing.T) {
	const prod = "tier: production\n"
	for _, tc := range []struct {
		name, body string
		get        func(*Environment) any
		want       any
	}{
		{"customer", "", func(e *Environment) any { return e.Customer }, "acme"},
		{"environment name", "", func(e *Environment) any { return e.Name }, "test"},
		{"tier", "", func(e *Environment) any { return e.Tier }, TierDevelopment},
		{"cost center", "", func(e *Environment) any { return e.CostCenter }, "acme"},
		{"primary region", "", func(e *Environment) any { return e.Primary.Region }, "us-east-1"},
		{"secondary region", "", func(e *Environment) any { return e.Secondary.Region }, "us-west-2"},
		{"primary azs", "", func(e *Environment) any { return strings.Join(e.Primary.AZs, ",") }, "us-east-1a,us-east-1b"},
		{"secondary azs", "", func(e *Environment) any { return strings.Join(e.Secondary.AZs, ",") }, "us-west-2a,us-west-2b"},
		{"nat", "", func(e *Environment) any { return e.Network.NAT }, NATSingle},
		{"production nat", prod, func(e *Environment) any { return e.Network.NAT }, NATPerAZ},
		{"production flow log retention", prod, func(e *Environment) any { return e.Network.FlowLogRetentionDays }, 365},
		{"flow logs follow monitoring", "monitoring:\n  log_retention_days: 90\n", func(e *Environment) any { return e.Network.FlowLogRetentionDays }, 90},
		{"backend", "", func(e *Environment) any { return e.Backend.Type }, BackendLocal},

		{"service name", "", func(e *Environment) any { return e.Service.Name }, "app"},
		{"port", "", func(e *Environment) any { return e.Service.Port }, 8080},
		{"cpu/memory", "", func(e *Environment) any { return [2]int{e.Service.CPU, e.Service.Memory} }, [2]int{256, 512}},
		{"production cpu/memory", prod, func(e *Environment) any { return [2]int{e.Service.CPU, e.Service.Memory} }, [2]int{512, 1024}},
		{"memory follows a large cpu", "service:\n  cpu: 2048\n", func(e *Environment) any { return e.Service.Memory }, 4096},
		{"desired/min/max", "", func(e *Environment) any {
			return [3]int{e.Service.DesiredCount, e.Service.MinCount, e.Service.MaxCount}
		}, [3]int{1, 1, 4}},
		{"production desired/min/max", prod, func(e *Environment) any {
			return [3]int{e.Service.DesiredCount, e.Service.MinCount, e.Service.MaxCount}
		}, [3]int{2, 2, 10}},
		{"spot (majority)", "", func(e *Environment) any { return *e.Service.SpotPercent }, 70},
		{"production spot", prod, func(e *Environment) any { return *e.Service.SpotPercent }, 0},
		{"explicit spot 0 kept", "service:\n  spot_percent: 0\n", func(e *Environment) any { return *e.Service.SpotPercent }, 0},
		{"health check path", "", func(e *Environment) any { return e.Service.HealthCheckPath }, "/health"},
		{"container health check", "", func(e *Environment) any { return *e.Service.ContainerHealthCheck }, "curl -fsS -o /dev/null http://127.0.0.1:8080/health || exit 1"},
		{"read-only root", "", func(e *Environment) any { return *e.Service.ReadonlyRootFilesystem }, true},
		{"deployed by", "", func(e *Environment) any { return e.Service.DeployedBy }, DeployedByTerraform},
		{"registry replication", "", func(e *Environment) any { return *e.Registry.Replication }, true},
		{"repository", "", func(e *Environment) any { return e.ImageRepositoryName() }, "acme-test/app"},

		{"load balancer deletion protection", "", func(e *Environment) any { return *e.LoadBalancer.DeletionProtection }, false},
		{"production load balancer deletion protection", prod, func(e *Environment) any { return *e.LoadBalancer.DeletionProtection }, true},
		{"ssl policy", "", func(e *Environment) any { return e.LoadBalancer.SSLPolicy }, "ELBSecurityPolicy-TLS13-1-2-2021-06"},
		{"alb name", "", func(e *Environment) any { return e.LoadBalancerName("us-west-2") }, "acme-test-usw2-app"},
		{"target group name", "", func(e *Environment) any { return e.TargetGroupName("us-east-1") }, "acme-test-use1-app-8080"},
		{"https", "", func(e *Environment) any { return e.LoadBalancer.HTTPS() }, false},

		{"database engine, class, backups", "", func(e *Environment) any {
			d := e.Database
			return fmt.Sprint(d.EngineVersion, " ", d.InstanceClass, " ", *d.BackupRetentionDays)
		}, "17 db.t3.medium 7"},
		{"database safety", "", func(e *Environment) any {
			d := e.Database
			return [3]bool{*d.MultiAZ, *d.DeletionProtection, *d.FinalSnapshot}
		}, [3]bool{false, false, false}},
		{"production database safety", prod, func(e *Environment) any {
			d := e.Database
			return [3]bool{*d.MultiAZ, *d.DeletionProtection, *d.FinalSnapshot}
		}, [3]bool{true, true, true}},
		{"explicit multi_az false kept in production", prod + "database:\n  multi_az: false\n", func(e *Environment) any { return *e.Database.MultiAZ }, false},
		{"database writer and replica", "", func(e *Environment) any {
			d := e.Database
			return fmt.Sprint(d.Writer, " ", d.ReplicaEnabled(), " ", *d.Replica.MultiAZ, " ", d.Replica.State)
		}, "primary true false replicating"},
		{"database observability", "", func(e *Environment) any {
			d := e.Database
			return fmt.Sprint(*d.PerformanceInsights, " ", *d.MonitoringInterval, " ", d.LogExports)
		}, "true 60 [postgresql upgrade]"},

		{"monitoring switches", "", func(e *Environment) any {
			m := e.Monitoring
			return fmt.Sprint(*m.CompositeAlarms, " ", *m.Budget.Enabled, " ", m.Budget.Currency, " ", len(m.AlertEmails), " ", m.WebhookURL == "")
		}, "true true USD 0 true"},
		{"budget", "", func(e *Environment) any { return e.Monitoring.Budget.Amount }, 200.0},
		{"production budget", prod, func(e *Environment) any { return e.Monitoring.Budget.Amount }, 800.0},
		{"log retention", "", func(e *Environment) any { return e.Monitoring.LogRetentionDays }, 30},
		{"production log retention", prod, func(e *Environment) any { return e.Monitoring.LogRetentionDays }, 365},
		{"ECS CPU alarm: 80 % for 2 x 2 minutes", "", func(e *Environment) any { return e.Monitoring.Alarms.ECSCPUHigh },
			AlarmSettings{Threshold: 80, Statistic: "Average", PeriodSeconds: 120, EvaluationPeriods: 2, DatapointsToAlarm: 2}},
		{"an alarm setting wins, the rest stays defaulted", "monitoring:\n  alarms:\n    replica_lag_high:\n      threshold: 30\n",
			func(e *Environment) any { return e.Monitoring.Alarms.ReplicaLagHigh },
			AlarmSettings{Threshold: 30, Statistic: "Maximum", PeriodSeconds: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.get(mustParse(t, minimal+tc.body)); got != tc.want {
				t.Errorf("%v, want %v", got, tc.want)
			}
		})
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

// Every problem of a file comes back at once, in the order of the file's
// sections.
func TestAllProblemsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		fields     []string
	}{
		{"network", "secondary:\n  cidr: 10.0.0.0/16\nnetwork:\n  interface_endpoints: [nope, 10.0.0.0/16]\n  load_balancer_ingress: everyone\n",
			[]string{"secondary.cidr", "network.interface_endpoints[0]", "network.interface_endpoints[1]", "network.load_balancer_ingress"}},
		// amount 0 and threshold 0 mean "not set": the defaults apply.
		{"monitoring", "monitoring:\n  alert_emails: [nobody]\n  budget:\n    amount: 0.0\n  alarms:\n    ecs_cpu_high: {threshold: 0.0, statistic: mean, period_seconds: 7}\n",
			[]string{"monitoring.alert_emails[0]", "monitoring.alarms.ecs_cpu_high.statistic", "monitoring.alarms.ecs_cpu_high.period_seconds"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := parseEnv(t, minimal+tc.body)
			var fields []string
			for _, p := range ps {
				fields = append(fields, p.Field)
			}
			if !slices.Equal(fields, tc.fields) {
				t.Errorf("fields %v, want %v", fields, tc.fields)
			}
		})
	}
}

// All problems of all files come back at once, sorted by file.
func TestLoadDirReportsEverything(t *testing.T) {
	_, err := loadFiles(t, map[string]string{
		"acme-dev.yaml":  minimal,
		"beta-prod.yaml": "tier: gold\nprimary:\n  cidr: bad\n",
		"acme-dev.yml":   minimal,
	})
	ps := problemsOf(t, err)
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
	writeFiles(t, dir, map[string]string{"acme-dev.yaml": minimal, "acme-prod.yaml": minimal, "beta-dev.yaml": minimal})
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
	writeFiles(t, dir, map[string]string{"gamma-dev.yaml": "tier: gold\n"})
	if _, err := LoadDir(dir, []string{"acme-prod"}); err == nil {
		t.Error("a bad unselected file was not reported")
	}
}

// The shipped examples are valid and prod is the reference architecture.
func TestShippedEnvironments(t *testing.T) {
	byID := shipped(t)
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
	writeFiles(t, dir, map[string]string{"acme-dev.yaml": minimal + "tier: gold\n"})
	os.Symlink("nowhere.yaml", filepath.Join(dir, "acme-link.yaml"))
	os.Mkdir(filepath.Join(dir, "acme-dir.yaml"), 0o755)
	_, err := LoadDir(dir, nil)
	ps := problemsOf(t, err)
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
