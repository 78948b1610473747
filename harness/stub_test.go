package harness

import (
	"regexp"
	"strings"
	"testing"
)

func TestStubValue(t *testing.T) {
	tests := []struct {
		name string
		want any    // exact value, or
		like string // a pattern a string value must match
	}{
		// cdktf cross-stack outputs: resource type prefix, attribute suffix, dots removed.
		{name: "cross-stack-output-aws_vpcvpcid", like: `^vpc-0[0-9a-f]{16}$`},
		{name: "cross-stack-output-aws_subnetprivate-0id", like: `^subnet-0[0-9a-f]{16}$`},
		{name: "cross-stack-output-aws_security_groupalbid", like: `^sg-0[0-9a-f]{16}$`},
		{name: "cross-stack-output-aws_route_tableprivateid", like: `^rtb-0[0-9a-f]{16}$`},
		{name: "cross-stack-output-aws_vpc_peering_connectionpeerid", like: `^pcx-0[0-9a-f]{16}$`},
		{name: "cross-stack-output-aws_nat_gatewaynat0id", like: `^nat-0[0-9a-f]{16}$`},
		{name: "cross-stack-output-aws_internet_gatewayigwid", like: `^igw-0[0-9a-f]{16}$`},
		{name: "cross-stack-output-aws_ec2_transit_gatewaytgwid", like: `^tgw-0[0-9a-f]{16}$`},
		{name: "cross-stack-output-aws_kms_keydatabaseid", like: `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`},
		{name: "cross-stack-output-aws_route53_zoneprimaryid", like: `^Z[0-9A-F]{13}$`},
		{name: "cross-stack-output-aws_route53_zoneprimaryzone_id", want: "Z0123456789ABCDEFGHIJ"},
		{name: "cross-stack-output-aws_kms_keydatabasearn", like: `^arn:aws:kms:us-east-1:123456789012:stub/`},
		{name: "cross-stack-output-aws_lb_target_groupapparn", like: `^arn:aws:elasticloadbalancing:us-east-1:123456789012:stub/`},
		{name: "cross-stack-output-aws_db_instanceprimaryarn", like: `^arn:aws:rds:us-east-1:123456789012:stub/`},
		{name: "cross-stack-output-aws_iam_rolepipelinearn", like: `^arn:aws:iam::123456789012:stub/`},
		{name: "cross-stack-output-aws_s3_bucketartifactsarn", like: `^arn:aws:s3:::stub-`},
		{name: "cross-stack-output-aws_sqs_queuejobsarn", like: `^arn:aws:sqs:us-east-1:123456789012:stub/`},
		{name: "cross-stack-output-aws_vpcvpccidr_block", want: "10.250.0.0/16"},
		{name: "cross-stack-output-aws_lbappzone_id", want: "Z0123456789ABCDEFGHIJ"},
		{name: "cross-stack-output-aws_lbappdns_name", want: "stub.example.internal"},
		{name: "cross-stack-output-aws_db_instanceprimaryendpoint", want: "stub.example.internal"},
		{name: "cross-stack-output-aws_db_instanceprimaryaddress", want: "stub.example.internal"},
		{name: "cross-stack-output-aws_db_instanceprimaryport", want: "8080"},
		{name: "cross-stack-output-aws_ecs_serviceappdesired_count", want: "2"},
		{name: "cross-stack-output-aws_vpcvpcenable_dns_support", want: "true"},
		{name: "cross-stack-output-aws_ecr_repositoryappname", want: "stub-aws-ecr-repositoryappname"},
		{name: "cross-stack-output-aws_ecr_repositoryapprepository_url", want: "https://stub.example.internal"},
		// plain output names
		{name: "vpc_id", like: `^vpc-0[0-9a-f]{16}$`},
		{name: "alb_dns_name", want: "stub.example.internal"},
		{name: "database_port", want: "8080"},
		{name: "something_else", want: "stub-something-else"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StubValue(tt.name)
			if tt.like != "" {
				s, ok := got.(string)
				if !ok || !regexp.MustCompile(tt.like).MatchString(s) {
					t.Errorf("StubValue(%q) = %#v, want a string like %s", tt.name, got, tt.like)
				}
			} else if got != tt.want {
				t.Errorf("StubValue(%q) = %#v, want %#v", tt.name, got, tt.want)
			}
			if again := StubValue(tt.name); again != got {
				t.Errorf("StubValue(%q) is not deterministic: %v then %v", tt.name, got, again)
			}
		})
	}
}

func TestStubValueLists(t *testing.T) {
	ids, ok := StubValue("private_subnet_ids").([]string)
	if !ok || len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("private_subnet_ids = %#v, want two different subnet ids", StubValue("private_subnet_ids"))
	}
	for _, id := range ids {
		if !regexp.MustCompile(`^subnet-0[0-9a-f]{16}$`).MatchString(id) {
			t.Errorf("subnet id %q", id)
		}
	}
	arns, ok := StubValue("target_group_arns").([]string)
	if !ok || len(arns) != 2 || arns[0] == arns[1] || !strings.HasPrefix(arns[0], "arn:aws:") {
		t.Errorf("target_group_arns = %#v, want two different ARNs", arns)
	}
	// Different outputs of one kind differ, so they never collide in a for_each.
	if StubValue("cross-stack-output-aws_subnetaid") == StubValue("cross-stack-output-aws_subnetbid") {
		t.Error("two subnet outputs got the same stub id")
	}
}
