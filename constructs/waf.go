package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webacl"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// ManagedRuleGroups are the AWS managed rule groups every web ACL gets, in
// evaluation order: the common rule set (OWASP-style exploits), known bad
// inputs (e.g. Log4j) and Amazon's IP reputation list.
var ManagedRuleGroups = []string{
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesAmazonIpReputationList",
}

// WebACLProps configures a web ACL for a CloudFront distribution.
type WebACLProps struct {
	Name string
	// RateLimit is the most requests one IP may send in 5 minutes; more
	// are blocked.
	RateLimit int
	// Provider must be in us-east-1: CloudFront web ACLs live there.
	Provider cdktf.TerraformProvider
}

// WebACL is a WAFv2 web ACL of scope CLOUDFRONT: the rate limit first,
// then the managed rule groups; everything else is allowed. Every rule
// reports CloudWatch metrics and keeps sampled requests.
type WebACL struct {
	cdk.Construct
	// Arn is what a distribution's web_acl_id takes for WAFv2.
	Arn *string
}

// NewWebACL creates the web ACL.
func NewWebACL(scope cdk.Construct, id string, p *WebACLProps) *WebACL {
	c := cdk.NewConstruct(scope, str(id))
	visibility := func(metric string) map[string]any {
		return map[string]any{"cloudwatch_metrics_enabled": true, "metric_name": metric, "sampled_requests_enabled": true}
	}
	// Statements are deeper than the bindings type, so rules are written in
	// the provider's own (snake_case) shape.
	rules := []map[string]any{{
		"name":     "rate-limit",
		"priority": 0,
		"action":   []map[string]any{{"block": []map[string]any{{}}}},
		"statement": []map[string]any{{"rate_based_statement": []map[string]any{{
			"limit": p.RateLimit, "aggregate_key_type": "IP", "evaluation_window_sec": 300,
		}}}},
		"visibility_config": []map[string]any{visibility(p.Name + "-rate-limit")},
	}}
	for i, group := range ManagedRuleGroups {
		rules = append(rules, map[string]any{
			"name":            group,
			"priority":        10 * (i + 1),
			"override_action": []map[string]any{{"none": []map[string]any{{}}}},
			"statement": []map[string]any{{"managed_rule_group_statement": []map[string]any{{
				"name": group, "vendor_name": "AWS",
			}}}},
			"visibility_config": []map[string]any{visibility(p.Name + "-" + group)},
		})
	}
	acl := wafv2webacl.NewWafv2WebAcl(c, str("acl"), &wafv2webacl.Wafv2WebAclConfig{
		Name:          str(p.Name),
		Description:   str("CloudFront: rate limit and AWS managed rule groups"),
		Scope:         str("CLOUDFRONT"),
		DefaultAction: &wafv2webacl.Wafv2WebAclDefaultAction{Allow: &wafv2webacl.Wafv2WebAclDefaultActionAllow{}},
		VisibilityConfig: &wafv2webacl.Wafv2WebAclVisibilityConfig{
			CloudwatchMetricsEnabled: boolp(true),
			MetricName:               str(p.Name),
			SampledRequestsEnabled:   boolp(true),
		},
		Tags:     nameTag(p.Name),
		Provider: p.Provider,
	})
	acl.AddOverride(str("rule"), rules)
	return &WebACL{Construct: c, Arn: acl.Arn()}
}
