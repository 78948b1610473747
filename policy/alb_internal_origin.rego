# A load balancer that only CloudFront may reach (ingress from the CloudFront origin-
# facing prefix list only) is internal, reached through a CloudFront VPC origin rather
# than facing the internet.
package terraform.policies.alb_internal_origin

import rego.v1

import data.terraform.lib

rule := "alb_internal_origin"

violations contains v if {
	some lb in lib.of_type("aws_lb")
	not lib.true_at(lb, "internal")
	cloudfront_only(lb)
	v := {"address": lb.address, "message": "internet-facing although only CloudFront may reach it"}
}

cloudfront_only(lb) if {
	rules := [r |
		some r in lib.of_type("aws_vpc_security_group_ingress_rule")
		some ref in lib.references(r, "security_group_id")
		lib.refers(lb, "security_groups", ref)
	]
	count(rules) > 0
	every r in rules {
		lib.value(r, "prefix_list_id")
	}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
