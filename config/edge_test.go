package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const withDomain = "dns:\n  domain: app.example.com\n"

// Defaults of the global edge by tier and ingress, and the designed
// failover time they give.
func TestEdgeDefaults(t *testing.T) {
	t.Run("no domain, no edge", func(t *testing.T) {
		env := mustParse(t, minimal)
		if env.Edge() || env.CDNEnabled() || env.WAFEnabled() || env.FailoverSeconds() != 0 {
			t.Errorf("edge %v, cdn %v, waf %v, failover %d: want nothing without dns.domain", env.Edge(), env.CDNEnabled(), env.WAFEnabled(), env.FailoverSeconds())
		}
	})
	t.Run("development", func(t *testing.T) {
		env := mustParse(t, minimal+withDomain)
		h, c := env.DNS.HealthCheck, env.CDN
		if h.Type != HealthCheckHTTP || h.Path != "/health" || h.IntervalSeconds != 10 || h.FailureThreshold != 3 {
			t.Errorf("health check %+v, want http /health every 10 s, 3 failures", h)
		}
		if !env.CDNEnabled() || c.PriceClass != PriceClass100 || !*c.OriginFailover || !env.OriginVerifyHeader() ||
			!slices.Equal(c.APIPaths, []string{"/api/*"}) || c.AccessLogRetentionDays != 30 || c.OriginSecretVersion != 1 {
			t.Errorf("cdn %+v, want on, PriceClass_100, failover, verify header, /api/* uncached, 30-day logs", c)
		}
		if env.WAFEnabled() || c.WAF.RateLimit != 0 {
			t.Errorf("development WAF %+v, want off", c.WAF)
		}
		if got := env.FailoverSeconds(); got != 10*3+60 {
			t.Errorf("failover %d s, want 90", got)
		}
		if env.OriginDomain() != "origin.app.example.com" {
			t.Errorf("origin domain %s", env.OriginDomain())
		}
	})
	t.Run("production", func(t *testing.T) {
		env := mustParse(t, minimal+"tier: production\n"+withDomain)
		if !env.WAFEnabled() || env.CDN.WAF.RateLimit != 2000 || env.CDN.PriceClass != PriceClassAll || env.CDN.AccessLogRetentionDays != 365 {
			t.Errorf("production cdn %+v, want WAF with rate limit 2000, PriceClass_All, 365-day logs", env.CDN)
		}
	})
	t.Run("CloudFront-only load balancers", func(t *testing.T) {
		env := mustParse(t, minimal+withDomain+"network:\n  load_balancer_ingress: cloudfront\n  cloudfront_origin_port: 80\n")
		if h := env.DNS.HealthCheck; h.Type != HealthCheckMetric || h.IntervalSeconds != 60 {
			t.Errorf("health check %+v, want cloudwatch_metric with the 60 s metric period", h)
		}
		if got := env.FailoverSeconds(); got != 60*3+60 {
			t.Errorf("failover %d s, want 240", got)
		}
	})
	t.Run("standard interval", func(t *testing.T) {
		env := mustParse(t, minimal+withDomain+"  health_check:\n    interval_seconds: 30\n    failure_threshold: 2\n    path: /ready\n")
		if got := env.FailoverSeconds(); got != 30*2+60 {
			t.Errorf("failover %d s, want 120", got)
		}
	})
	t.Run("wildcard load balancer certificate", func(t *testing.T) {
		env := mustParse(t, minimal+withDomain+"load_balancer:\n  certificate:\n    domain_name: app.example.com\n    alternative_names: [\"*.app.example.com\"]\n    zone_id: Z0123456789ABC\n")
		if h := env.DNS.HealthCheck; h.Type != HealthCheckHTTPS {
			t.Errorf("health check %s, want https with a certificate", h.Type)
		}
	})
	t.Run("distribution off", func(t *testing.T) {
		env := mustParse(t, minimal+withDomain+"cdn:\n  enabled: false\n")
		if env.CDNEnabled() || env.WAFEnabled() || env.OriginVerifyHeader() || !env.Edge() {
			t.Errorf("cdn %v waf %v header %v edge %v, want DNS only", env.CDNEnabled(), env.WAFEnabled(), env.OriginVerifyHeader(), env.Edge())
		}
	})
}

// Bad edge input: one problem each, naming field, value and what is allowed.
func TestEdgeBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, body   string
		field, value string
		want         []string
	}{
		{"domain with upper case", "dns:\n  domain: App.Example.com\n", "dns.domain", "App.Example.com", []string{"lower-case DNS name"}},
		{"single label", "dns:\n  domain: localhost\n", "dns.domain", "localhost", []string{"two or more labels"}},
		{"empty label", "dns:\n  domain: app..example.com\n", "dns.domain", "app..example.com", []string{"DNS name"}},
		{"label starting with a hyphen", "dns:\n  domain: -app.example.com\n", "dns.domain", "-app.example.com", []string{"DNS name"}},
		{"trailing dot", "dns:\n  domain: app.example.com.\n", "dns.domain", "app.example.com.", []string{"without a trailing dot"}},
		{"numeric TLD", "dns:\n  domain: app.example.123\n", "dns.domain", "app.example.123", []string{"DNS name"}},
		{"URL instead of a name", "dns:\n  domain: https://app.example.com\n", "dns.domain", "https://app.example.com", []string{"DNS name"}},
		{"zone id with prefix", withDomain + "  zone_id: /hostedzone/Z0123456789ABC\n", "dns.zone_id", "/hostedzone/Z0123456789ABC", []string{"Route 53 hosted zone id", "not /hostedzone/"}},
		{"lower-case zone id", withDomain + "  zone_id: z0123456789abc\n", "dns.zone_id", "z0123456789abc", []string{"Z and up to 31"}},
		{"zone id without domain", "dns:\n  zone_id: Z0123456789ABC\n", "dns.zone_id", "Z0123456789ABC", []string{"only with dns.domain"}},
		{"interval 15", withDomain + "  health_check:\n    interval_seconds: 15\n", "dns.health_check.interval_seconds", "15", []string{"10 (fast) or 30"}},
		{"interval 60 for http", withDomain + "  health_check:\n    interval_seconds: 60\n", "dns.health_check.interval_seconds", "60", []string{"10 (fast) or 30"}},
		{"threshold 0 is the default, 11 is not", withDomain + "  health_check:\n    failure_threshold: 11\n", "dns.health_check.failure_threshold", "11", []string{"1 to 10"}},
		{"unknown check type", withDomain + "  health_check:\n    type: tcp\n", "dns.health_check.type", "tcp", []string{"one of https", "http", "cloudwatch_metric"}},
		{"https without a certificate", withDomain + "  health_check:\n    type: https\n", "dns.health_check.type", "https", []string{"no HTTPS listener", "load_balancer.certificate"}},
		{"relative path", withDomain + "  health_check:\n    path: health\n", "dns.health_check.path", "health", []string{"starting with /"}},
		{"health check without domain", "dns:\n  health_check:\n    interval_seconds: 30\n", "dns.health_check", "(set)", []string{"only with dns.domain"}},
		{"http checks behind CloudFront-only load balancers", withDomain + "  health_check:\n    type: http\nnetwork:\n  load_balancer_ingress: cloudfront\n  cloudfront_origin_port: 80\n",
			"dns.health_check.type", "http", []string{"cloudwatch_metric", "cannot reach"}},
		{"metric check with an interval", withDomain + "  health_check:\n    interval_seconds: 10\nnetwork:\n  load_balancer_ingress: cloudfront\n  cloudfront_origin_port: 80\n",
			"dns.health_check.interval_seconds", "10", []string{"60 (the period"}},
		{"unknown price class", withDomain + "cdn:\n  price_class: PriceClass_50\n", "cdn.price_class", "PriceClass_50", []string{"PriceClass_100", "PriceClass_200", "PriceClass_All"}},
		{"WAF on a disabled distribution", withDomain + "cdn:\n  enabled: false\n  waf:\n    enabled: true\n", "cdn.waf", "(set)", []string{"distribution is disabled"}},
		{"other settings on a disabled distribution", withDomain + "cdn:\n  enabled: false\n  price_class: PriceClass_All\n", "cdn", "(set)", []string{"only with cdn.enabled true"}},
		{"rate limit without WAF", withDomain + "cdn:\n  waf:\n    rate_limit: 500\n", "cdn.waf.rate_limit", "500", []string{"only with cdn.waf.enabled true"}},
		{"rate limit too low", withDomain + "cdn:\n  waf:\n    enabled: true\n    rate_limit: 5\n", "cdn.waf.rate_limit", "5", []string{"10 to 2000000000"}},
		{"distribution without domain", "cdn:\n  enabled: true\n", "cdn.enabled", "true", []string{"needs dns.domain"}},
		{"WAF without domain", "cdn:\n  waf:\n    enabled: true\n", "cdn", "(set)", []string{"only with dns.domain"}},
		{"CloudFront-only load balancers without distribution", withDomain + "cdn:\n  enabled: false\nnetwork:\n  load_balancer_ingress: cloudfront\n  cloudfront_origin_port: 80\n",
			"cdn.enabled", "false", []string{"nothing reaches the load balancers"}},
		{"API path without slash", withDomain + "cdn:\n  api_paths: [\"api/*\"]\n", "cdn.api_paths[0]", "api/*", []string{"starting with /"}},
		{"API path twice", withDomain + "cdn:\n  api_paths: [/api/*, /graphql, /api/*]\n", "cdn.api_paths[2]", "/api/*", []string{"once"}},
		{"certificate outside us-east-1", withDomain + "cdn:\n  certificate_arn: arn:aws:acm:us-west-2:111111111111:certificate/0f1e2d3c-4b5a-4697-8877-665544332211\n",
			"cdn.certificate_arn", "arn:aws:acm:us-west-2:111111111111:certificate/0f1e2d3c-4b5a-4697-8877-665544332211", []string{"in us-east-1"}},
		{"certificate of another account", withDomain + "cdn:\n  certificate_arn: arn:aws:acm:us-east-1:999999999999:certificate/0f1e2d3c-4b5a-4697-8877-665544332211\n",
			"cdn.certificate_arn", "arn:aws:acm:us-east-1:999999999999:certificate/0f1e2d3c-4b5a-4697-8877-665544332211", []string{"account 111111111111"}},
		{"secret version without the header", withDomain + "cdn:\n  origin_verify_header: false\n  origin_secret_version: 2\n", "cdn.origin_secret_version", "2", []string{"only with cdn.origin_verify_header true"}},
		{"negative secret version", withDomain + "cdn:\n  origin_secret_version: -1\n", "cdn.origin_secret_version", "-1", []string{"1 or more"}},
		{"load balancer certificate without the app's names", withDomain + "load_balancer:\n  certificate:\n    domain_name: origin.app.example.com\n    alternative_names: [app.example.com]\n    zone_id: Z0123456789ABC\n",
			"load_balancer.certificate.alternative_names", "app.example.com", []string{"include www.app.example.com", "host name"}},
		{"log retention", withDomain + "cdn:\n  access_log_retention_days: 5000\n", "cdn.access_log_retention_days", "5000", []string{"1 to 3653"}},
		{"unknown key", withDomain + "cdn:\n  waf:\n    rules: [common]\n", "line 6", "rules", []string{"allowed here: enabled, rate_limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) { expectProblem(t, minimal+tc.body, tc.field, tc.value, tc.want) })
	}
}

// One DNS-name rule for every name field. The rows marked "disagreed" were
// judged differently by the two checks this rule replaces (dns.domain's and
// the load balancer certificate's).
func TestValidDNSName(t *testing.T) {
	label := func(n int) string { return strings.Repeat("a", n) }
	// name253 is 253 characters, labels of 63, 63, 63, 57 and 3: DNS's longest name.
	name253 := label(63) + "." + label(63) + "." + label(63) + "." + label(57) + ".com"
	for _, tc := range []struct {
		name     string
		wildcard bool
		want     bool
	}{
		{"app.example.com", false, true},
		{"xn--bcher-kva.example", false, true},
		{"a.b.example.co", false, true},
		{label(63) + ".example.com", false, true},
		{label(64) + ".example.com", false, false},
		{name253, false, true},
		{"a" + name253, false, false},
		{"example.com", false, true},
		{"com", false, false},
		{"", false, false},
		{"App.example.com", false, false},
		{"app.example.com.", false, false},
		{"app..example.com", false, false},
		{"-app.example.com", false, false},
		{"app-.example.com", false, false},
		{"app_1.example.com", false, false},
		{"*.example.com", false, false},
		{"*.example.com", true, true},
		{"*.*.example.com", true, false},
		{"app.*.example.com", true, false},
		{"*example.com", true, false},
		// disagreed: a numeric or one-character top-level label passed
		// the certificate's check, not the domain's.
		{"app.example.123", false, false},
		{"*.example.123", true, false},
		{"10.0.0.1", false, false},
		{"example.c", false, false},
		// disagreed: a name of more than 246 characters passed the
		// certificate's check, not the domain's; the name's own limit is
		// 253, and dns.domain checks its longest derived name instead.
		{label(63) + "." + label(63) + "." + label(63) + "." + label(52) + ".com", false, true},
		// disagreed on the wildcard's two characters: they count.
		{"*." + name253[2:], true, true},
		{"*." + name253, true, false},
	} {
		t.Run(fmt.Sprintf("%.40s/%d/%v", tc.name, len(tc.name), tc.wildcard), func(t *testing.T) {
			if got := validDNSName(tc.name, tc.wildcard); got != tc.want {
				t.Errorf("validDNSName(%q, %v) = %v, want %v", tc.name, tc.wildcard, got, tc.want)
			}
		})
	}
}

// Each name field applies the rule with its own limits: the app's domain
// leaves room for origin.<domain> and, while the distribution requests its
// certificate, fits ACM's 64-character domain name, as the load balancer
// certificate's domain name must; alternative names may be 253 long.
func TestDNSNameFields(t *testing.T) {
	long := strings.Repeat("a", 60) + ".example.com" // 72 characters
	longest := strings.Repeat("a", 63) + "." + strings.Repeat("a", 63) + "." + strings.Repeat("a", 63) + "." + strings.Repeat("a", 51) + ".com"
	const cert = "arn:aws:acm:us-east-1:111111111111:certificate/0f1e2d3c-4b5a-4697-8877-665544332211"
	const lbCert = "load_balancer:\n  certificate:\n    zone_id: Z0123456789ABC\n"
	for _, tc := range []struct {
		name, body, field, value string
		want                     []string // nil: no problem
	}{
		{"domain too long for origin.<domain>", "dns:\n  domain: " + longest + "\n  zone_id: Z0123456789ABC\ncdn:\n  enabled: false\n",
			"dns.domain", longest, []string{"at most 246 characters", "origin." + longest}},
		{"domain too long for the distribution's certificate", "dns:\n  domain: " + long + "\n",
			"dns.domain", long, []string{"at most 64 characters", "cdn.certificate_arn"}},
		{"long domain with a certificate of its own", "dns:\n  domain: " + long + "\ncdn:\n  certificate_arn: " + cert + "\n", "", "", nil},
		{"long domain without a distribution", "dns:\n  domain: " + long + "\ncdn:\n  enabled: false\n", "", "", nil},
		{"numeric TLD", "dns:\n  domain: app.example.123\n", "dns.domain", "app.example.123", []string{"the last one starting with a letter"}},
		{"wildcard domain", "dns:\n  domain: \"*.example.com\"\n", "dns.domain", "*.example.com", []string{"lower-case DNS name"}},
		{"wildcard certificate name", lbCert + "    domain_name: \"*.example.com\"\n", "", "", nil},
		{"certificate name over 64", lbCert + "    domain_name: " + long + "\n", "load_balancer.certificate.domain_name", long, []string{"at most 64", "alternative_names"}},
		{"long alternative name", lbCert + "    domain_name: example.com\n    alternative_names: [" + long + "]\n", "", "", nil},
		{"numeric TLD alternative name", lbCert + "    domain_name: example.com\n    alternative_names: [\"*.example.123\"]\n",
			"load_balancer.certificate.alternative_names[0]", "*.example.123", []string{"lower-case DNS name", "optionally *.-prefixed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == nil {
				mustParse(t, minimal+tc.body)
				return
			}
			expectProblem(t, minimal+tc.body, tc.field, tc.value, tc.want)
		})
	}
}
