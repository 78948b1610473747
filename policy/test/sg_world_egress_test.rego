package terraform.policies.sg_world_egress

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_vpc_security_group_egress_rule", "name": "db", "values": {"cidr_ipv4": "10.0.0.0/16", "ip_protocol": "tcp", "from_port": 5432, "to_port": 5432}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_vpc_security_group_egress_rule", "name": "https", "values": {"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 443, "to_port": 443}}])
}
