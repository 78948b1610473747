package terraform.policies.sqs_encryption

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_sqs_queue", "name": "q", "values": {"sqs_managed_sse_enabled": true}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_sqs_queue", "name": "q", "values": {"sqs_managed_sse_enabled": false}}])
}
