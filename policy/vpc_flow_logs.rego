# Every VPC records flow logs (cdk-nag VPC7, trivy AVD-AWS-0178).
package terraform.policies.vpc_flow_logs

import rego.v1

import data.terraform.lib

rule := "vpc_flow_logs"

violations contains v if {
	some vpc in lib.of_type("aws_vpc")
	count(lib.linked("aws_flow_log", "vpc_id", vpc)) == 0
	v := {"address": vpc.address, "message": "no flow log"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
