package terraform.policies.cloudfront_waf

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_cloudfront_distribution", "name": "d", "values": {"web_acl_id": null}, "unknown": {"web_acl_id": true}, "expressions": {"web_acl_id": {"constant_value": "${aws_wafv2_web_acl.w.arn}", "references": ["aws_wafv2_web_acl.w.arn", "aws_wafv2_web_acl.w"]}}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_cloudfront_distribution", "name": "d", "values": {"web_acl_id": null}}])
}
