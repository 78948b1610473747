package terraform.policies.sg_world_ingress

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_lb", "name": "alb", "values": {"internal": false}, "unknown": {"security_groups": true}, "expressions": {"security_groups": {"references": ["aws_security_group.alb.id", "aws_security_group.alb"]}}}, {"type": "aws_vpc_security_group_ingress_rule", "name": "web", "values": {"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 443, "to_port": 443}, "expressions": {"security_group_id": f.ref("aws_security_group.alb")}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_lb", "name": "alb", "values": {"internal": false}, "unknown": {"security_groups": true}, "expressions": {"security_groups": {"references": ["aws_security_group.alb.id", "aws_security_group.alb"]}}}, {"type": "aws_vpc_security_group_ingress_rule", "name": "ssh", "values": {"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 22, "to_port": 22}, "expressions": {"security_group_id": f.ref("aws_security_group.app")}}])
}
