# Security group ingress names one protocol and one port: a tier opens only the port it
# serves, never all traffic or a range (cdk-nag EC2 restricted ports).
package terraform.policies.sg_ingress_ports

import rego.v1

import data.terraform.lib

rule := "sg_ingress_ports"

violations contains v if {
	some r in lib.of_type("aws_vpc_security_group_ingress_rule")
	not single_port(r)
	v := {"address": r.address, "message": sprintf("ingress %v %v-%v opens more than one port", [r.values.ip_protocol, object.get(r.values, "from_port", "all"), object.get(r.values, "to_port", "all")])}
}

single_port(r) if {
	r.values.ip_protocol in {"tcp", "udp", "6", "17"}
	r.values.from_port == r.values.to_port
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
