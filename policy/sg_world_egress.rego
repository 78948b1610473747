# No security group sends traffic to the world (0.0.0.0/0, ::/0): each tier reaches its
# peers, the VPC endpoints and S3's prefix list (trivy AVD-AWS-0104).
package terraform.policies.sg_world_egress

import rego.v1

import data.terraform.lib

rule := "sg_world_egress"

violations contains v if {
	some r in lib.of_type("aws_vpc_security_group_egress_rule")
	some k in ["cidr_ipv4", "cidr_ipv6"]
	lib.world(lib.value(r, k))
	v := {"address": r.address, "message": sprintf("egress to %v on %v-%v", [lib.value(r, k), object.get(r.values, "from_port", "all"), object.get(r.values, "to_port", "all")])}
}

violations contains v if {
	some t in ["aws_security_group", "aws_default_security_group"]
	some sg in lib.of_type(t)
	some e in object.get(sg.values, "egress", [])
	some c in array.concat(lib.as_list(e.cidr_blocks), lib.as_list(e.ipv6_cidr_blocks))
	lib.world(c)
	v := {"address": sg.address, "message": sprintf("inline egress to %v on %v-%v", [c, e.from_port, e.to_port])}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
