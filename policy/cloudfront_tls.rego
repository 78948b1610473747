# Every CloudFront distribution serves viewers TLS 1.2 or newer with its own certificate
# (cdk-nag CFR4, trivy AVD-AWS-0013).
package terraform.policies.cloudfront_tls

import rego.v1

import data.terraform.lib

rule := "cloudfront_tls"

violations contains v if {
	some d in lib.of_type("aws_cloudfront_distribution")
	c := lib.first(d, "viewer_certificate")
	not startswith(object.get(c, "minimum_protocol_version", ""), "TLSv1.2")
	v := {"address": d.address, "message": sprintf("minimum_protocol_version %v (the default certificate allows TLSv1)", [object.get(c, "minimum_protocol_version", "unset")])}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
