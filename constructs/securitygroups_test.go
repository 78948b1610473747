package constructs

import (
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func testGroups(t *testing.T, p SecurityGroupsProps) tfJSON {
	p.Name, p.VpcID, p.ContainerPort = "acme-prod-use1", jsii.String("vpc-1"), 8080
	p.PeerPrivateCIDRs, p.PeerDatabaseCIDRs = []string{"10.1.64.0/20"}, []string{"10.1.128.0/20"}
	return synthJSON(t, func(stack cdktf.TerraformStack) { NewSecurityGroups(stack, "sg", &p) })
}

// With CloudFront ingress the load balancer admits one port from the
// region's CloudFront prefix list and nothing from 0.0.0.0/0.
func TestSecurityGroupsCloudFrontIngress(t *testing.T) {
	doc := testGroups(t, SecurityGroupsProps{CloudFrontPrefixListID: "pl-3b927c52", CloudFrontPort: 443})
	var alb []map[string]any
	for _, r := range doc.resources("aws_vpc_security_group_ingress_rule") {
		if r["cidr_ipv4"] == "0.0.0.0/0" {
			t.Errorf("open ingress with CloudFront-only load balancer: %v", r)
		}
		if r["prefix_list_id"] != nil {
			alb = append(alb, r)
		}
	}
	if len(alb) != 1 || alb[0]["prefix_list_id"] != "pl-3b927c52" || alb[0]["from_port"] != 443.0 || alb[0]["to_port"] != 443.0 {
		t.Errorf("CloudFront rules %v, want one rule for 443 from pl-3b927c52", alb)
	}
}

// Without internet egress the app tier reaches only S3 (prefix list), the
// endpoints' group and the databases; with it, also 443 anywhere.
func TestSecurityGroupsAppEgress(t *testing.T) {
	for _, internet := range []bool{false, true} {
		doc := testGroups(t, SecurityGroupsProps{S3PrefixListID: jsii.String("pl-s3"), EndpointsGroupID: jsii.String("sg-endpoints"), AppInternetEgress: internet})
		var open, s3, endpoints bool
		for _, r := range doc.resources("aws_vpc_security_group_egress_rule") {
			switch {
			case r["cidr_ipv4"] == "0.0.0.0/0":
				open = true
			case r["prefix_list_id"] == "pl-s3":
				s3 = r["from_port"] == 443.0
			case r["referenced_security_group_id"] == "sg-endpoints":
				endpoints = r["from_port"] == 443.0
			}
		}
		if open != internet || !s3 || !endpoints {
			t.Errorf("internet=%v: open %v, S3 %v, endpoints %v", internet, open, s3, endpoints)
		}
	}
}
