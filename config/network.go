package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

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

// InterfaceServices lists the services network.interface_endpoints accepts.
func InterfaceServices() []string { return slices.Clone(interfaceServices) }

// applyNetworkDefaults fills the network security settings.
func (e *Environment) applyNetworkDefaults() {
	n := &e.Network
	if n.InterfaceEndpoints == nil {
		n.InterfaceEndpoints = pick(e.Production(), slices.Clone(DefaultInterfaceEndpoints), []string{})
	}
	if n.AppInternetEgress == nil {
		covered := true
		for _, s := range RequiredTaskEndpoints {
			covered = covered && slices.Contains(n.InterfaceEndpoints, s)
		}
		egress := !covered
		n.AppInternetEgress = &egress
	}
	if n.LoadBalancerIngress == "" {
		n.LoadBalancerIngress = IngressInternet
	}
	if n.LoadBalancerIngress == IngressCloudFront {
		if n.CloudFrontOriginPort == 0 {
			// The port the load balancer serves: HTTPS with a certificate,
			// else HTTP.
			n.CloudFrontOriginPort = pick(e.LoadBalancer.HTTPS(), 443, 80)
		}
		for _, r := range []*Region{&e.Primary, &e.Secondary} {
			if r.CloudFrontPrefixListID == "" {
				r.CloudFrontPrefixListID = cloudFrontPrefixLists[r.Region]
			}
		}
	}
}

// validateNetworkSecurity checks endpoints, load balancer ingress and app
// egress.
func (e *Environment) validateNetworkSecurity(c *problems) {
	n := e.Network
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
		for _, r := range []struct {
			field string
			*Region
		}{{"primary", &e.Primary}, {"secondary", &e.Secondary}} {
			if r.CloudFrontPrefixListID != "" {
				c.add(r.field+".cloudfront_prefix_list_id", r.CloudFrontPrefixListID, "only with network.load_balancer_ingress %s (it is %s)", IngressCloudFront, n.LoadBalancerIngress)
			}
		}
	case IngressCloudFront:
		if p := n.CloudFrontOriginPort; p != 80 && p != 443 {
			c.add("network.cloudfront_origin_port", p, "443 (CloudFront connects over HTTPS, the default) or 80 (HTTP)")
		}
		for _, r := range []struct {
			field string
			*Region
		}{{"primary", &e.Primary}, {"secondary", &e.Secondary}} {
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
