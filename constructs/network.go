package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/defaultsecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// ZoneSubnets are the CIDRs of the three subnets of one availability zone.
type ZoneSubnets struct {
	AZ       string
	Public   string
	Private  string
	Database string
}

// NetworkProps configures a regional VPC.
type NetworkProps struct {
	// Name prefixes every Name tag, e.g. acme-prod-use1.
	Name      string
	CidrBlock string
	Zones     []ZoneSubnets
	// NatPerAZ puts a NAT gateway in every AZ (no cross-AZ dependency);
	// otherwise one NAT gateway in the first AZ serves all private subnets.
	NatPerAZ             bool
	FlowLogRetentionDays int
	// LogsKeyArn encrypts the flow log group; the key must admit CloudWatch Logs.
	LogsKeyArn *string
	Account    string
	Region     string
}

// Network is a VPC with public, private and database subnets in every AZ.
type Network struct {
	cdk.Construct
	VpcID     *string
	CidrBlock string
	// AZs in the order of every per-AZ list below.
	AZs []string
	// Subnet ids by tier, in AZ order.
	PublicSubnetIDs   []*string
	PrivateSubnetIDs  []*string
	DatabaseSubnetIDs []*string
	// PrivateRouteTableIDs has one table per AZ (each routes through its
	// AZ's NAT gateway); DatabaseRouteTableID has no route to the internet.
	PrivateRouteTableIDs []*string
	DatabaseRouteTableID *string
	NatGatewayIDs        []*string
}

// NewNetwork builds the VPC, its subnets, gateways, route tables, a locked
// default security group and flow logs.
func NewNetwork(scope cdk.Construct, id string, p *NetworkProps) *Network {
	c := cdk.NewConstruct(scope, str(id))
	n := &Network{Construct: c, CidrBlock: p.CidrBlock}

	v := vpc.NewVpc(c, str("vpc"), &vpc.VpcConfig{
		CidrBlock:          str(p.CidrBlock),
		EnableDnsSupport:   boolp(true),
		EnableDnsHostnames: boolp(true), // interface endpoints and RDS need private DNS
		Tags:               nameTag(p.Name),
	})
	n.VpcID = v.Id()

	// The default security group admits nothing: every workload gets its own.
	defaultsecuritygroup.NewDefaultSecurityGroup(c, str("default-sg"), &defaultsecuritygroup.DefaultSecurityGroupConfig{
		VpcId: v.Id(),
		Tags:  nameTag(p.Name + "-default-deny"),
	})

	igw := internetgateway.NewInternetGateway(c, str("igw"), &internetgateway.InternetGatewayConfig{
		VpcId: v.Id(),
		Tags:  nameTag(p.Name),
	})

	// Public tier: one route table, default route to the internet gateway.
	public := routetable.NewRouteTable(c, str("public-rt"), &routetable.RouteTableConfig{
		VpcId: v.Id(),
		Tags:  nameTag(p.Name + "-public"),
	})
	route.NewRoute(c, str("public-default"), &route.RouteConfig{
		RouteTableId:         public.Id(),
		DestinationCidrBlock: str("0.0.0.0/0"),
		GatewayId:            igw.Id(),
	})

	// Database tier: one route table with local routes only (peering adds the
	// peer region); nothing in it reaches the internet.
	database := routetable.NewRouteTable(c, str("database-rt"), &routetable.RouteTableConfig{
		VpcId: v.Id(),
		Tags:  nameTag(p.Name + "-database"),
	})
	n.DatabaseRouteTableID = database.Id()

	for i, z := range p.Zones {
		pub := n.subnet(c, v, p, z.AZ, "public", z.Public, public.Id())
		n.PublicSubnetIDs = append(n.PublicSubnetIDs, pub)

		if p.NatPerAZ || i == 0 {
			ip := eip.NewEip(c, str("nat-eip-"+z.AZ), &eip.EipConfig{
				Domain: str("vpc"),
				Tags:   nameTag(fmt.Sprintf("%s-nat-%s", p.Name, z.AZ)),
			})
			nat := natgateway.NewNatGateway(c, str("nat-"+z.AZ), &natgateway.NatGatewayConfig{
				AllocationId: ip.Id(),
				SubnetId:     pub,
				Tags:         nameTag(fmt.Sprintf("%s-%s", p.Name, z.AZ)),
				DependsOn:    &[]cdktf.ITerraformDependable{igw},
			})
			n.NatGatewayIDs = append(n.NatGatewayIDs, nat.Id())
		}

		// Private tier: a route table per AZ through the AZ's NAT gateway (or
		// the single one).
		private := routetable.NewRouteTable(c, str("private-rt-"+z.AZ), &routetable.RouteTableConfig{
			VpcId: v.Id(),
			Tags:  nameTag(fmt.Sprintf("%s-private-%s", p.Name, z.AZ)),
		})
		route.NewRoute(c, str("private-default-"+z.AZ), &route.RouteConfig{
			RouteTableId:         private.Id(),
			DestinationCidrBlock: str("0.0.0.0/0"),
			NatGatewayId:         n.NatGatewayIDs[len(n.NatGatewayIDs)-1],
		})
		n.PrivateRouteTableIDs = append(n.PrivateRouteTableIDs, private.Id())
		n.PrivateSubnetIDs = append(n.PrivateSubnetIDs, n.subnet(c, v, p, z.AZ, "private", z.Private, private.Id()))
		n.DatabaseSubnetIDs = append(n.DatabaseSubnetIDs, n.subnet(c, v, p, z.AZ, "database", z.Database, database.Id()))
		n.AZs = append(n.AZs, z.AZ)
	}

	n.flowLogs(c, v, p)
	return n
}

// InternalRouteTables are the route tables of the private and database
// tiers (the ones that route to a peer VPC), keyed by a name that stays
// stable when AZs are added: private-<az> and database.
func (n *Network) InternalRouteTables() map[string]*string {
	out := map[string]*string{"database": n.DatabaseRouteTableID}
	for i, az := range n.AZs {
		out["private-"+az] = n.PrivateRouteTableIDs[i]
	}
	return out
}

// subnet creates one subnet of a tier and associates it with its route table.
func (n *Network) subnet(c cdk.Construct, v vpc.Vpc, p *NetworkProps, az, tier, cidr string, rt *string) *string {
	s := subnet.NewSubnet(c, str(tier+"-"+az), &subnet.SubnetConfig{
		VpcId:            v.Id(),
		CidrBlock:        str(cidr),
		AvailabilityZone: str(az),
		// Nothing is launched with a public IP by default, not even in the
		// public tier: load balancers and NAT gateways bring their own.
		MapPublicIpOnLaunch: boolp(false),
		Tags: &map[string]*string{
			"Name": str(fmt.Sprintf("%s-%s-%s", p.Name, tier, az)),
			"Tier": str(tier),
		},
	})
	routetableassociation.NewRouteTableAssociation(c, str(tier+"-rta-"+az), &routetableassociation.RouteTableAssociationConfig{
		SubnetId:     s.Id(),
		RouteTableId: rt,
	})
	return s.Id()
}

// flowLogs sends every accepted and rejected flow of the VPC to an encrypted
// log group through a role that may write only there.
func (n *Network) flowLogs(c cdk.Construct, v vpc.Vpc, p *NetworkProps) {
	group := cloudwatchloggroup.NewCloudwatchLogGroup(c, str("flow-logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            str("/vpc/" + p.Name + "/flow-logs"),
		RetentionInDays: num(p.FlowLogRetentionDays),
		KmsKeyId:        p.LogsKeyArn,
		Tags:            nameTag(p.Name + "-flow-logs"),
	})
	role := iamrole.NewIamRole(c, str("flow-logs-role"), &iamrole.IamRoleConfig{
		NamePrefix:       str(truncate(p.Name+"-flow-logs-", 38)),
		AssumeRolePolicy: AssumeRolePolicy("vpc-flow-logs.amazonaws.com", p.Account).JSON(),
		Tags:             nameTag(p.Name + "-flow-logs"),
	})
	iamrolepolicy.NewIamRolePolicy(c, str("flow-logs-policy"), &iamrolepolicy.IamRolePolicyConfig{
		Role: role.Id(),
		Name: str("write-flow-logs"),
		Policy: Policy(Allow(
			[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			*group.Arn(), *group.Arn()+":*",
		)).JSON(),
	})
	flowlog.NewFlowLog(c, str("flow-log"), &flowlog.FlowLogConfig{
		VpcId:                  v.Id(),
		TrafficType:            str("ALL"),
		LogDestinationType:     str("cloud-watch-logs"),
		LogDestination:         group.Arn(),
		IamRoleArn:             role.Arn(),
		MaxAggregationInterval: num(60),
		Tags:                   nameTag(p.Name + "-flow-log"),
	})
}

// truncate cuts s to at most n bytes (IAM name prefixes are limited to 38).
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
