# Every log group expires its events (retention set; 0 keeps them forever) (cdk-nag
# CloudWatch log retention, checkov CKV_AWS_338).
package terraform.policies.logs_retention

import rego.v1

import data.terraform.lib

rule := "logs_retention"

violations contains v if {
	some g in lib.of_type("aws_cloudwatch_log_group")
	object.get(g.values, "retention_in_days", 0) == 0
	v := {"address": g.address, "message": "retention_in_days is unset (events kept forever)"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
