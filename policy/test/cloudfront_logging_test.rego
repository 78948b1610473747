package terraform.policies.cloudfront_logging

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_cloudfront_distribution", "name": "d", "values": {"logging_config": [{"bucket": null}]}, "unknown": {"logging_config": [{"bucket": true}]}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_cloudfront_distribution", "name": "d", "values": {"logging_config": []}}])
}
