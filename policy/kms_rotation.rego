# Every KMS key rotates yearly (cdk-nag KMS5, trivy AVD-AWS-0065).
package terraform.policies.kms_rotation

import rego.v1

import data.terraform.lib

rule := "kms_rotation"

violations contains v if {
	some k in lib.of_type("aws_kms_key")
	not lib.true_at(k, "enable_key_rotation")
	v := {"address": k.address, "message": "enable_key_rotation is not true"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
