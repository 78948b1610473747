package config

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// DNS is the app's public DNS name and what keeps it pointed at a healthy
// region: the Route 53 hosted zone, a health check per region and the
// origin.<domain> failover records. Without a domain the environment has
// no global edge (no zone, health checks, records or CDN).
type DNS struct {
	// Domain is the app's domain, e.g. acme.example.com: the distribution
	// answers for it and www.<domain>; origin.<domain> is the failover pair.
	Domain string `yaml:"domain"`
	// ZoneID is an existing public hosted zone for Domain; empty creates one
	// in the global stack (delegate it before the certificate can validate,
	// see docs/edge.md).
	ZoneID string `yaml:"zone_id"`
	// HealthCheck is the Route 53 health check of each region.
	HealthCheck HealthCheck `yaml:"health_check"`
}

// Health check types (dns.health_check.type).
const (
	// HealthCheckHTTPS and HealthCheckHTTP: Route 53 health checkers request
	// the path from each load balancer over the internet.
	HealthCheckHTTPS = "https"
	HealthCheckHTTP  = "http"
	// HealthCheckMetric: the check follows a CloudWatch alarm on the load
	// balancer's healthy targets in its region. For load balancers that
	// admit only CloudFront, which Route 53 health checkers are not.
	HealthCheckMetric = "cloudwatch_metric"
)

// MetricPeriodSeconds is the period of the load balancer metric a
// cloudwatch_metric health check follows: its "request interval".
const MetricPeriodSeconds = 60

// FailoverTTLSeconds is how long resolvers keep an answer of the failover
// records: they are aliases of load balancers, which Route 53 answers with
// the load balancer's own 60-second TTL (an alias record has no TTL of its
// own).
const FailoverTTLSeconds = 60

// HealthCheck configures the Route 53 health check of each region.
type HealthCheck struct {
	// Type is https, http or cloudwatch_metric. Default: cloudwatch_metric
	// when network.load_balancer_ingress is cloudfront, else https when the
	// load balancers have a certificate, else http.
	Type string `yaml:"type"`
	// Path requested by http(s) checks. Default: the service's health check
	// path.
	Path string `yaml:"path"`
	// IntervalSeconds between two checks from each checker: 10 (fast, the
	// default) or 30 for http(s); the metric period, 60, for
	// cloudwatch_metric.
	IntervalSeconds int `yaml:"interval_seconds"`
	// FailureThreshold is how many consecutive failed checks (alarm periods
	// for cloudwatch_metric) make a region unhealthy: 1 to 10, default 3.
	FailureThreshold int `yaml:"failure_threshold"`
}

// CloudFront price classes (cdn.price_class).
const (
	PriceClass100 = "PriceClass_100"
	PriceClass200 = "PriceClass_200"
	PriceClassAll = "PriceClass_All"
)

// CDN is the CloudFront distribution in front of both regions.
type CDN struct {
	// Enabled puts CloudFront in front. Default true when dns.domain is set;
	// it needs the domain.
	Enabled *bool `yaml:"enabled"`
	// PriceClass limits the edge locations. Default PriceClass_All in
	// production, PriceClass_100 otherwise.
	PriceClass string `yaml:"price_class"`
	// OriginFailover sends a GET/HEAD/OPTIONS request that the primary
	// answers with a 5xx (or not at all) to the secondary region (an origin
	// group). Default true.
	OriginFailover *bool `yaml:"origin_failover"`
	// OriginVerifyHeader makes CloudFront send a secret header that the load
	// balancers require: anything else reaching them directly gets a 403
	// (the health check path excepted). Default true.
	OriginVerifyHeader *bool `yaml:"origin_verify_header"`
	// OriginSecretVersion: raising it makes Terraform draw a new secret
	// (rotation, see docs/edge.md). Default 1.
	OriginSecretVersion int `yaml:"origin_secret_version"`
	// APIPaths are path patterns CloudFront never caches and forwards with
	// every header, cookie and query string. Default [/api/*].
	APIPaths []string `yaml:"api_paths"`
	// CertificateARN is an existing ACM certificate in us-east-1 for the
	// domain and www.<domain>; default: one is requested and validated in
	// the zone.
	CertificateARN string `yaml:"certificate_arn"`
	// AccessLogRetentionDays before the access logs expire. Default 365 in
	// production, 30 otherwise.
	AccessLogRetentionDays int `yaml:"access_log_retention_days"`
	// WAF is the web ACL in front of the distribution.
	WAF WAF `yaml:"waf"`
}

// WAF is an AWS WAF web ACL on the distribution: AWS managed rule groups
// (common, known bad inputs, IP reputation) and a per-IP rate limit.
type WAF struct {
	// Enabled default true in production.
	Enabled *bool `yaml:"enabled"`
	// RateLimit is the most requests one IP may send in 5 minutes before it
	// is blocked. Default 2000.
	RateLimit int `yaml:"rate_limit"`
}

// Edge reports whether the environment has a global edge (DNS, and CDN
// unless switched off).
func (e *Environment) Edge() bool { return e.DNS.Domain != "" }

// CDNEnabled reports whether CloudFront is in front.
func (e *Environment) CDNEnabled() bool {
	return e.Edge() && e.CDN.Enabled != nil && *e.CDN.Enabled
}

// WAFEnabled reports whether the distribution gets a web ACL.
func (e *Environment) WAFEnabled() bool {
	return e.CDNEnabled() && e.CDN.WAF.Enabled != nil && *e.CDN.WAF.Enabled
}

// OriginVerifyHeader reports whether CloudFront sends the secret origin
// header and the load balancers require it.
func (e *Environment) OriginVerifyHeader() bool {
	return e.CDNEnabled() && e.CDN.OriginVerifyHeader != nil && *e.CDN.OriginVerifyHeader
}

// OriginDomain is the failover pair's name, origin.<domain>.
func (e *Environment) OriginDomain() string { return "origin." + e.DNS.Domain }

// FailoverSeconds is the designed time from a region failing to resolvers
// getting the other region: health check interval x failure threshold
// (for cloudwatch_metric: metric period x periods) plus the failover
// records' TTL. Zero without a global edge.
func (e *Environment) FailoverSeconds() int {
	if !e.Edge() {
		return 0
	}
	h := e.DNS.HealthCheck
	return h.IntervalSeconds*h.FailureThreshold + FailoverTTLSeconds
}

// applyEdgeDefaults fills the dns and cdn sections.
func (e *Environment) applyEdgeDefaults() {
	if !e.Edge() {
		return // nothing to default; validation reports stray settings
	}
	prod := e.Production()
	h := &e.DNS.HealthCheck
	switch {
	case e.Network.LoadBalancerIngress == IngressCloudFront:
		setDefault(&h.Type, HealthCheckMetric)
	case e.LoadBalancer.HTTPS():
		setDefault(&h.Type, HealthCheckHTTPS)
	default:
		setDefault(&h.Type, HealthCheckHTTP)
	}
	setDefault(&h.Path, e.Service.HealthCheckPath)
	setDefault(&h.IntervalSeconds, pick(h.Type == HealthCheckMetric, MetricPeriodSeconds, 10))
	setDefault(&h.FailureThreshold, 3)

	c := &e.CDN
	setDefault(&c.Enabled, ptr(true))
	if !*c.Enabled {
		return
	}
	setDefault(&c.PriceClass, pick(prod, PriceClassAll, PriceClass100))
	setDefault(&c.OriginFailover, ptr(true))
	setDefault(&c.OriginVerifyHeader, ptr(true))
	if *c.OriginVerifyHeader {
		setDefault(&c.OriginSecretVersion, 1)
	}
	setDefault(&c.APIPaths, []string{"/api/*"})
	setDefault(&c.AccessLogRetentionDays, pick(prod, 365, 30))
	setDefault(&c.WAF.Enabled, ptr(prod))
	if *c.WAF.Enabled {
		setDefault(&c.WAF.RateLimit, 2000)
	}
}

var pathPatternRe = regexp.MustCompile(`^/[A-Za-z0-9_\-.*$/~"'@:+&]*$`)

// maxAPIPaths keeps the distribution well inside CloudFront's default quota
// of 25 cache behaviours.
const maxAPIPaths = 20

// DNS names follow what Route 53 and ACM both accept: labels of 1 to 63
// letters, digits and hyphens, not starting or ending with a hyphen, at most
// 253 characters in all. Names here are also lower case (Route 53 stores
// them so; a mixed-case name would differ from what plans show), have at
// least two labels, no trailing dot, and a top-level label that starts with
// a letter and has at least two characters (no TLD is numeric, RFC 3696;
// ACM's pattern wants two characters).
var (
	dnsLabelRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	tldRe      = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
)

// maxDNSName is DNS's limit on a name's length in characters.
const maxDNSName = 253

// maxCertificateName is ACM's limit on a certificate's domain name (its
// common name, RFC 5280); alternative names may be up to maxDNSName.
const maxCertificateName = 64

// validDNSName reports whether name is a DNS name by the rules above;
// wildcard admits one leading "*." label, as ACM certificates do.
func validDNSName(name string, wildcard bool) bool {
	if len(name) > maxDNSName {
		return false
	}
	if wildcard {
		name = strings.TrimPrefix(name, "*.")
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !dnsLabelRe.MatchString(l) {
			return false
		}
	}
	return tldRe.MatchString(labels[len(labels)-1])
}

// validateEdge checks the dns and cdn sections.
func (e *Environment) validateEdge(c *fileProblems) {
	d, cdn := e.DNS, e.CDN
	if !e.Edge() {
		// Settings that mean nothing without a domain are mistakes.
		if d.ZoneID != "" {
			c.add("dns.zone_id", d.ZoneID, "only with dns.domain (the app's domain, e.g. app.example.com)")
		}
		if d.HealthCheck != (HealthCheck{}) {
			c.add("dns.health_check", "(set)", "only with dns.domain: health checks and failover records live in the domain's zone")
		}
		rest := cdn
		rest.Enabled = nil
		switch {
		case cdn.Enabled != nil && *cdn.Enabled:
			c.add("cdn.enabled", true, "needs dns.domain: the distribution serves the app's domain with a certificate for it")
		case !isZero(rest):
			c.add("cdn", "(set)", "only with dns.domain: there is no distribution without the app's domain")
		}
		return
	}
	switch {
	case !validDNSName(d.Domain, false):
		c.add("dns.domain", d.Domain, "a lower-case DNS name of two or more labels without a trailing dot or wildcard, e.g. app.example.com (letters, digits and hyphens; each label 1-63 characters; the last one starting with a letter)")
	case !validDNSName(e.OriginDomain(), false):
		c.add("dns.domain", d.Domain, "at most %d characters: the failover records' name %s must fit DNS's %d", maxDNSName-len("origin."), e.OriginDomain(), maxDNSName)
	case e.CDNEnabled() && e.CDN.CertificateARN == "" && len(d.Domain) > maxCertificateName:
		c.add("dns.domain", d.Domain, "at most %d characters while the distribution requests its certificate (ACM's limit on a certificate's domain name), or set cdn.certificate_arn to a certificate for it", maxCertificateName)
	}
	if d.ZoneID != "" && !zoneIDRe.MatchString(d.ZoneID) {
		c.add("dns.zone_id", d.ZoneID, "a Route 53 hosted zone id: Z and up to 31 upper-case letters and digits, e.g. Z0123456789ABCDEFGHIJ (the bare id, not /hostedzone/...); omit it to create the zone")
	}
	e.validateHealthCheck(c)
	e.validateCDN(c)
	if cert := e.LoadBalancer.Certificate; cert != nil {
		// CloudFront forwards the viewer's Host and checks each load
		// balancer's certificate against it (without CloudFront, viewers
		// reach the load balancers under those names themselves).
		var missing []string
		for _, n := range []string{e.DNS.Domain, "www." + e.DNS.Domain} {
			if !certificateCovers(cert, n) {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			c.add("load_balancer.certificate.alternative_names", strings.Join(cert.AlternativeNames, ","), "names that include %s: viewers reach the load balancers under the app's names (through CloudFront, which forwards the host name and checks the certificate against it)", strings.Join(missing, " and "))
		}
	}
}

func (e *Environment) validateHealthCheck(c *fileProblems) {
	h := e.DNS.HealthCheck
	cloudfrontOnly := e.Network.LoadBalancerIngress == IngressCloudFront
	switch h.Type {
	case HealthCheckHTTPS, HealthCheckHTTP:
		if cloudfrontOnly {
			c.add("dns.health_check.type", h.Type, "%s: network.load_balancer_ingress is cloudfront, so Route 53 health checkers cannot reach the load balancers; the check follows their healthy targets instead", HealthCheckMetric)
		}
		if h.IntervalSeconds != 10 && h.IntervalSeconds != 30 {
			c.add("dns.health_check.interval_seconds", h.IntervalSeconds, "10 (fast) or 30 (standard): the request intervals Route 53 offers")
		}
		if !strings.HasPrefix(h.Path, "/") || len(h.Path) > 255 || strings.ContainsAny(h.Path, " \t?#") {
			c.add("dns.health_check.path", h.Path, "a URL path starting with /, at most 255 characters, no spaces, query or fragment, e.g. /health")
		}
	case HealthCheckMetric:
		if h.IntervalSeconds != MetricPeriodSeconds {
			c.add("dns.health_check.interval_seconds", h.IntervalSeconds, "%d (the period of the load balancer metric a %s check follows) or leave it out", MetricPeriodSeconds, HealthCheckMetric)
		}
	default:
		c.add("dns.health_check.type", h.Type, "one of %s (Route 53 requests the path over HTTPS), %s, %s (follows the load balancer's healthy targets; for CloudFront-only load balancers)", HealthCheckHTTPS, HealthCheckHTTP, HealthCheckMetric)
	}
	if h.Type == HealthCheckHTTPS && !e.LoadBalancer.HTTPS() {
		c.add("dns.health_check.type", h.Type, "%s or %s: the load balancers have no HTTPS listener (set load_balancer.certificate or certificate_arns)", HealthCheckHTTP, HealthCheckMetric)
	}
	c.between("dns.health_check.failure_threshold", h.FailureThreshold, 1, 10, "consecutive failures")
}

func (e *Environment) validateCDN(c *fileProblems) {
	cdn := e.CDN
	if !*cdn.Enabled {
		if e.Network.LoadBalancerIngress == IngressCloudFront {
			c.add("cdn.enabled", false, "true: network.load_balancer_ingress is cloudfront, so without a distribution nothing reaches the load balancers")
		}
		if cdn.WAF != (WAF{}) {
			c.add("cdn.waf", "(set)", "only with cdn.enabled true: a web ACL protects a distribution, and the distribution is disabled")
		}
		rest := cdn
		rest.Enabled, rest.WAF = nil, WAF{}
		if !isZero(rest) {
			c.add("cdn", "(set)", "only with cdn.enabled true (it is false): leave the other cdn settings out")
		}
		return
	}
	if !slices.Contains([]string{PriceClass100, PriceClass200, PriceClassAll}, cdn.PriceClass) {
		c.add("cdn.price_class", cdn.PriceClass, "one of %s (North America, Europe, Israel), %s (adds Asia, Africa, the Middle East), %s (every edge location)", PriceClass100, PriceClass200, PriceClassAll)
	}
	if len(cdn.APIPaths) > maxAPIPaths {
		c.add("cdn.api_paths", strings.Join(cdn.APIPaths, ","), "at most %d path patterns (each is a cache behaviour; CloudFront allows 25 by default)", maxAPIPaths)
	}
	seen := map[string]bool{}
	for i, p := range cdn.APIPaths {
		field := fmt.Sprintf("cdn.api_paths[%d]", i)
		switch {
		case !pathPatternRe.MatchString(p) || len(p) > 255:
			c.add(field, p, "a CloudFront path pattern starting with /, e.g. /api/* (letters, digits and _-.*$/~\"'@:+&, at most 255 characters)")
		case seen[p]:
			c.add(field, p, "each path pattern once")
		}
		seen[p] = true
	}
	if cdn.CertificateARN != "" {
		m := certificateRe.FindStringSubmatch(cdn.CertificateARN)
		switch {
		case m == nil || m[1] != "us-east-1":
			c.add("cdn.certificate_arn", cdn.CertificateARN, "an ACM certificate ARN in us-east-1 (CloudFront uses certificates from there only), arn:aws:acm:us-east-1:<account>:certificate/<id>")
		case m[2] != e.AccountID:
			c.add("cdn.certificate_arn", cdn.CertificateARN, "a certificate of account %s", e.AccountID)
		}
	}
	switch v := cdn.OriginSecretVersion; {
	case !*cdn.OriginVerifyHeader && v != 0:
		c.add("cdn.origin_secret_version", v, "only with cdn.origin_verify_header true (it is false)")
	case *cdn.OriginVerifyHeader && v < 1:
		c.add("cdn.origin_secret_version", v, "1 or more; raise it to rotate the secret")
	}
	c.between("cdn.access_log_retention_days", cdn.AccessLogRetentionDays, 1, 3653, "days")
	w := cdn.WAF
	if *w.Enabled {
		c.between("cdn.waf.rate_limit", w.RateLimit, 10, 2_000_000_000, "requests per IP in 5 minutes")
	} else if w.RateLimit != 0 {
		c.add("cdn.waf.rate_limit", w.RateLimit, "only with cdn.waf.enabled true (it is false): the rate limit is a web ACL rule")
	}
}

// isZero reports whether a section was left out entirely.
func isZero(section any) bool { return reflect.ValueOf(section).IsZero() }
