package terraform.policies.logs_encryption

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_cloudwatch_log_group", "name": "g", "values": {"kms_key_id": null}, "unknown": {"kms_key_id": true}, "expressions": {"kms_key_id": {"constant_value": "${aws_kms_key.k.arn}", "references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_cloudwatch_log_group", "name": "g", "values": {"kms_key_id": null}}])
}
