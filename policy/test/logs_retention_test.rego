package terraform.policies.logs_retention

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_cloudwatch_log_group", "name": "g", "values": {"retention_in_days": 30}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_cloudwatch_log_group", "name": "g", "values": {"retention_in_days": 0}}])
}
