package terraform.policies.cloudfront_tls

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_cloudfront_distribution", "name": "d", "values": {"viewer_certificate": [{"minimum_protocol_version": "TLSv1.2_2021"}]}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_cloudfront_distribution", "name": "d", "values": {"viewer_certificate": [{"cloudfront_default_certificate": true, "minimum_protocol_version": "TLSv1"}]}}])
}
