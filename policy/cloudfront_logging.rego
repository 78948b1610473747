# Every CloudFront distribution writes access logs (cdk-nag CFR3, trivy AVD-AWS-0010).
package terraform.policies.cloudfront_logging

import rego.v1

import data.terraform.lib

rule := "cloudfront_logging"

violations contains v if {
	some d in lib.of_type("aws_cloudfront_distribution")
	not logs(d)
	v := {"address": d.address, "message": "no logging_config bucket"}
}

logs(d) if lib.first(d, "logging_config").bucket

logs(d) if d.unknown.logging_config[_].bucket == true # a bucket the plan creates

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
