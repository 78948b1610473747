package constructs

import (
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func testEndpoints(t *testing.T, services ...string) tfJSON {
	return synthJSON(t, func(stack cdktf.TerraformStack) {
		NewEndpoints(stack, "ep", &EndpointsProps{
			Name: "acme-prod-use1", Region: "us-east-1", VpcID: jsii.String("vpc-1"), VpcCIDR: "10.0.0.0/16",
			GatewayRouteTableIDs: []*string{jsii.String("rtb-a"), jsii.String("rtb-b")},
			SubnetIDs:            []*string{jsii.String("subnet-a"), jsii.String("subnet-b")},
			InterfaceServices:    services,
		})
	})
}

// Interface endpoints: one per service, in the region, private DNS, in the
// given subnets, behind a group admitting HTTPS from the VPC only.
func TestEndpointsInterface(t *testing.T) {
	doc := testEndpoints(t, "ecr.api", "logs")
	var sg string
	for name := range doc.resources("aws_security_group") {
		sg = ref("aws_security_group", name, "id")
	}
	want := map[string]bool{"com.amazonaws.us-east-1.ecr.api": true, "com.amazonaws.us-east-1.logs": true, "com.amazonaws.us-east-1.s3": true}
	for name, ep := range doc.resources("aws_vpc_endpoint") {
		if !want[ep["service_name"].(string)] {
			t.Errorf("%s: unexpected service %v", name, ep["service_name"])
		}
		delete(want, ep["service_name"].(string))
		if ep["vpc_endpoint_type"] == "Gateway" {
			continue
		}
		if ep["private_dns_enabled"] != true || len(ep["subnet_ids"].([]any)) != 2 || ep["security_group_ids"].([]any)[0] != sg {
			t.Errorf("%s: %v", name, ep)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing endpoints %v", want)
	}
	in := doc.only(t, "aws_vpc_security_group_ingress_rule")
	if in["cidr_ipv4"] != "10.0.0.0/16" || in["from_port"] != 443.0 || in["security_group_id"] != sg {
		t.Errorf("endpoints ingress %v, want 443 from the VPC", in)
	}
	if n := len(doc.resources("aws_vpc_security_group_egress_rule")); n != 0 {
		t.Errorf("%d egress rules on the endpoints group, want none", n)
	}
}

// Without interface services only the S3 gateway endpoint exists, on the
// given route tables, and no security group is made.
func TestEndpointsGatewayOnly(t *testing.T) {
	doc := testEndpoints(t)
	gw := doc.only(t, "aws_vpc_endpoint")
	if gw["vpc_endpoint_type"] != "Gateway" || len(gw["route_table_ids"].([]any)) != 2 {
		t.Errorf("gateway endpoint %v", gw)
	}
	if n := len(doc.resources("aws_security_group")); n != 0 {
		t.Errorf("%d security groups without interface endpoints", n)
	}
}
