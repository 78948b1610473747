package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// Region is one of the two regional halves of an environment.
type Region struct {
	// Region is the AWS region code, e.g. us-east-1.
	Region string `yaml:"region"`
	// CIDR is the VPC's IPv4 block, /16 to /24.
	CIDR string `yaml:"cidr"`
	// AZs are the availability zones to spread subnets over (2 to 4), named
	// in full (us-east-1a): no look-up at plan time.
	AZs []string `yaml:"azs"`
	// CloudFrontPrefixListID is this region's id of the AWS-managed prefix
	// list com.amazonaws.global.cloudfront.origin-facing (ids differ per
	// region), used when network.load_balancer_ingress is cloudfront.
	// Default: from the reviewed table in network.go; required for a region
	// the table lacks.
	CloudFrontPrefixListID string `yaml:"cloudfront_prefix_list_id"`
}

// NAT gateway layouts.
const (
	NATPerAZ  = "per_az"
	NATSingle = "single"
)

// Network holds the VPC settings shared by both regions.
type Network struct {
	// NAT is per_az (one NAT gateway per AZ, the production default) or single.
	NAT string `yaml:"nat"`
	// FlowLogRetentionDays is the retention of the VPC flow log groups.
	FlowLogRetentionDays int `yaml:"flow_log_retention_days"`
	// InterfaceEndpoints are the AWS services that get an interface VPC
	// endpoint with private DNS in the private subnets, e.g. ecr.api.
	// Default: DefaultInterfaceEndpoints in production, none in development
	// (each costs per AZ and hour); [] switches them off. The S3 gateway
	// endpoint is always there.
	InterfaceEndpoints []string `yaml:"interface_endpoints"`
	// AppInternetEgress lets the app tier open HTTPS connections to any
	// address through NAT. Default: true unless the interface endpoints
	// cover every AWS service the tasks need (RequiredTaskEndpoints).
	AppInternetEgress *bool `yaml:"app_internet_egress"`
	// LoadBalancerIngress says who reaches the load balancers: internet
	// (80 and 443 from anywhere, the default) or cloudfront (only
	// CloudFront's origin-facing servers, on CloudFrontOriginPort).
	LoadBalancerIngress string `yaml:"load_balancer_ingress"`
	// CloudFrontOriginPort is the one port CloudFront connects to the load
	// balancer on, 443 (default) or 80. One port only: a rule naming the
	// CloudFront prefix list counts as 55 of a security group's 60 rules.
	CloudFrontOriginPort int `yaml:"cloudfront_origin_port"`
}

// Who may reach the load balancers (network.load_balancer_ingress).
const (
	IngressInternet   = "internet"
	IngressCloudFront = "cloudfront"
)

// DefaultInterfaceEndpoints are the interface endpoints a production
// environment gets: image pulls (ecr.api, ecr.dkr; layers come through the
// S3 gateway endpoint), logs, secrets, and the STS and KMS APIs.
var DefaultInterfaceEndpoints = []string{"ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts", "kms"}

// RequiredTaskEndpoints are the services a Fargate task cannot start
// without (pull the image, ship its logs, read its secrets): with
// network.app_internet_egress false, each needs an interface endpoint.
var RequiredTaskEndpoints = []string{"ecr.api", "ecr.dkr", "logs", "secretsmanager"}

// interfaceServices are the services network.interface_endpoints may name:
// com.amazonaws.<region>.<name> exists as an interface endpoint service in
// every supported region. Extend the list after checking that.
var interfaceServices = []string{
	"ec2messages", "ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry",
	"events", "kms", "logs", "monitoring", "rds", "secretsmanager", "sns",
	"sqs", "ssm", "ssmmessages", "sts", "xray",
}

// cloudFrontPrefixLists is the id of the AWS-managed prefix list
// com.amazonaws.global.cloudfront.origin-facing in each region (the list is
// global, its id is not). Reviewed against several independent published
// tables that agree; no look-up happens at plan time. A region missing here
// needs <region>.cloudfront_prefix_list_id in the environment file (find
// it with `aws ec2 describe-managed-prefix-lists --region R --filters
// Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`).
var cloudFrontPrefixLists = map[string]string{
	"ap-northeast-1": "pl-58a04531",
	"ap-northeast-2": "pl-22a6434b",
	"ap-south-1":     "pl-9aa247f3",
	"ap-southeast-1": "pl-31a34658",
	"ap-southeast-2": "pl-b8a742d1",
	"ca-central-1":   "pl-38a64351",
	"eu-central-1":   "pl-a3a144ca",
	"eu-north-1":     "pl-fab65393",
	"eu-west-1":      "pl-4fa04526",
	"eu-west-2":      "pl-93a247fa",
	"eu-west-3":      "pl-75b1541c",
	"sa-east-1":      "pl-5da64334",
	"us-east-1":      "pl-3b927c52",
	"us-east-2":      "pl-b6a144df",
	"us-west-1":      "pl-4ea04527",
	"us-west-2":      "pl-82a045eb",
}

var prefixListRe = regexp.MustCompile(`^pl-[0-9a-f]{8}([0-9a-f]{9})?$`)

// applyNetworkDefaults fills both regions and the network section. The
// flow logs keep monitoring.log_retention_days, so monitoring is defaulted
// first.
func (e *Environment) applyNetworkDefaults() {
	setDefault(&e.Primary.Region, "us-east-1")
	setDefault(&e.Secondary.Region, "us-west-2")
	setDefault(&e.Primary.CIDR, "10.0.0.0/16")
	setDefault(&e.Secondary.CIDR, "10.1.0.0/16")
	for _, r := range []*Region{&e.Primary, &e.Secondary} {
		if knownRegion(r.Region) {
			setDefault(&r.AZs, zonesOf(r.Region)[:2])
		}
	}
	n := &e.Network
	setDefault(&n.NAT, pick(e.Production(), NATPerAZ, NATSingle))
	setDefault(&n.FlowLogRetentionDays, e.Monitoring.LogRetentionDays)
	setDefault(&n.InterfaceEndpoints, pick(e.Production(), slices.Clone(DefaultInterfaceEndpoints), []string{}))
	covered := true
	for _, s := range RequiredTaskEndpoints {
		covered = covered && slices.Contains(n.InterfaceEndpoints, s)
	}
	setDefault(&n.AppInternetEgress, ptr(!covered))
	setDefault(&n.LoadBalancerIngress, IngressInternet)
	if n.LoadBalancerIngress == IngressCloudFront {
		// The port the load balancer serves: HTTPS with a certificate,
		// else HTTP.
		setDefault(&n.CloudFrontOriginPort, pick(e.LoadBalancer.HTTPS(), 443, 80))
		for _, r := range []*Region{&e.Primary, &e.Secondary} {
			setDefault(&r.CloudFrontPrefixListID, cloudFrontPrefixLists[r.Region])
		}
	}
}

// regionField is a region with its key, for messages.
type regionField struct {
	field string
	*Region
}

// regions are the environment's two regions with their keys.
func (e *Environment) regions() []regionField {
	return []regionField{{RolePrimary, &e.Primary}, {RoleSecondary, &e.Secondary}}
}

func (e *Environment) validateRegions(c *fileProblems) {
	var cidrs [2]netip.Prefix
	for i, r := range e.regions() {
		if !knownRegion(r.Region.Region) {
			c.add(r.field+".region", r.Region.Region, "one of %s", strings.Join(Regions(), ", "))
		}
		p, err := parseVPCCIDR(r.CIDR)
		if err != nil {
			c.add(r.field+".cidr", r.CIDR, "%s: want an IPv4 network address with a prefix from /16 to /24, e.g. 10.0.0.0/16", err)
		}
		cidrs[i] = p
		if n := len(r.AZs); n < 2 || n > MaxAZs {
			c.add(r.field+".azs", strings.Join(r.AZs, ","), "2 to %d availability zones (the ALB and Multi-AZ RDS need two)", MaxAZs)
		}
		seen := map[string]bool{}
		for j, az := range r.AZs {
			field := fmt.Sprintf("%s.azs[%d]", r.field, j)
			if knownRegion(r.Region.Region) && !azInRegion(az, r.Region.Region) {
				c.add(field, az, "an availability zone of %s: one of %s", r.Region.Region, strings.Join(zonesOf(r.Region.Region), ", "))
			}
			if seen[az] {
				c.add(field, az, "each availability zone once")
			}
			seen[az] = true
		}
	}
	if e.Primary.Region != "" && e.Primary.Region == e.Secondary.Region {
		c.add("secondary.region", e.Secondary.Region, "a region other than the primary's (%s): the platform spans two regions", e.Primary.Region)
	}
	if cidrs[0].IsValid() && cidrs[1].IsValid() && cidrs[0].Overlaps(cidrs[1]) {
		c.add("secondary.cidr", e.Secondary.CIDR, "a block that does not overlap primary.cidr %s: the two VPCs are peered", e.Primary.CIDR)
	}
}

// validateNetwork checks the NAT layout, flow logs, endpoints, load
// balancer ingress and app egress.
func (e *Environment) validateNetwork(c *fileProblems) {
	n := e.Network
	if n.NAT != NATPerAZ && n.NAT != NATSingle {
		c.add("network.nat", n.NAT, "one of %s (one NAT gateway per AZ), %s (one per region)", NATPerAZ, NATSingle)
	}
	e.validateLogRetention(c, "network.flow_log_retention_days", n.FlowLogRetentionDays)
	seen := map[string]bool{}
	for i, s := range n.InterfaceEndpoints {
		field := fmt.Sprintf("network.interface_endpoints[%d]", i)
		switch {
		case slices.Contains(interfaceServices, s):
			if seen[s] {
				c.add(field, s, "each service once")
			}
			seen[s] = true
		case s == "s3":
			c.add(field, s, "not an interface endpoint here: every VPC has the S3 gateway endpoint on its private route tables")
		case isCIDR(s):
			c.add(field, s, "an AWS service name (one of %s), not a CIDR block: %s", strings.Join(interfaceServices, ", "), e.cidrHint(s))
		default:
			c.add(field, s, "an AWS service name: one of %s", strings.Join(interfaceServices, ", "))
		}
	}
	if n.AppInternetEgress != nil && !*n.AppInternetEgress {
		var missing []string
		for _, s := range RequiredTaskEndpoints {
			if !slices.Contains(n.InterfaceEndpoints, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			c.add("network.app_internet_egress", false, "true, or add %s to network.interface_endpoints: without internet egress the tasks reach AWS only through endpoints and could not pull images, write logs or read secrets", strings.Join(missing, ", "))
		}
	}
	switch n.LoadBalancerIngress {
	case IngressInternet:
		if n.CloudFrontOriginPort != 0 {
			c.add("network.cloudfront_origin_port", n.CloudFrontOriginPort, "only with network.load_balancer_ingress %s (it is %s)", IngressCloudFront, n.LoadBalancerIngress)
		}
		for _, r := range e.regions() {
			if r.CloudFrontPrefixListID != "" {
				c.add(r.field+".cloudfront_prefix_list_id", r.CloudFrontPrefixListID, "only with network.load_balancer_ingress %s (it is %s)", IngressCloudFront, n.LoadBalancerIngress)
			}
		}
	case IngressCloudFront:
		if p := n.CloudFrontOriginPort; p != 80 && p != 443 {
			c.add("network.cloudfront_origin_port", p, "443 (CloudFront connects over HTTPS, the default) or 80 (HTTP)")
		}
		for _, r := range e.regions() {
			switch id := r.CloudFrontPrefixListID; {
			case id == "" && knownRegion(r.Region.Region):
				c.add(r.field+".cloudfront_prefix_list_id", "", "required for %s with load_balancer_ingress cloudfront: the id of com.amazonaws.global.cloudfront.origin-facing in that region (aws ec2 describe-managed-prefix-lists --region %s --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing)", r.Region.Region, r.Region.Region)
			case id != "" && !prefixListRe.MatchString(id):
				c.add(r.field+".cloudfront_prefix_list_id", id, "a prefix list id: pl- and 8 or 17 hex digits, e.g. pl-3b927c52")
			}
		}
	default:
		c.add("network.load_balancer_ingress", n.LoadBalancerIngress, "one of %s (80 and 443 from anywhere), %s (only CloudFront's origin-facing servers)", IngressInternet, IngressCloudFront)
	}
}

// isCIDR reports whether s looks like an address block rather than a name.
func isCIDR(s string) bool {
	_, err := netip.ParsePrefix(s)
	return err == nil
}

// cidrHint explains where a CIDR written into a service list belongs.
func (e *Environment) cidrHint(s string) string {
	p := netip.MustParsePrefix(s)
	for _, r := range []struct {
		field string
		cidr  string
	}{{"primary", e.Primary.CIDR}, {"secondary", e.Secondary.CIDR}} {
		if v, err := netip.ParsePrefix(r.cidr); err == nil && v.Overlaps(p) {
			return fmt.Sprintf("it lies in %s.cidr %s; the peer VPC's endpoints are never used across the peering connection, each region reaches AWS through its own", r.field, r.cidr)
		}
	}
	return "endpoints admit the VPC's own CIDR only"
}

// SubnetTier is a layer of the VPC's subnets. Each tier owns one quarter
// of the VPC block; the fourth quarter is kept free for later tiers.
type SubnetTier int

// The subnet tiers, in the order of their quarters.
const (
	SubnetPublic SubnetTier = iota
	SubnetPrivate
	SubnetDatabase
)

// subnetBits is how many bits a subnet adds to the VPC prefix: a /16 VPC gets
// /20 subnets (4,091 usable addresses each), a /24 VPC /28 subnets.
const subnetBits = 4

// MaxAZs is how many AZs fit the layout: each tier's quarter holds 2^(bits-2)
// subnets.
const MaxAZs = 1 << (subnetBits - 2)

// Subnets are the three subnets of one availability zone.
type Subnets struct {
	AZ       string
	Public   string
	Private  string
	Database string
}

// Layout derives every subnet of the region with one rule,
// cidrsubnet(vpc, 4, tier*4 + azIndex), so adding an AZ never moves an
// existing subnet. The region must be valid (see Validate).
func (r Region) Layout() []Subnets {
	vpc := netip.MustParsePrefix(r.CIDR)
	out := make([]Subnets, len(r.AZs))
	for i, az := range r.AZs {
		out[i] = Subnets{
			AZ:       az,
			Public:   subnet(vpc, SubnetPublic, i),
			Private:  subnet(vpc, SubnetPrivate, i),
			Database: subnet(vpc, SubnetDatabase, i),
		}
	}
	return out
}

// subnet is the tier's subnet of the AZ with the given index.
func subnet(vpc netip.Prefix, tier SubnetTier, az int) string {
	return cidrSubnet(vpc, subnetBits, int(tier)*MaxAZs+az).String()
}

// cidrSubnet is Terraform's cidrsubnet() for IPv4.
func cidrSubnet(p netip.Prefix, newBits, num int) netip.Prefix {
	bits := p.Bits() + newBits
	base := p.Masked().Addr().As4()
	v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	v |= uint32(num) << (32 - bits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits)
}

// parseVPCCIDR accepts an IPv4 network address with a /16 to /24 prefix.
func parseVPCCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil || !p.Addr().Is4():
		return netip.Prefix{}, fmt.Errorf("not an IPv4 CIDR block")
	case p.Bits() < 16 || p.Bits() > 24:
		return netip.Prefix{}, fmt.Errorf("prefix /%d is outside /16 to /24", p.Bits())
	case p.Masked() != p:
		return netip.Prefix{}, fmt.Errorf("host bits are set (the network address is %s)", p.Masked())
	}
	return p, nil
}
