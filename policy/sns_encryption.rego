# Every SNS topic is encrypted with a KMS key (cdk-nag SNS2, trivy AVD-AWS-0095).
package terraform.policies.sns_encryption

import rego.v1

import data.terraform.lib

rule := "sns_encryption"

violations contains v if {
	some t in lib.of_type("aws_sns_topic")
	not lib.value(t, "kms_master_key_id")
	v := {"address": t.address, "message": "no kms_master_key_id"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
