# Every log group is encrypted with a customer managed KMS key (cdk-nag CloudWatch
# encryption, trivy AVD-AWS-0017).
package terraform.policies.logs_encryption

import rego.v1

import data.terraform.lib

rule := "logs_encryption"

violations contains v if {
	some g in lib.of_type("aws_cloudwatch_log_group")
	not lib.value(g, "kms_key_id")
	v := {"address": g.address, "message": "no kms_key_id"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
