package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// Property tests of the global edge (DNS failover, CloudFront, WAF) over
// every example environment that has one.

// edgeEnvs are the example environments with a global edge.
func edgeEnvs(t *testing.T) []*config.Environment {
	t.Helper()
	var out []*config.Environment
	for _, env := range synthEnvs {
		if env.Edge() {
			out = append(out, env)
		}
	}
	if len(out) < 3 {
		t.Fatalf("%d example environments with an edge, want prod, staging and local at least", len(out))
	}
	return out
}

// only returns the one resource of a type.
func (s stack) only(t *testing.T, typ string) (string, map[string]any) {
	t.Helper()
	rs := s.resources(typ)
	if len(rs) != 1 {
		t.Fatalf("%d %s, want 1", len(rs), typ)
	}
	for n, r := range rs {
		return n, r
	}
	return "", nil
}

// providerRegion is the region of the provider a resource uses.
func (s stack) providerRegion(r map[string]any) string {
	alias, _ := r["provider"].(string)
	for _, p := range s["provider"].(map[string]any)["aws"].([]any) {
		p := p.(map[string]any)
		if a, _ := p["alias"].(string); "aws."+a == alias || (a == "" && alias == "") {
			return p["region"].(string)
		}
	}
	return "(no provider " + alias + ")"
}

// remoteOutput matches a reference to an output of another stack's state.
var remoteOutput = regexp.MustCompile(`^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([a-z0-9-]+)\.outputs\.(.+)\}$`)

// producedBy resolves a remote-state reference to the expression the
// producing stack outputs.
func producedBy(t *testing.T, ref string) (producer, expr string) {
	t.Helper()
	m := remoteOutput.FindStringSubmatch(ref)
	if m == nil {
		return "", ""
	}
	out := loadStack(t, m[1])["output"].(map[string]any)[m[2]].(map[string]any)
	return m[1], out["value"].(string)
}

// unsensitive strips sensitive() from "${sensitive(x)}", giving "${x}" and
// whether it was there.
func unsensitive(v string) (string, bool) {
	if inner, ok := strings.CutPrefix(v, "${sensitive("); ok && strings.HasSuffix(inner, ")}") {
		return "${" + strings.TrimSuffix(inner, ")}") + "}", true
	}
	return v, false
}

// The failover pair: PRIMARY aliases the primary stack's load balancer and
// carries the primary's health check; SECONDARY likewise; both evaluate
// target health.
func TestEdgeFailoverRecords(t *testing.T) {
	for _, env := range edgeEnvs(t) {
		g := loadStack(t, env.StackName(config.RoleGlobal))
		checks := map[string]string{} // reference -> role
		for name, c := range g.resources("aws_route53_health_check") {
			role := strings.TrimSuffix(strings.TrimPrefix(name, "dns_health-"), name[strings.LastIndex(name, "_"):])
			checks[refOf("aws_route53_health_check", name, "id")] = role
			want := map[string]string{config.HealthCheckHTTPS: "HTTPS", config.HealthCheckHTTP: "HTTP", config.HealthCheckMetric: "CLOUDWATCH_METRIC"}[env.DNS.HealthCheck.Type]
			if c["type"] != want {
				t.Errorf("%s: %s health check type %v, want %s", env.ID(), role, c["type"], want)
			}
		}
		var pair int
		for _, r := range g.resources("aws_route53_record") {
			if r["name"] != env.OriginDomain() {
				continue
			}
			pair++
			role := r["set_identifier"].(string)
			typ := r["failover_routing_policy"].(map[string]any)["type"]
			if typ != strings.ToUpper(role) || checks[r["health_check_id"].(string)] != role {
				t.Errorf("%s: %s record is %v with health check %v (role %q)", env.ID(), role, typ, r["health_check_id"], checks[r["health_check_id"].(string)])
			}
			alias := r["alias"].(map[string]any)
			producer, expr := producedBy(t, alias["name"].(string))
			if producer != env.StackName(role) || !strings.Contains(expr, "aws_lb.") || !strings.HasSuffix(expr, ".dns_name}") {
				t.Errorf("%s: %s record aliases %s of %s, want the %s stack's load balancer", env.ID(), role, expr, producer, role)
			}
			if alias["evaluate_target_health"] != true {
				t.Errorf("%s: %s record does not evaluate target health", env.ID(), role)
			}
		}
		if pair != 2 {
			t.Errorf("%s: %d records named %s, want the failover pair", env.ID(), pair, env.OriginDomain())
		}
	}
}

// The distribution's default behaviour targets the origin group (primary
// origin first) where origin failover is on, the primary origin where it
// is off; API paths are never cached.
func TestEdgeDistribution(t *testing.T) {
	for _, env := range edgeEnvs(t) {
		g := loadStack(t, env.StackName(config.RoleGlobal))
		_, d := g.only(t, "aws_cloudfront_distribution")
		def := d["default_cache_behavior"].(map[string]any)
		groups, _ := d["origin_group"].([]any)
		if *env.CDN.OriginFailover {
			if def["target_origin_id"] != "failover" || len(groups) != 1 {
				t.Errorf("%s: default behaviour targets %v with groups %v, want the origin group", env.ID(), def["target_origin_id"], groups)
				continue
			}
			members, _ := json.Marshal(groups[0].(map[string]any)["member"])
			if string(members) != `[{"origin_id":"primary"},{"origin_id":"secondary"}]` {
				t.Errorf("%s: origin group members %s, want primary then secondary", env.ID(), members)
			}
		} else if def["target_origin_id"] != "primary" || len(groups) != 0 {
			t.Errorf("%s: default behaviour targets %v with groups %v, want the primary origin and no group", env.ID(), def["target_origin_id"], groups)
		}
		origins := map[string]string{}
		for _, o := range d["origin"].([]any) {
			o := o.(map[string]any)
			origins[o["origin_id"].(string)] = o["domain_name"].(string)
		}
		if origins["primary"] != env.OriginDomain() {
			t.Errorf("%s: primary origin %s, want the failover pair %s", env.ID(), origins["primary"], env.OriginDomain())
		}
		if producer, _ := producedBy(t, origins["secondary"]); producer != env.StackName(config.RoleSecondary) {
			t.Errorf("%s: secondary origin %s, want the secondary stack's load balancer", env.ID(), origins["secondary"])
		}
		var paths []string
		for _, b := range d["ordered_cache_behavior"].([]any) {
			b := b.(map[string]any)
			paths = append(paths, b["path_pattern"].(string))
			if b["cache_policy_id"] != "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" || b["target_origin_id"] != "primary" {
				t.Errorf("%s: API behaviour %v, want CachingDisabled to the primary origin", env.ID(), b["path_pattern"])
			}
		}
		if !slices.Equal(paths, env.CDN.APIPaths) {
			t.Errorf("%s: uncached paths %v, want %v", env.ID(), paths, env.CDN.APIPaths)
		}
		if vc := d["viewer_certificate"].(map[string]any); vc["minimum_protocol_version"] != "TLSv1.2_2021" {
			t.Errorf("%s: viewer TLS %v", env.ID(), vc["minimum_protocol_version"])
		}
		if d["price_class"] != env.CDN.PriceClass {
			t.Errorf("%s: price class %v, want %s", env.ID(), d["price_class"], env.CDN.PriceClass)
		}
	}
}

// What must be in us-east-1 is: the CloudFront certificate, the web ACL,
// the health-check alarms and their topic and key.
func TestEdgeUSEast1(t *testing.T) {
	for _, env := range edgeEnvs(t) {
		g := loadStack(t, env.StackName(config.RoleGlobal))
		for _, typ := range []string{"aws_acm_certificate", "aws_acm_certificate_validation", "aws_wafv2_web_acl", "aws_sns_topic"} {
			for name, r := range g.resources(typ) {
				if region := g.providerRegion(r); region != "us-east-1" {
					t.Errorf("%s: %s.%s in %s, want us-east-1", env.ID(), typ, name, region)
				}
			}
		}
		var healthAlarms int
		for name, a := range g.resources("aws_cloudwatch_metric_alarm") {
			if a["namespace"] != "AWS/Route53" {
				continue
			}
			healthAlarms++
			if region := g.providerRegion(a); region != "us-east-1" {
				t.Errorf("%s: health-check alarm %s in %s, want us-east-1", env.ID(), name, region)
			}
			topic := strings.TrimSuffix(strings.TrimPrefix(a["alarm_actions"].([]any)[0].(string), "${"), ".arn}")
			if tr := g.resources("aws_sns_topic")[strings.TrimPrefix(topic, "aws_sns_topic.")]; tr == nil || g.providerRegion(tr) != "us-east-1" {
				t.Errorf("%s: health-check alarm %s notifies %s, want the us-east-1 topic", env.ID(), name, topic)
			}
		}
		if healthAlarms != 2 {
			t.Errorf("%s: %d health-check alarms, want one per region", env.ID(), healthAlarms)
		}
		// The alert topic and any other (the pipeline's) of the stack.
		for name, topic := range g.resources("aws_sns_topic") {
			if !strings.HasPrefix(topic["kms_master_key_id"].(string), "${aws_kms_key.") {
				t.Errorf("%s: topic %s not encrypted with a CMK: %v", env.ID(), name, topic["kms_master_key_id"])
			}
		}
	}
}

// The web ACL is attached exactly where configured.
func TestEdgeWAF(t *testing.T) {
	for _, env := range edgeEnvs(t) {
		g := loadStack(t, env.StackName(config.RoleGlobal))
		_, d := g.only(t, "aws_cloudfront_distribution")
		acls := g.resources("aws_wafv2_web_acl")
		if !env.WAFEnabled() {
			if len(acls) != 0 || d["web_acl_id"] != nil {
				t.Errorf("%s: web ACL without cdn.waf.enabled", env.ID())
			}
			continue
		}
		for name, acl := range acls {
			if d["web_acl_id"] != refOf("aws_wafv2_web_acl", name, "arn") || acl["scope"] != "CLOUDFRONT" {
				t.Errorf("%s: distribution web_acl_id %v, want the CLOUDFRONT web ACL %s", env.ID(), d["web_acl_id"], name)
			}
		}
		if len(acls) != 1 {
			t.Errorf("%s: %d web ACLs, want 1", env.ID(), len(acls))
		}
	}
}

// The origin secret is generated at apply time in the primary stack; the
// distribution and both load balancers' guard rules take it from there,
// each use marked sensitive (remote state drops the output's mark). No
// synthesized file holds a value.
func TestEdgeOriginSecret(t *testing.T) {
	for _, env := range edgeEnvs(t) {
		p := loadStack(t, env.StackName(config.RolePrimary))
		g := loadStack(t, env.StackName(config.RoleGlobal))
		_, d := g.only(t, "aws_cloudfront_distribution")
		if !env.OriginVerifyHeader() {
			if len(originSecrets(p)) != 0 || strings.Contains(jsonText(d), "X-Origin-Verify") {
				t.Errorf("%s: origin header without cdn.origin_verify_header", env.ID())
			}
			continue
		}
		secrets := originSecrets(p)
		if len(secrets) != 1 {
			t.Fatalf("%s: %d origin secrets, want 1", env.ID(), len(secrets))
		}
		name, data := secrets[0], p.resources("terraform_data")[secrets[0]]
		if data["input"] != "${sensitive(uuid())}" {
			t.Errorf("%s: origin secret input %v, want generated at apply time", env.ID(), data["input"])
		}
		secretRef := refOf("terraform_data", name, "output")
		for _, o := range d["origin"].([]any) {
			h := o.(map[string]any)["custom_header"].([]any)[0].(map[string]any)
			ref, marked := unsensitive(h["value"].(string))
			if _, expr := producedBy(t, ref); h["name"] != "X-Origin-Verify" || expr != secretRef || !marked {
				t.Errorf("%s: origin header %v = %v, want the primary's secret", env.ID(), h["name"], h["value"])
			}
		}
		for _, role := range []string{config.RolePrimary, config.RoleSecondary} {
			s := loadStack(t, env.StackName(role))
			var guarded bool
			for _, r := range s.resources("aws_lb_listener_rule") {
				for _, c := range r["condition"].([]any) {
					h, ok := c.(map[string]any)["http_header"].(map[string]any)
					if !ok {
						continue
					}
					v, marked := unsensitive(h["values"].([]any)[0].(string))
					if role == config.RoleSecondary {
						_, v = producedBy(t, v)
					}
					guarded = guarded || (v == secretRef && marked)
				}
			}
			if !guarded {
				t.Errorf("%s: the %s load balancer does not require the origin secret", env.ID(), role)
			}
		}
	}
	uuid := regexp.MustCompile(`"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"`)
	managed := []string{`"83da9c7e-98b4-4e11-a168-04f0df8e2c65"`, `"4135ea2d-6df8-44a3-9df3-4b5a84be39ad"`, `"216adef6-5c7f-47e4-b989-5492eafa07d3"`, `"67f7725c-6f97-4210-82d7-5512b31e9d03"`}
	for _, name := range stackNames(t) {
		for _, m := range uuid.FindAllString(jsonText(loadStack(t, name)), -1) {
			if !slices.Contains(managed, m) {
				t.Errorf("%s holds a literal %s that is no managed CloudFront policy id", name, m)
			}
		}
	}
}

// Stateful edge resources keep their Terraform addresses: a renamed zone
// loses its delegation, a renamed bucket or key its data.
func TestEdgeStatefulAddresses(t *testing.T) {
	for stackName, addrs := range map[string][]string{
		"acme-staging-global": {"aws_route53_zone.dns_zone_2E2729FB", "aws_s3_bucket.cdn_access-logs_E083AC81", "aws_kms_key.cdn_logs-key_1A87EF19", "aws_kms_key.edge-alerts_key_B59FF3AB"},
		"acme-prod-global":    {"aws_s3_bucket.cdn_access-logs_E083AC81", "aws_kms_key.cdn_logs-key_1A87EF19", "aws_kms_key.edge-alerts_key_B59FF3AB"},
		"acme-prod-primary":   {"terraform_data.origin-secret_value_40FB0C79"},
	} {
		s := loadStack(t, stackName)
		for _, a := range addrs {
			typ, name, _ := strings.Cut(a, ".")
			if s.resources(typ)[name] == nil {
				t.Errorf("%s: %s is gone (renamed construct id?)", stackName, a)
			}
		}
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// originSecrets are the origin secret's terraform_data resources of a stack
// (the databases' role markers are terraform_data too).
func originSecrets(s stack) []string {
	var out []string
	for name := range s.resources("terraform_data") {
		if strings.HasPrefix(name, "origin-secret") {
			out = append(out, name)
		}
	}
	return out
}
