package terraform.policies.alb_access_logs

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_lb", "name": "alb", "values": {"access_logs": [{"enabled": true, "bucket": "logs"}]}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_lb", "name": "alb", "values": {"access_logs": []}}])
}
