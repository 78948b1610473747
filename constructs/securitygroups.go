package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
)

// PostgresPort is the database tier's port.
const PostgresPort = 5432

// SecurityGroupsProps configures the tier security groups of one VPC.
type SecurityGroupsProps struct {
	Name  string
	VpcID *string
	// ContainerPort is the port the app tier listens on.
	ContainerPort int
	// PeerPrivateCIDRs are the peer region's private subnets: their app tier
	// reaches this region's database over peering.
	PeerPrivateCIDRs []string
	// PeerDatabaseCIDRs are the peer region's database subnets: this app
	// tier may reach the database there (the writer lives in the primary).
	PeerDatabaseCIDRs []string
	// CloudFrontPrefixListID, when set, limits the load balancer to
	// CloudFront's origin-facing servers on CloudFrontPort; otherwise it
	// takes 80 and 443 from the internet.
	CloudFrontPrefixListID string
	CloudFrontPort         int
	// S3PrefixListID is the S3 gateway endpoint's prefix list: the app tier
	// reaches S3 (image layers among others) through it.
	S3PrefixListID *string
	// EndpointsGroupID is the interface endpoints' security group, nil when
	// the VPC has none: the app tier reaches the AWS APIs through it.
	EndpointsGroupID *string
	// AppInternetEgress lets the app tier open HTTPS connections to any
	// address (through NAT); otherwise it reaches only the endpoints, S3 and
	// the databases.
	AppInternetEgress bool
}

// SecurityGroups are least-privilege groups, one per tier. Rules are
// separate resources, each with a description; a group without egress rules
// allows no egress (Terraform removes AWS's default allow-all).
type SecurityGroups struct {
	cdk.Construct
	LoadBalancerID *string
	AppID          *string
	DatabaseID     *string
}

// NewSecurityGroups creates the load balancer, app and database groups.
func NewSecurityGroups(scope cdk.Construct, id string, p *SecurityGroupsProps) *SecurityGroups {
	c := cdk.NewConstruct(scope, str(id))
	in := func(id string, r *rule) { ingress(c, id, r) }
	out := func(id string, r *rule) { egress(c, id, r) }
	group := func(tier, description string) *string {
		return securitygroup.NewSecurityGroup(c, str(tier), &securitygroup.SecurityGroupConfig{
			Name:        str(fmt.Sprintf("%s-%s", p.Name, tier)),
			Description: str(description),
			VpcId:       p.VpcID,
			Tags:        nameTag(fmt.Sprintf("%s-%s", p.Name, tier)),
		}).Id()
	}
	sg := &SecurityGroups{
		Construct:      c,
		LoadBalancerID: group("alb", "Application load balancer: HTTP(S) in, app port out"),
		AppID:          group("app", "App tasks: app port from the load balancer only"),
		DatabaseID:     group("db", "PostgreSQL: from the app tier and the peer region only"),
	}

	if p.CloudFrontPrefixListID != "" {
		// One port only: the CloudFront list weighs 55 of the group's 60 rules.
		in(fmt.Sprintf("alb-in-cloudfront-%d", p.CloudFrontPort), &rule{group: sg.LoadBalancerID, port: p.CloudFrontPort,
			prefixList:  str(p.CloudFrontPrefixListID),
			description: fmt.Sprintf("%s from CloudFront origin-facing servers only", map[int]string{80: "HTTP", 443: "HTTPS"}[p.CloudFrontPort])})
	} else {
		for _, port := range []int{80, 443} {
			in(fmt.Sprintf("alb-in-%d", port), &rule{group: sg.LoadBalancerID, port: port, cidr: "0.0.0.0/0",
				description: fmt.Sprintf("HTTP%s from the internet", map[int]string{80: " (redirected to HTTPS)", 443: "S"}[port])})
		}
	}
	out("alb-out-app", &rule{group: sg.LoadBalancerID, port: p.ContainerPort, peer: sg.AppID,
		description: "to the app tasks"})

	in("app-in-alb", &rule{group: sg.AppID, port: p.ContainerPort, peer: sg.LoadBalancerID,
		description: "from the load balancer"})
	if p.AppInternetEgress {
		out("app-out-https", &rule{group: sg.AppID, port: 443, cidr: "0.0.0.0/0",
			description: "HTTPS to any address through NAT"})
	}
	if p.S3PrefixListID != nil {
		out("app-out-s3", &rule{group: sg.AppID, port: 443, prefixList: p.S3PrefixListID,
			description: "HTTPS to S3 through the gateway endpoint (image layers)"})
	}
	if p.EndpointsGroupID != nil {
		out("app-out-endpoints", &rule{group: sg.AppID, port: 443, peer: p.EndpointsGroupID,
			description: "HTTPS to the AWS API interface endpoints"})
	}
	out("app-out-db", &rule{group: sg.AppID, port: PostgresPort, peer: sg.DatabaseID,
		description: "PostgreSQL in this region"})
	for i, cidr := range p.PeerDatabaseCIDRs {
		out(fmt.Sprintf("app-out-peer-db-%d", i), &rule{group: sg.AppID, port: PostgresPort, cidr: cidr,
			description: "PostgreSQL in peer region database subnet " + cidr + " over VPC peering"})
	}

	in("db-in-app", &rule{group: sg.DatabaseID, port: PostgresPort, peer: sg.AppID,
		description: "PostgreSQL from the app tier"})
	for i, cidr := range p.PeerPrivateCIDRs {
		in(fmt.Sprintf("db-in-peer-%d", i), &rule{group: sg.DatabaseID, port: PostgresPort, cidr: cidr,
			description: "PostgreSQL from peer region private subnet " + cidr + " over VPC peering"})
	}
	return sg
}

// rule is one TCP port from/to a CIDR, another security group or a prefix list.
type rule struct {
	group       *string
	port        int
	cidr        string
	peer        *string
	prefixList  *string
	description string
}

func ingress(c cdk.Construct, id string, r *rule) {
	cfg := &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId: r.group, IpProtocol: str("tcp"),
		FromPort: num(r.port), ToPort: num(r.port), Description: str(r.description),
		ReferencedSecurityGroupId: r.peer, PrefixListId: r.prefixList,
	}
	if r.cidr != "" {
		cfg.CidrIpv4 = str(r.cidr)
	}
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c, str(id), cfg)
}

func egress(c cdk.Construct, id string, r *rule) {
	cfg := &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId: r.group, IpProtocol: str("tcp"),
		FromPort: num(r.port), ToPort: num(r.port), Description: str(r.description),
		ReferencedSecurityGroupId: r.peer, PrefixListId: r.prefixList,
	}
	if r.cidr != "" {
		cfg.CidrIpv4 = str(r.cidr)
	}
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(c, str(id), cfg)
}
