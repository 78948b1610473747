package constructs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func testNetwork(t *testing.T, natPerAZ bool) tfJSON {
	return synthJSON(t, func(stack cdktf.TerraformStack) {
		NewNetwork(stack, "network", &NetworkProps{
			Name:      "acme-prod-use1",
			CidrBlock: "10.0.0.0/16",
			Zones: []ZoneSubnets{
				{AZ: "us-east-1a", Public: "10.0.0.0/20", Private: "10.0.64.0/20", Database: "10.0.128.0/20"},
				{AZ: "us-east-1b", Public: "10.0.16.0/20", Private: "10.0.80.0/20", Database: "10.0.144.0/20"},
			},
			NatPerAZ:             natPerAZ,
			FlowLogRetentionDays: 90,
			LogsKeyArn:           jsii.String("arn:aws:kms:us-east-1:111111111111:key/test"),
			Account:              "111111111111",
			Region:               "us-east-1",
		})
	})
}

// Every AZ has one subnet per tier, in that AZ, with the configured CIDR.
func TestNetworkSubnetTiersPerAZ(t *testing.T) {
	doc := testNetwork(t, true)
	subnets := doc.resources("aws_subnet")
	if len(subnets) != 6 {
		t.Fatalf("%d subnets, want 3 tiers x 2 AZs", len(subnets))
	}
	perTier := map[string]map[string]bool{}
	for name, s := range subnets {
		tier := s["tags"].(map[string]any)["Tier"].(string)
		az := s["availability_zone"].(string)
		if perTier[tier] == nil {
			perTier[tier] = map[string]bool{}
		}
		perTier[tier][az] = true
		if s["map_public_ip_on_launch"] != false {
			t.Errorf("%s launches with public IPs", name)
		}
	}
	for _, tier := range []string{"public", "private", "database"} {
		if len(perTier[tier]) != 2 {
			t.Errorf("tier %s is in AZs %v, want both", tier, perTier[tier])
		}
	}
}

// Private subnets leave through their own AZ's NAT gateway; database subnets
// have no route out; public ones go through the internet gateway.
func TestNetworkRouting(t *testing.T) {
	for _, perAZ := range []bool{true, false} {
		t.Run(fmt.Sprintf("natPerAZ=%v", perAZ), func(t *testing.T) {
			doc := testNetwork(t, perAZ)
			nats := doc.resources("aws_nat_gateway")
			if want := map[bool]int{true: 2, false: 1}[perAZ]; len(nats) != want {
				t.Fatalf("%d NAT gateways, want %d", len(nats), want)
			}
			routes := doc.resources("aws_route")
			tableOf := map[string]string{} // route table ref -> default route target
			for _, r := range routes {
				if r["destination_cidr_block"] != "0.0.0.0/0" {
					continue
				}
				target := fmt.Sprint(r["nat_gateway_id"], r["gateway_id"])
				tableOf[r["route_table_id"].(string)] = target
			}
			for name, a := range doc.resources("aws_route_table_association") {
				target := tableOf[a["route_table_id"].(string)]
				switch {
				case strings.HasPrefix(name, "network_private"):
					if !strings.Contains(target, "aws_nat_gateway.") {
						t.Errorf("%s: private subnet default route %q, want a NAT gateway", name, target)
					}
				case strings.HasPrefix(name, "network_database"):
					if target != "" {
						t.Errorf("%s: database subnet routes to %q, want no default route", name, target)
					}
				case strings.HasPrefix(name, "network_public"):
					if !strings.Contains(target, "aws_internet_gateway.") {
						t.Errorf("%s: public subnet default route %q, want the internet gateway", name, target)
					}
				}
			}
			if perAZ {
				// Each private table uses a different NAT gateway: no cross-AZ dependency.
				seen := map[string]bool{}
				for _, r := range routes {
					if nat, ok := r["nat_gateway_id"].(string); ok {
						if seen[nat] {
							t.Errorf("NAT gateway %s serves two AZs with nat per AZ", nat)
						}
						seen[nat] = true
					}
				}
			}
		})
	}
}

// Flow logs capture all traffic into an encrypted group with retention,
// written by a role that only vpc-flow-logs can assume.
func TestNetworkFlowLogs(t *testing.T) {
	doc := testNetwork(t, false)
	fl := doc.only(t, "aws_flow_log")
	if fl["traffic_type"] != "ALL" || fl["log_destination_type"] != "cloud-watch-logs" {
		t.Errorf("flow log %v, want ALL traffic to CloudWatch Logs", fl)
	}
	group := doc.only(t, "aws_cloudwatch_log_group")
	if group["kms_key_id"] == nil || group["retention_in_days"] != 90.0 {
		t.Errorf("flow log group kms_key_id=%v retention=%v, want a key and 90 days", group["kms_key_id"], group["retention_in_days"])
	}
	role := doc.only(t, "aws_iam_role")
	if trust := role["assume_role_policy"].(string); !strings.Contains(trust, "vpc-flow-logs.amazonaws.com") || !strings.Contains(trust, "aws:SourceAccount") {
		t.Errorf("flow log role trust %s, want vpc-flow-logs limited to the account", trust)
	}
	if policy := doc.only(t, "aws_iam_role_policy")["policy"].(string); strings.Contains(policy, `"Resource":["*"]`) {
		t.Errorf("flow log role may write to any log group: %s", policy)
	}
}

// The default security group is adopted with no rules at all.
func TestNetworkDefaultSecurityGroupLocked(t *testing.T) {
	doc := testNetwork(t, false)
	sg := doc.only(t, "aws_default_security_group")
	for _, k := range []string{"ingress", "egress"} {
		if v, ok := sg[k]; ok && fmt.Sprint(v) != "[]" {
			t.Errorf("default security group has %s rules: %v", k, v)
		}
	}
}
