# Every application load balancer drops invalid HTTP header fields (trivy AVD-AWS-0052).
package terraform.policies.alb_drop_invalid_headers

import rego.v1

import data.terraform.lib

rule := "alb_drop_invalid_headers"

violations contains v if {
	some lb in lib.of_type("aws_lb")
	object.get(lb.values, "load_balancer_type", "application") == "application"
	not lib.true_at(lb, "drop_invalid_header_fields")
	v := {"address": lb.address, "message": "drop_invalid_header_fields is not true"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
