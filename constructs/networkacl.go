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
	// AllowedCIDRs may connect to Port in the subnets.
	AllowedCIDRs []string
	// Port is the TCP port the subnets serve (PostgreSQL's for the database tier).
	Port int
}

// Ephemeral ports: where the replies of the subnets go (an ACL is stateless,
// so replies need a rule of their own). 1024-65535 covers every client OS
// (Linux uses 32768-60999, NAT gateways and ELB 1024-65535).
const (
	ephemeralFrom = 1024
	ephemeralTo   = 65535
)

// SubnetACL is a network ACL that admits only the allowed CIDRs on the
// served port and sends replies back to them on ephemeral ports; every other
// packet meets the ACL's final deny-all rule.
type SubnetACL struct {
	cdk.Construct
	ID *string
}

// NewSubnetACL creates the ACL, associates the subnets with it (taking them
// from the VPC's default ACL) and adds, per CIDR, one inbound rule (TCP to
// Port) and one outbound rule (TCP to ephemeral ports). Rules are separate
// resources, so the ACL holds exactly these.
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
			from, to := p.Port, p.Port
			if egress {
				from, to = ephemeralFrom, ephemeralTo
			}
			networkaclrule.NewNetworkAclRule(c, str(fmt.Sprintf("%s-%d", dir, i)), &networkaclrule.NetworkAclRuleConfig{
				NetworkAclId: acl.Id(),
				RuleNumber:   num(100 + 10*i),
				Egress:       boolp(egress),
				Protocol:     str("tcp"),
				RuleAction:   str("allow"),
				CidrBlock:    str(cidr),
				FromPort:     num(from),
				ToPort:       num(to),
			})
		}
	}
	return &SubnetACL{Construct: c, ID: acl.Id()}
}
