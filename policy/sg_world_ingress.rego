# No security group admits the world (0.0.0.0/0, ::/0) except a load balancer's on 80
# and 443 (cdk-nag EC23, trivy AVD-AWS-0107).
package terraform.policies.sg_world_ingress

import rego.v1

import data.terraform.lib

rule := "sg_world_ingress"

violations contains v if {
	some r in lib.of_type("aws_vpc_security_group_ingress_rule")
	some k in ["cidr_ipv4", "cidr_ipv6"]
	lib.world(lib.value(r, k))
	not load_balancer_web(r)
	v := {"address": r.address, "message": sprintf("ingress from %v on %v-%v", [lib.value(r, k), object.get(r.values, "from_port", "all"), object.get(r.values, "to_port", "all")])}
}

violations contains v if {
	some t in ["aws_security_group", "aws_default_security_group"]
	some sg in lib.of_type(t)
	some i in object.get(sg.values, "ingress", [])
	some c in array.concat(lib.as_list(i.cidr_blocks), lib.as_list(i.ipv6_cidr_blocks))
	lib.world(c)
	v := {"address": sg.address, "message": sprintf("inline ingress from %v on %v-%v", [c, i.from_port, i.to_port])}
}

# load_balancer_web: a rule on a load balancer's security group, port 80 or 443.
load_balancer_web(r) if {
	r.values.ip_protocol == "tcp"
	r.values.from_port == r.values.to_port
	r.values.from_port in {80, 443}
	some lb in lib.of_type("aws_lb")
	some ref in lib.references(r, "security_group_id")
	lib.refers(lb, "security_groups", ref)
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
