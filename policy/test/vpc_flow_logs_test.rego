package terraform.policies.vpc_flow_logs

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_vpc", "name": "v", "values": {}}, {"type": "aws_flow_log", "name": "fl", "values": {}, "unknown": {"vpc_id": true}, "expressions": {"vpc_id": f.ref("aws_vpc.v")}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_vpc", "name": "v", "values": {}}])
}
