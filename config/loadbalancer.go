package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// LoadBalancer is the Application Load Balancer in front of each region.
type LoadBalancer struct {
	// DeletionProtection default true in production.
	DeletionProtection *bool `yaml:"deletion_protection"`
	// AccessLogRetentionDays before access logs expire. Default 365 in
	// production, 30 otherwise.
	AccessLogRetentionDays int `yaml:"access_log_retention_days"`
	// IdleTimeoutSeconds default 60.
	IdleTimeoutSeconds int `yaml:"idle_timeout_seconds"`
	// DeregistrationDelaySeconds lets in-flight requests finish. Default 30.
	DeregistrationDelaySeconds int `yaml:"deregistration_delay_seconds"`
	// SSLPolicy of the HTTPS listener. Default ELBSecurityPolicy-TLS13-1-2-2021-06.
	SSLPolicy string `yaml:"ssl_policy"`
	// CertificateARNs are existing ACM certificates, by stack role
	// (primary, secondary), each in its region.
	CertificateARNs map[string]string `yaml:"certificate_arns"`
	// Certificate requests an ACM certificate in each region, DNS-validated
	// in an existing Route 53 zone.
	Certificate *Certificate `yaml:"certificate"`
}

// Certificate is an ACM certificate validated through DNS records in a
// hosted zone that exists before the regional stacks deploy.
type Certificate struct {
	// DomainName is the certificate's name, e.g. origin.acme.example.com.
	DomainName string `yaml:"domain_name"`
	// AlternativeNames are further names it covers.
	AlternativeNames []string `yaml:"alternative_names"`
	// ZoneID is the existing Route 53 zone its DNS validation records go in.
	ZoneID string `yaml:"zone_id"`
}

// HTTPS reports whether the load balancers get a certificate (and HTTP
// redirects to HTTPS).
func (l *LoadBalancer) HTTPS() bool { return len(l.CertificateARNs) > 0 || l.Certificate != nil }

// certificateCovers reports whether a certificate request names host,
// directly or through a wildcard one level up.
func certificateCovers(c *Certificate, host string) bool {
	_, parent, _ := strings.Cut(host, ".")
	for _, n := range append([]string{c.DomainName}, c.AlternativeNames...) {
		if n == host || n == "*."+parent {
			return true
		}
	}
	return false
}

// LoadBalancerName is the region's ALB name (32 characters at most).
func (e *Environment) LoadBalancerName(region string) string { return e.ServicePrefix(region) }

// TargetGroupName is the region's target group name (32 characters at
// most). It carries the port: a port change creates a new group before the
// old one goes.
func (e *Environment) TargetGroupName(region string) string {
	return fmt.Sprintf("%s-%d", e.ServicePrefix(region), e.Service.Port)
}

// sslPolicies are the ALB TLS policies allowed: TLS 1.2 and 1.3 only, no
// CBC-heavy legacy suites.
var sslPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
}

func (e *Environment) applyLoadBalancerDefaults() {
	l, prod := &e.LoadBalancer, e.Production()
	setDefault(&l.DeletionProtection, ptr(prod))
	setDefault(&l.AccessLogRetentionDays, pick(prod, 365, 30))
	setDefault(&l.IdleTimeoutSeconds, 60)
	setDefault(&l.DeregistrationDelaySeconds, 30)
	setDefault(&l.SSLPolicy, sslPolicies[0])
}

var (
	lbNameRe      = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	certificateRe = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):([0-9]{12}):certificate/[0-9a-f-]{36}$`)
	zoneIDRe      = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
)

func (e *Environment) validateLoadBalancer(c *fileProblems) {
	l := e.LoadBalancer
	c.between("load_balancer.access_log_retention_days", l.AccessLogRetentionDays, 1, 3650, "days")
	c.between("load_balancer.idle_timeout_seconds", l.IdleTimeoutSeconds, 1, 4000, "seconds")
	c.between("load_balancer.deregistration_delay_seconds", l.DeregistrationDelaySeconds, 0, 3600, "seconds")
	if !slices.Contains(sslPolicies, l.SSLPolicy) {
		c.add("load_balancer.ssl_policy", l.SSLPolicy, "a TLS 1.2+ policy: one of %s", strings.Join(sslPolicies, ", "))
	}
	if len(l.CertificateARNs) > 0 && l.Certificate != nil {
		c.add("load_balancer.certificate", "(set)", "either certificate_arns (existing certificates) or certificate (request and validate new ones), not both")
	}
	if len(l.CertificateARNs) > 0 {
		regions := map[string]string{RolePrimary: e.Primary.Region, RoleSecondary: e.Secondary.Region}
		for _, role := range slices.Sorted(maps.Keys(l.CertificateARNs)) {
			arn := l.CertificateARNs[role]
			field := "load_balancer.certificate_arns." + role
			want, known := regions[role]
			if !known {
				c.add(field, arn, "keys are %s and %s (a certificate per regional stack)", RolePrimary, RoleSecondary)
				continue
			}
			m := certificateRe.FindStringSubmatch(arn)
			switch {
			case m == nil:
				c.add(field, arn, "an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<id>")
			case m[1] != want:
				c.add(field, arn, "a certificate in %s (a load balancer uses certificates of its own region)", want)
			case m[2] != e.AccountID:
				c.add(field, arn, "a certificate of account %s", e.AccountID)
			}
		}
		for _, role := range []string{RolePrimary, RoleSecondary} {
			if _, ok := l.CertificateARNs[role]; !ok {
				c.add("load_balancer.certificate_arns", strings.Join(slices.Sorted(maps.Keys(l.CertificateARNs)), ","), "a certificate for both %s and %s", RolePrimary, RoleSecondary)
				break
			}
		}
	}
	// CloudFront-only ingress admits one port; the listeners must serve it.
	if e.Network.LoadBalancerIngress == IngressCloudFront {
		switch port := e.Network.CloudFrontOriginPort; {
		case port == 443 && !l.HTTPS():
			c.add("network.cloudfront_origin_port", port, "80, or a certificate (load_balancer.certificate or load_balancer.certificate_arns): without one the load balancer listens on HTTP 80 only")
		case port == 80 && l.HTTPS():
			c.add("network.cloudfront_origin_port", port, "443: with a certificate the load balancer redirects HTTP 80 to HTTPS")
		}
	}
	if cert := l.Certificate; cert != nil {
		// ACM takes wildcard names in both fields.
		if !validDNSName(cert.DomainName, true) || len(cert.DomainName) > maxCertificateName {
			c.add("load_balancer.certificate.domain_name", cert.DomainName, "a lower-case DNS name such as origin.example.com, optionally *.-prefixed, of at most %d characters (ACM's limit on a certificate's domain name; put longer names in alternative_names)", maxCertificateName)
		}
		for i, n := range cert.AlternativeNames {
			if !validDNSName(n, true) {
				c.add(fmt.Sprintf("load_balancer.certificate.alternative_names[%d]", i), n, "a lower-case DNS name such as www.example.com, optionally *.-prefixed, of at most %d characters", maxDNSName)
			}
		}
		if !zoneIDRe.MatchString(cert.ZoneID) {
			c.add("load_balancer.certificate.zone_id", cert.ZoneID, "the id of an existing Route 53 hosted zone, e.g. Z0123456789ABCDEFGHIJ (it must exist before the regional stacks: the global stack's zone does not)")
		}
	}
	e.validateLoadBalancerNames(c)
}

// validateLoadBalancerNames checks the names the platform derives from the customer,
// environment, region and service name against AWS's limits: one problem
// naming every name that does not fit.
func (e *Environment) validateLoadBalancerNames(c *fileProblems) {
	if !serviceNameRe.MatchString(e.Service.Name) {
		return // reported already
	}
	var long, bad []string
	for _, r := range []Region{e.Primary, e.Secondary} {
		if !knownRegion(r.Region) {
			continue // reported already
		}
		for _, n := range []struct{ what, name string }{
			{"load balancer", e.LoadBalancerName(r.Region)},
			{"target group", e.TargetGroupName(r.Region)},
		} {
			switch {
			case len(n.name) > 32:
				long = append(long, fmt.Sprintf("%s name %s is %d characters", n.what, n.name, len(n.name)))
			case !lbNameRe.MatchString(n.name) || strings.HasPrefix(n.name, "internal-"):
				bad = append(bad, fmt.Sprintf("%s name %s", n.what, n.name))
			}
		}
	}
	if len(long) > 0 {
		c.add("service.name", e.Service.Name, "a shorter service name, customer or environment: AWS allows 32 characters, but the %s", strings.Join(long, ", the "))
	}
	if len(bad) > 0 {
		c.add("service.name", e.Service.Name, "names AWS accepts (letters, digits and -, not starting with internal-): not the %s", strings.Join(bad, ", the "))
	}
}
