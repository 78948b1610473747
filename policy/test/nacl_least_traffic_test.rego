package terraform.policies.nacl_least_traffic

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_network_acl_rule", "name": "in", "values": {"rule_action": "allow", "egress": false, "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_block": "10.0.0.0/16"}}, {"type": "aws_network_acl_rule", "name": "out", "values": {"rule_action": "allow", "egress": true, "protocol": "tcp", "from_port": 1024, "to_port": 65535, "cidr_block": "10.0.0.0/16"}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_network_acl_rule", "name": "in", "values": {"rule_action": "allow", "egress": false, "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "10.0.0.0/16"}}])
}
