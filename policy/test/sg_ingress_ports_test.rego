package terraform.policies.sg_ingress_ports

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_vpc_security_group_ingress_rule", "name": "db", "values": {"cidr_ipv4": null, "ip_protocol": "tcp", "from_port": 5432, "to_port": 5432}, "expressions": {"security_group_id": f.ref("aws_security_group.db")}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_vpc_security_group_ingress_rule", "name": "all", "values": {"cidr_ipv4": null, "ip_protocol": "-1", "from_port": -1, "to_port": -1}, "expressions": {"security_group_id": f.ref("aws_security_group.db")}}])
}
