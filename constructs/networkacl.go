package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/networkacl"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/networkaclrule"
)

// SubnetACLProps configures a network ACL that fences a set of subnets.
type SubnetACLProps struct {
	Name      string
	VpcID     *string
	SubnetIDs []*string
	// AllowedCIDRs may exchange traffic with the subnets, in and out (an
	// ACL is stateless: the replies need the opposite direction).
	AllowedCIDRs []string
}

// SubnetACL is a network ACL that admits only the allowed CIDRs; every
// other packet meets the ACL's final deny-all rule.
type SubnetACL struct {
	cdk.Construct
	ID *string
}

// NewSubnetACL creates the ACL, associates the subnets with it (taking them
// from the VPC's default ACL) and adds one allow rule per CIDR and
// direction. Rules are separate resources, so the ACL holds exactly these.
func NewSubnetACL(scope cdk.Construct, id string, p *SubnetACLProps) *SubnetACL {
	c := cdk.NewConstruct(scope, str(id))
	acl := networkacl.NewNetworkAcl(c, str("acl"), &networkacl.NetworkAclConfig{
		VpcId:     p.VpcID,
		SubnetIds: &p.SubnetIDs,
		Tags:      nameTag(p.Name),
	})
	for i, cidr := range p.AllowedCIDRs {
		for _, egress := range []bool{false, true} {
			dir := map[bool]string{false: "in", true: "out"}[egress]
			networkaclrule.NewNetworkAclRule(c, str(fmt.Sprintf("%s-%d", dir, i)), &networkaclrule.NetworkAclRuleConfig{
				NetworkAclId: acl.Id(),
				RuleNumber:   num(100 + 10*i),
				Egress:       boolp(egress),
				Protocol:     str("-1"), // all traffic: the subnets serve whatever the two VPCs run there
				RuleAction:   str("allow"),
				CidrBlock:    str(cidr),
				FromPort:     num(0),
				ToPort:       num(0),
			})
		}
	}
	return &SubnetACL{Construct: c, ID: acl.Id()}
}
