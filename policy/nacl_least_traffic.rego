# Network ACL rules that allow traffic name a protocol and ports: no all-protocol rule,
# and inbound rules open one port or the ephemeral range (1024-65535) for replies (trivy
# AVD-AWS-0102/0105).
package terraform.policies.nacl_least_traffic

import rego.v1

import data.terraform.lib

rule := "nacl_least_traffic"

violations contains v if {
	some r in lib.of_type("aws_network_acl_rule")
	r.values.rule_action == "allow"
	r.values.protocol in {"-1", "all"}
	v := {"address": r.address, "message": sprintf("allows all protocols %v %v", [direction(r), cidr(r)])}
}

violations contains v if {
	some r in lib.of_type("aws_network_acl_rule")
	r.values.rule_action == "allow"
	not r.values.egress
	lib.world(cidr(r))
	v := {"address": r.address, "message": "allows inbound traffic from anywhere"}
}

violations contains v if {
	some r in lib.of_type("aws_network_acl_rule")
	r.values.rule_action == "allow"
	not r.values.protocol in {"-1", "all"}
	r.values.from_port != r.values.to_port
	not ephemeral(r)
	v := {"address": r.address, "message": sprintf("allows ports %v-%v %v %v", [r.values.from_port, r.values.to_port, direction(r), cidr(r)])}
}

ephemeral(r) if {
	r.values.from_port >= 1024
	r.values.to_port == 65535
}

direction(r) := "out to" if r.values.egress

else := "in from"

cidr(r) := r.values.cidr_block if r.values.cidr_block

else := r.values.ipv6_cidr_block

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
