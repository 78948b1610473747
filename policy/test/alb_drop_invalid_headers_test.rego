package terraform.policies.alb_drop_invalid_headers

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_lb", "name": "alb", "values": {"load_balancer_type": "application", "drop_invalid_header_fields": true}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_lb", "name": "alb", "values": {"load_balancer_type": "application", "drop_invalid_header_fields": false}}])
}
