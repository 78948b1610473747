# Every application load balancer writes access logs (cdk-nag ELB2, trivy AVD-AWS-0053
# area).
package terraform.policies.alb_access_logs

import rego.v1

import data.terraform.lib

rule := "alb_access_logs"

violations contains v if {
	some lb in lib.of_type("aws_lb")
	not logs(lb)
	v := {"address": lb.address, "message": "access_logs is not enabled"}
}

logs(lb) if {
	a := lib.first(lb, "access_logs")
	a.enabled == true
	a.bucket
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
