package stacks

import (
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// The global stack reaches us-east-1 through a provider of its own when
// neither region is us-east-1, through the secondary alias when that one
// is, and through its default provider when the primary is.
func TestEdgeProviderInUSEast1(t *testing.T) {
	const base = "account_id: \"111111111111\"\ntier: production\ndns:\n  domain: app.example.com\n"
	for _, tc := range []struct {
		name, body, wantAlias string
		providers             int
	}{
		{"primary elsewhere", base + "primary:\n  region: eu-west-1\nsecondary:\n  region: eu-central-1\n", "aws.us-east-1", 3},
		{"secondary in us-east-1", base + "primary:\n  region: us-west-2\nsecondary:\n  region: us-east-1\n", "aws.secondary", 2},
		{"primary in us-east-1", base, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := synthEnv(t, "envs/acme-prod.yaml", tc.body)[config.RoleGlobal]
			providers := path(g, "provider", "aws").([]any)
			if len(providers) != tc.providers {
				t.Errorf("%d providers, want %d", len(providers), tc.providers)
			}
			regionOf := map[string]any{}
			for _, p := range providers {
				p := p.(map[string]any)
				alias, _ := p["alias"].(string)
				if alias != "" {
					alias = "aws." + alias
				}
				regionOf[alias] = p["region"]
			}
			if regionOf[tc.wantAlias] != "us-east-1" {
				t.Fatalf("provider %q is in %v, want us-east-1", tc.wantAlias, regionOf[tc.wantAlias])
			}
			resources := path(g, "resource").(map[string]any)
			for _, typ := range []string{"aws_acm_certificate", "aws_acm_certificate_validation", "aws_wafv2_web_acl", "aws_sns_topic"} {
				byName, _ := resources[typ].(map[string]any)
				if len(byName) == 0 {
					t.Errorf("no %s", typ)
				}
				for name, r := range byName {
					if got, _ := r.(map[string]any)["provider"].(string); got != tc.wantAlias {
						t.Errorf("%s.%s provider %q, want %q", typ, name, got, tc.wantAlias)
					}
				}
			}
			for name, a := range resources["aws_cloudwatch_metric_alarm"].(map[string]any) {
				a := a.(map[string]any)
				if got, _ := a["provider"].(string); a["namespace"] == "AWS/Route53" && got != tc.wantAlias {
					t.Errorf("health-check alarm %s provider %q, want %q", name, got, tc.wantAlias)
				}
			}
		})
	}
}

// Without a domain the global stack has no edge; with the distribution
// switched off the app's names alias the failover pair.
func TestEdgeOptional(t *testing.T) {
	s := synthEnv(t, "envs/acme-dev.yaml", "account_id: \"111111111111\"\n")
	for typ := range path(s[config.RoleGlobal], "resource").(map[string]any) {
		if strings.HasPrefix(typ, "aws_route53_") || strings.HasPrefix(typ, "aws_cloudfront_") || strings.HasPrefix(typ, "aws_acm_") {
			t.Errorf("global stack without dns.domain has %s", typ)
		}
	}
	if r, _ := path(s[config.RolePrimary], "resource", "terraform_data").(map[string]any); r != nil {
		for id := range r {
			if strings.HasPrefix(id, "origin-secret") {
				t.Errorf("origin secret %s without an edge", id)
			}
		}
	}
	s = synthEnv(t, "envs/acme-dev.yaml", "account_id: \"111111111111\"\ndns:\n  domain: app.example.com\ncdn:\n  enabled: false\n")
	g := s[config.RoleGlobal]
	if path(g, "resource", "aws_cloudfront_distribution") != nil || path(s[config.RolePrimary], "resource", "aws_lb_listener_rule") != nil {
		t.Error("distribution or guard rules with cdn.enabled false")
	}
	var app int
	for _, r := range path(g, "resource", "aws_route53_record").(map[string]any) {
		r := r.(map[string]any)
		if r["name"] == "app.example.com" || r["name"] == "www.app.example.com" {
			app++
			alias := r["alias"].(map[string]any)
			if alias["name"] != "origin.app.example.com" || alias["evaluate_target_health"] != true || r["depends_on"] == nil {
				t.Errorf("app record %v, want an alias of the failover pair once it exists", r)
			}
		}
	}
	if app != 2 {
		t.Errorf("%d app records, want the domain and www", app)
	}
}
