# In production every CloudFront distribution is behind a WAF web ACL (cdk-nag CFR2,
# trivy AVD-AWS-0011).
package terraform.policies.cloudfront_waf

import rego.v1

import data.terraform.lib

rule := "cloudfront_waf"

violations contains v if {
	lib.production
	some d in lib.of_type("aws_cloudfront_distribution")
	not lib.value(d, "web_acl_id")
	v := {"address": d.address, "message": "no web_acl_id in production"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
