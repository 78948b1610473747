package cost

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// fixtureUsage are the usage figures of the hand-checked fixture.
var fixtureUsage = config.UsageValues{
	LoadBalancerLCUs: 2, NATProcessedGB: 100, ExtraBackupGB: 10, InterRegionGB: 40,
	LogIngestionGB: 6, RequestsMillions: 4, CDNTransferGB: 50,
}

func fixtureEstimate(t *testing.T) *Estimate {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "prices.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	prices, err := ParsePrices("testdata/prices.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	var plans []StackPlan
	for _, s := range []string{"fix-primary", "fix-global"} {
		p, err := ReadPlan(s, filepath.Join("testdata", s+".plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, p)
	}
	e, err := EstimateEnv("fix", fixtureUsage, plans, prices)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestFixtureTotals checks the estimate of a small hand-written plan
// (testdata/fix-*.plan.json) against totals worked out by hand with the
// round prices of testdata/prices.yaml and fixtureUsage; 730 hours a month.
//
// fix-primary (us-east-1 unless said):
//
//	Fargate: 3 tasks of 1 vCPU / 2 GB; FARGATE base 1 weight 1, FARGATE_SPOT weight 1:
//	  on-demand = 1 + (3-1)*1/2 = 2 tasks, Spot = (3-1)*1/2 = 1 task
//	  on-demand vCPU 2*1*730 = 1460 h * 0.04  = 58.40
//	  on-demand GB   2*2*730 = 2920 h * 0.004 = 11.68
//	  Spot vCPU      1*1*730 =  730 h * 0.01  =  7.30
//	  Spot GB        1*2*730 = 1460 h * 0.001 =  1.46   -> 78.84
//	ALB: 730 h * 0.02 = 14.60; 2 LCU * 730 h * 0.01 = 14.60  -> 29.20
//	Public IPv4: ALB in 2 subnets 2*730*0.005 = 7.30; the EIP 730*0.005 = 3.65 -> 10.95
//	NAT: 730 h * 0.05 = 36.50; 100 GB * 0.05 = 5.00  -> 41.50
//	RDS writer, Multi-AZ: 2*730 h * 0.1 = 146.00; 100 GB * 2 * 0.1 = 20.00;
//	  extra backup 10 GB * 0.1 = 1.00
//	RDS replica (us-west-2, single-AZ, storage of its source 100 GB):
//	  730 h * 0.1 = 73.00; 100 GB * 0.1 = 10.00; no backups   -> RDS 250.00
//	Inter-region: 40 GB over the one link (the replica) * 0.02 = 0.80
//	KMS: 1 key * 1 = 1.00
//	Logs: 6 GB ingested * 0.5 = 3.00; kept 30 days: 6 * 30*12/365 = 5.917808 GB-month
//	  * 0.03 = 0.177534   -> 3.177534
//	Alarms: one at 60 s 0.10, one at 10 s (high resolution) 0.30  -> 0.40
//	aws_iam_role and aws_subnet are free; aws_instance has no price (reported).
//	fix-primary = 78.84 + 29.20 + 10.95 + 41.50 + 250.00 + 0.80 + 1.00 + 3.177534 + 0.40 = 415.867534
//
// fix-global:
//
//	Health check of an AWS endpoint 0.50 + HTTPS, fast interval, latency 3 * 1.00 = 3.50
//	WAF: 5 + 2 rules * 1 + 4 M requests * 0.6 = 9.40
//	CloudFront: 4 M requests = 400 * 10k * 0.01 = 4.00; 50 GB * 0.1 = 5.00 -> 9.00
//	fix-global = 21.90
//
// total = 437.767534
func TestFixtureTotals(t *testing.T) {
	e := fixtureEstimate(t)
	if !near(e.Monthly, 437.767534) {
		t.Errorf("total %.6f, want 437.767534", e.Monthly)
	}
	stacks := map[string]float64{}
	for _, s := range e.Stacks {
		stacks[s.Name] = s.Monthly
	}
	if !near(stacks["fix-primary"], 415.867534) || !near(stacks["fix-global"], 21.90) || len(stacks) != 2 {
		t.Errorf("stacks %v, want fix-primary 415.867534, fix-global 21.90", stacks)
	}
	services := map[string]float64{}
	for _, s := range e.Services {
		services[s.Name] = s.Monthly
	}
	for name, want := range map[string]float64{
		svcFargate: 78.84, svcALB: 29.20, svcIPv4: 10.95, svcNAT: 41.50, svcRDS: 250.00, svcTransfer: 0.80,
		svcKMS: 1.00, svcLogs: 3.177534, svcAlarms: 0.40, svcRoute53: 3.50, svcWAF: 9.40, svcCDN: 9.00,
	} {
		if !near(services[name], want) {
			t.Errorf("%s %.6f, want %.6f", name, services[name], want)
		}
	}
	if len(services) != 12 {
		t.Errorf("services %v, want the 12 above", services)
	}
	if top := e.Top(2); len(top) != 2 || top[0].Name != svcRDS || top[1].Name != svcFargate {
		t.Errorf("top drivers %v, want RDS then Fargate", top)
	}
	if !slices.Equal(e.Unpriced, []string{"aws_instance"}) {
		t.Errorf("unpriced %v, want [aws_instance]", e.Unpriced)
	}
	var replica []Line
	for _, l := range e.Lines {
		if l.Resource == "aws_db_instance.replica" {
			replica = append(replica, l)
		}
	}
	for _, l := range replica {
		if l.Region != "us-west-2" {
			t.Errorf("replica line %+v not in us-west-2 (its provider aws.west)", l)
		}
	}
	if len(replica) != 3 { // transfer, hours, storage
		t.Errorf("replica lines %+v, want transfer, hours and storage", replica)
	}
}

// TestEstimateJSON: the JSON form carries the total, the lines and where
// the prices come from.
func TestEstimateJSON(t *testing.T) {
	var b strings.Builder
	if err := WriteJSON(&b, fixtureEstimate(t)); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Env     string  `json:"environment"`
		Monthly float64 `json:"monthly_usd"`
		Lines   []Line  `json:"lines"`
		Prices  struct {
			Read    string            `json:"read"`
			Sources map[string]string `json:"sources"`
		} `json:"prices"`
	}
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatal(err)
	}
	if got.Env != "fix" || !near(got.Monthly, 437.767534) || len(got.Lines) == 0 || got.Prices.Read != "2000-01-01" || got.Prices.Sources["fixture"] == "" {
		t.Errorf("JSON %s", b.String())
	}
}

func TestTaskSplit(t *testing.T) {
	s := func(cp string, base, weight float64) map[string]any {
		return map[string]any{"capacity_provider": cp, "base": base, "weight": weight}
	}
	for _, c := range []struct {
		name           string
		desired        float64
		strategy       []map[string]any
		onDemand, spot float64
	}{
		{"all on-demand", 2, []map[string]any{s("FARGATE", 1, 1)}, 2, 0},
		{"base covers all", 1, []map[string]any{s("FARGATE", 1, 3), s("FARGATE_SPOT", 0, 7)}, 1, 0},
		{"weights after base", 11, []map[string]any{s("FARGATE", 1, 3), s("FARGATE_SPOT", 0, 7)}, 4, 7},
		{"all Spot", 4, []map[string]any{s("FARGATE_SPOT", 0, 1)}, 0, 4},
		{"none", 0, []map[string]any{s("FARGATE", 1, 1)}, 0, 0},
	} {
		od, spot := taskSplit(c.desired, c.strategy)
		if od != c.onDemand || spot != c.spot {
			t.Errorf("%s: %g on-demand, %g Spot; want %g, %g", c.name, od, spot, c.onDemand, c.spot)
		}
	}
}

// TestPricesFileErrors: a bad price list names the file, the key and what is allowed.
func TestPricesFileErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "prices.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, from, to, want string
	}{
		{"missing price", "    nat_gateway_gb: 0.05\n", "", "regions.us-east-1.nat_gateway_gb: 0: want a price above 0"},
		{"negative price", "  waf_rule_month: 1\n", "  waf_rule_month: -1\n", "global.waf_rule_month: -1"},
		{"unknown key", "  waf_rule_month: 1\n", "  waf_rule_month: 1\n  shield: 3000\n", "field shield not found"},
		{"no read date", "read: \"2000-01-01\"\n", "", "read: missing"},
		{"empty class list", "    rds_instance_hour: {db.t3.medium: 0.1}\n", "    rds_instance_hour: {}\n", "rds_instance_hour: missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := strings.Replace(string(good), c.from, c.to, 1)
			if bad == string(good) {
				t.Fatalf("the fixture has no %q", c.from)
			}
			_, err := ParsePrices("bad.yaml", []byte(bad))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bad.yaml") {
				t.Errorf("error %v, want one naming bad.yaml and %q", err, c.want)
			}
		})
	}
}
