package constructs

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// aliasProvider adds a provider alias for region to the test stack.
func aliasProvider(stack cdktf.TerraformStack, alias, region string) provider.AwsProvider {
	return provider.NewAwsProvider(stack, jsii.String("aws-"+alias), &provider.AwsProviderConfig{Region: jsii.String(region), Alias: jsii.String(alias)})
}

func dnsTargets() []FailoverTarget {
	return []FailoverTarget{
		{Role: "primary", Preferred: true, Region: "us-east-1", DNSName: jsii.String("alb-east.elb.amazonaws.com"), ZoneID: jsii.String("Z35SXDOTRQ7X7K"),
			AlarmName: jsii.String("acme-prod-use1-healthy-targets")},
		{Role: "secondary", Region: "us-west-2", DNSName: jsii.String("alb-west.elb.amazonaws.com"), ZoneID: jsii.String("Z1H1FL5HABSF5"),
			AlarmName: jsii.String("acme-prod-usw2-healthy-targets")},
	}
}

// The failover pair: PRIMARY aliases the primary load balancer with the
// primary's health check, SECONDARY the secondary with its own. The
// alarms on the checks are the monitoring table's, not the construct's.
func TestDNSFailoverRecords(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewDNS(stack, "dns", &DNSProps{
			Name: "acme-prod", Domain: "app.example.com",
			HealthCheck: HealthCheckSpec{Type: HealthCheckHTTPS, Path: "/health", IntervalSeconds: 10, FailureThreshold: 3},
			Targets:     dnsTargets(),
		})
	})
	zone := doc.only(t, "aws_route53_zone")
	if zone["name"] != "app.example.com" {
		t.Errorf("zone %v", zone["name"])
	}
	checks := doc.resources("aws_route53_health_check")
	records := doc.resources("aws_route53_record")
	if len(records) != 2 {
		t.Fatalf("%d records, want the failover pair", len(records))
	}
	for _, role := range []string{"primary", "secondary"} {
		var rec map[string]any
		for _, r := range records {
			if r["set_identifier"] == role {
				rec = r
			}
		}
		if rec == nil {
			t.Fatalf("no %s record", role)
		}
		policy := rec["failover_routing_policy"].(map[string]any)
		if policy["type"] != strings.ToUpper(role) || rec["name"] != "origin.app.example.com" || rec["type"] != "A" {
			t.Errorf("%s record %v", role, rec)
		}
		checkName := "dns_health-" + role + "_"
		var checkRef string
		for name := range checks {
			if strings.HasPrefix(name, checkName) {
				checkRef = ref("aws_route53_health_check", name, "id")
			}
		}
		if rec["health_check_id"] != checkRef || checkRef == "" {
			t.Errorf("%s record health check %v, want %s", role, rec["health_check_id"], checkRef)
		}
		alias := rec["alias"].(map[string]any)
		wantTarget := map[string]string{"primary": "alb-east.elb.amazonaws.com", "secondary": "alb-west.elb.amazonaws.com"}[role]
		if alias["name"] != wantTarget || alias["evaluate_target_health"] != true {
			t.Errorf("%s alias %v, want %s evaluating target health", role, alias, wantTarget)
		}
	}
	for _, c := range checks {
		if c["type"] != "HTTPS" || c["resource_path"] != "/health" || c["request_interval"] != 10.0 || c["failure_threshold"] != 3.0 ||
			c["port"] != 443.0 || c["measure_latency"] != true || c["enable_sni"] != true {
			t.Errorf("health check %v, want HTTPS /health every 10 s, 3 failures, latency measured", c)
		}
	}
	if alarms := doc.resources("aws_cloudwatch_metric_alarm"); len(alarms) != 0 {
		t.Errorf("%d alarms, want none for HTTPS checks", len(alarms))
	}
}

// CLOUDWATCH_METRIC checks follow the regional stacks' healthy-targets
// alarms in their own regions (the construct creates no alarm); an
// existing zone is used, not created.
func TestDNSMetricHealthChecks(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewDNS(stack, "dns", &DNSProps{
			Name: "acme-prod", Domain: "app.example.com", ZoneID: "Z0123456789ABC",
			HealthCheck: HealthCheckSpec{Type: HealthCheckMetric, IntervalSeconds: 60, FailureThreshold: 2},
			Targets:     dnsTargets(),
		})
	})
	if len(doc.resources("aws_route53_zone")) != 0 {
		t.Error("created a zone although one was given")
	}
	for _, r := range doc.resources("aws_route53_record") {
		if r["zone_id"] != "Z0123456789ABC" {
			t.Errorf("record in zone %v", r["zone_id"])
		}
	}
	regionOf := map[string]string{}
	for _, c := range doc.resources("aws_route53_health_check") {
		if c["type"] != "CLOUDWATCH_METRIC" || c["fqdn"] != nil || c["insufficient_data_health_status"] != "LastKnownStatus" {
			t.Errorf("health check %v, want CLOUDWATCH_METRIC without an endpoint, keeping its status without data", c)
		}
		regionOf[c["cloudwatch_alarm_name"].(string)] = c["cloudwatch_alarm_region"].(string)
	}
	if regionOf["acme-prod-use1-healthy-targets"] != "us-east-1" || regionOf["acme-prod-usw2-healthy-targets"] != "us-west-2" {
		t.Errorf("health checks follow %v, want each region's healthy-targets alarm in its region", regionOf)
	}
	if n := len(doc.resources("aws_cloudwatch_metric_alarm")); n != 0 {
		t.Errorf("%d alarms, want none (the regional stacks own them)", n)
	}
}

func testCDN(t *testing.T, p CDNProps) tfJSON {
	p.Name, p.Account, p.Region = "acme-prod", "111111111111", "us-east-1"
	p.Aliases = []string{"app.example.com", "www.app.example.com"}
	p.Primary = CDNOrigin{DomainName: jsii.String("origin.app.example.com")}
	p.Secondary = CDNOrigin{DomainName: jsii.String("alb-west.elb.amazonaws.com")}
	p.APIPaths = []string{"/api/*"}
	p.PriceClass, p.LogBucket, p.LogRetentionDays = "PriceClass_All", "acme-prod-cdn-logs-111111111111", 365
	return synthJSON(t, func(stack cdktf.TerraformStack) {
		p.CertificateProvider = aliasProvider(stack, "us-east-1", "us-east-1")
		p.ZoneID = jsii.String("Z0123456789ABC")
		NewCDN(stack, "cdn", &p)
	})
}

// With origin failover the default behaviour targets the origin group
// (primary, then secondary) for reads; API paths go uncached, with every
// method, to the primary origin (DNS failover).
func TestCDNOriginFailover(t *testing.T) {
	doc := testCDN(t, CDNProps{OriginFailover: true, OriginHTTPS: true, ValidationRecords: true, WebACLArn: jsii.String("arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1")})
	d := doc.only(t, "aws_cloudfront_distribution")
	def := d["default_cache_behavior"].(map[string]any)
	if def["target_origin_id"] != OriginGroupID || def["viewer_protocol_policy"] != "redirect-to-https" {
		t.Errorf("default behaviour %v, want the origin group over HTTPS", def)
	}
	if got := jsonOf(def["allowed_methods"]); got != `["GET","HEAD","OPTIONS"]` {
		t.Errorf("default behaviour methods %s, want GET, HEAD, OPTIONS (what CloudFront fails over)", got)
	}
	groups := d["origin_group"].([]any)
	if len(groups) != 1 {
		t.Fatalf("origin groups %v", groups)
	}
	g := groups[0].(map[string]any)
	if g["origin_id"] != OriginGroupID || jsonOf(g["member"]) != `[{"origin_id":"primary"},{"origin_id":"secondary"}]` ||
		jsonOf(g["failover_criteria"].(map[string]any)["status_codes"]) != "[500,502,503,504]" {
		t.Errorf("origin group %v, want primary then secondary on 5xx", g)
	}
	api := d["ordered_cache_behavior"].([]any)[0].(map[string]any)
	if api["path_pattern"] != "/api/*" || api["target_origin_id"] != OriginPrimary || api["cache_policy_id"] != CachePolicyCachingDisabled ||
		len(api["allowed_methods"].([]any)) != 7 || api["origin_request_policy_id"] != OriginRequestPolicyAllViewer {
		t.Errorf("API behaviour %v, want /api/* uncached to the primary with every method", api)
	}
	for _, o := range d["origin"].([]any) {
		o := o.(map[string]any)
		cfg := o["custom_origin_config"].(map[string]any)
		if cfg["origin_protocol_policy"] != "https-only" || jsonOf(cfg["origin_ssl_protocols"]) != `["TLSv1.2"]` {
			t.Errorf("origin %v, want HTTPS with TLS 1.2", o)
		}
		if o["custom_header"] != nil {
			t.Errorf("origin %v sends a header without a secret", o)
		}
	}
	vc := d["viewer_certificate"].(map[string]any)
	if vc["minimum_protocol_version"] != "TLSv1.2_2021" || vc["ssl_support_method"] != "sni-only" ||
		!strings.Contains(vc["acm_certificate_arn"].(string), "aws_acm_certificate_validation.") {
		t.Errorf("viewer certificate %v, want the validated certificate, TLS 1.2+", vc)
	}
	if d["web_acl_id"] != "arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1" {
		t.Errorf("web ACL %v not attached", d["web_acl_id"])
	}
	cert := doc.only(t, "aws_acm_certificate")
	if cert["provider"] != "aws.us-east-1" || cert["domain_name"] != "app.example.com" || jsonOf(cert["subject_alternative_names"]) != `["www.app.example.com"]` {
		t.Errorf("certificate %v, want app.example.com + www through the us-east-1 provider", cert)
	}
	if v := doc.only(t, "aws_acm_certificate_validation"); v["provider"] != "aws.us-east-1" || len(v["validation_record_fqdns"].([]any)) != 2 {
		t.Errorf("validation %v, want us-east-1 and both records", v)
	}
	if n := len(doc.resources("aws_route53_record")); n != 2 {
		t.Errorf("%d validation records, want 2", n)
	}
	// The log bucket: KMS-encrypted with its own key, no public access.
	enc := doc.only(t, "aws_s3_bucket_server_side_encryption_configuration")
	rule := enc["rule"].([]any)[0].(map[string]any)["apply_server_side_encryption_by_default"].(map[string]any)
	if rule["sse_algorithm"] != "aws:kms" || !strings.Contains(rule["kms_master_key_id"].(string), "aws_kms_key.") {
		t.Errorf("log bucket encryption %v, want SSE-KMS with a CMK", rule)
	}
	pab := doc.only(t, "aws_s3_bucket_public_access_block")
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if pab[k] != true {
			t.Errorf("log bucket %s = %v", k, pab[k])
		}
	}
	if lc := d["logging_config"].(map[string]any); !strings.Contains(lc["bucket"].(string), "bucket_domain_name") {
		t.Errorf("logging %v, want the log bucket", lc)
	}
}

// Without origin failover the default
// behaviour targets the primary origin with every method; a secret adds
// the verify header, marked sensitive, to both origins; a given certificate
// is used as is.
func TestCDNWithoutFailover(t *testing.T) {
	secret := cdktf.Token_AsString(cdktf.Fn_Uuid(), nil) // stands for the secret's token
	doc := testCDN(t, CDNProps{OriginSecret: secret, CertificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/x"})
	d := doc.only(t, "aws_cloudfront_distribution")
	def := d["default_cache_behavior"].(map[string]any)
	if def["target_origin_id"] != OriginPrimary || len(def["allowed_methods"].([]any)) != 7 || d["origin_group"] != nil {
		t.Errorf("default behaviour %v (groups %v), want the primary origin with every method and no group", def, d["origin_group"])
	}
	for _, o := range d["origin"].([]any) {
		o := o.(map[string]any)
		if jsonOf(o["custom_header"]) != `[{"name":"X-Origin-Verify","value":"${sensitive(uuid())}"}]` {
			t.Errorf("origin %v header %v", o["origin_id"], o["custom_header"])
		}
		if o["custom_origin_config"].(map[string]any)["origin_protocol_policy"] != "http-only" {
			t.Errorf("origin %v, want HTTP to load balancers without HTTPS", o)
		}
	}
	if len(doc.resources("aws_acm_certificate")) != 0 || d["viewer_certificate"].(map[string]any)["acm_certificate_arn"] != "arn:aws:acm:us-east-1:111111111111:certificate/x" {
		t.Errorf("given certificate not used as is: %v", d["viewer_certificate"])
	}
}

// The web ACL is CLOUDFRONT-scoped in us-east-1: rate limit first, then
// the three managed groups, all with metrics.
func TestWebACL(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewWebACL(stack, "waf", &WebACLProps{Name: "acme-prod-cdn", RateLimit: 2000, Provider: aliasProvider(stack, "us-east-1", "us-east-1")})
	})
	acl := doc.only(t, "aws_wafv2_web_acl")
	if acl["scope"] != "CLOUDFRONT" || acl["provider"] != "aws.us-east-1" {
		t.Errorf("web ACL scope %v provider %v", acl["scope"], acl["provider"])
	}
	rules := acl["rule"].([]any)
	got := []string{}
	for _, r := range rules {
		r := r.(map[string]any)
		got = append(got, r["name"].(string))
		if vc := r["visibility_config"].([]any)[0].(map[string]any); vc["cloudwatch_metrics_enabled"] != true {
			t.Errorf("rule %v without metrics", r["name"])
		}
	}
	if strings.Join(got, ",") != "rate-limit,"+strings.Join(ManagedRuleGroups, ",") {
		t.Errorf("rules %v", got)
	}
	rate := rules[0].(map[string]any)["statement"].([]any)[0].(map[string]any)["rate_based_statement"].([]any)[0].(map[string]any)
	if rate["limit"] != 2000.0 || rate["aggregate_key_type"] != "IP" {
		t.Errorf("rate statement %v", rate)
	}
}

// The origin secret is generated by Terraform at apply time and kept:
// the synthesized stack holds an expression, never a value, and the guard
// marks it sensitive where it uses it.
func TestOriginSecretAndGuard(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		s := NewOriginSecret(stack, "origin-secret", &OriginSecretProps{Version: 1})
		NewOriginGuard(stack, "guard", &OriginGuardProps{ListenerArn: jsii.String("arn:listener"), TargetGroupArn: jsii.String("arn:tg"),
			Secret: s.Value, HealthCheckPath: "/health"})
	})
	data := doc.only(t, "terraform_data")
	if data["input"] != "${sensitive(uuid())}" || jsonOf(data["lifecycle"]) != `{"ignore_changes":["input"]}` || jsonOf(data["triggers_replace"]) != "[1]" {
		t.Errorf("secret %v, want a kept sensitive uuid() replaced by version", data)
	}
	rules := doc.resources("aws_lb_listener_rule")
	byPriority := map[float64]map[string]any{}
	for _, r := range rules {
		byPriority[r["priority"].(float64)] = r
	}
	header := byPriority[1]["condition"].([]any)[0].(map[string]any)["http_header"].(map[string]any)
	if header["http_header_name"] != OriginHeaderName || jsonOf(header["values"]) != `["${sensitive(terraform_data.origin-secret_value_40FB0C79.output)}"]` {
		t.Errorf("header rule %v, want the secret from terraform_data, marked sensitive", header)
	}
	if jsonOf(byPriority[2]["condition"]) != `[{"path_pattern":{"values":["/health"]}}]` {
		t.Errorf("health rule %v", byPriority[2])
	}
	deny := byPriority[50000]["action"].([]any)[0].(map[string]any)
	if deny["type"] != "fixed-response" || deny["fixed_response"].(map[string]any)["status_code"] != "403" {
		t.Errorf("last rule %v, want a 403 for everything else", deny)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// After a failover the secondary region is the preferred record of the
// pair; the records keep their identifiers (an in-place update).
func TestDNSFailoverPreferredSecondary(t *testing.T) {
	targets := dnsTargets()
	targets[0].Preferred, targets[1].Preferred = false, true
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewDNS(stack, "dns", &DNSProps{
			Name: "acme-prod", Domain: "app.example.com",
			HealthCheck: HealthCheckSpec{Type: HealthCheckHTTPS, Path: "/health", IntervalSeconds: 10, FailureThreshold: 3},
			Targets:     targets,
		})
	})
	want := map[string]string{"primary": "SECONDARY", "secondary": "PRIMARY"}
	for _, r := range doc.resources("aws_route53_record") {
		id, _ := r["set_identifier"].(string)
		if got := r["failover_routing_policy"].(map[string]any)["type"]; got != want[id] {
			t.Errorf("record %s: failover %v, want %s", id, got, want[id])
		}
		delete(want, id)
	}
	if len(want) > 0 {
		t.Errorf("records missing: %v", want)
	}
}
