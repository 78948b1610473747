package constructs

import (
	"slices"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// The ACL takes the subnets and allows the given CIDRs in on the served
// TCP port and out on ephemeral TCP ports (the replies), with distinct rule
// numbers; nothing else is allowed.
func TestSubnetACL(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewSubnetACL(stack, "acl", &SubnetACLProps{Name: "db", VpcID: jsii.String("vpc-1"),
			SubnetIDs: []*string{jsii.String("subnet-a"), jsii.String("subnet-b")}, AllowedCIDRs: []string{"10.0.0.0/16", "10.1.0.0/16"}, Port: 5432})
	})
	if acl := doc.only(t, "aws_network_acl"); len(acl["subnet_ids"].([]any)) != 2 {
		t.Errorf("ACL subnets %v", acl["subnet_ids"])
	}
	numbers := map[bool][]float64{}
	cidrs := map[bool][]string{}
	for _, r := range doc.resources("aws_network_acl_rule") {
		e := r["egress"].(bool)
		ports := [2]float64{5432, 5432}
		if e {
			ports = [2]float64{1024, 65535}
		}
		if r["rule_action"] != "allow" || r["protocol"] != "tcp" || r["from_port"] != ports[0] || r["to_port"] != ports[1] {
			t.Errorf("egress=%v rule %v, want allow tcp %v", e, r, ports)
		}
		numbers[e] = append(numbers[e], r["rule_number"].(float64))
		cidrs[e] = append(cidrs[e], r["cidr_block"].(string))
	}
	for _, e := range []bool{false, true} {
		slices.Sort(cidrs[e])
		slices.Sort(numbers[e])
		if !slices.Equal(cidrs[e], []string{"10.0.0.0/16", "10.1.0.0/16"}) || len(slices.Compact(numbers[e])) != 2 {
			t.Errorf("egress=%v: CIDRs %v numbers %v", e, cidrs[e], numbers[e])
		}
	}
}
