# Every bucket encrypts by default with a customer managed KMS key (SSE-KMS with a key
# of the stack, not the AWS managed aws/s3 key), cdk-nag S3 encryption, trivy AVD-
# AWS-0088/0132.
package terraform.policies.s3_encryption_kms

import rego.v1

import data.terraform.lib

rule := "s3_encryption_kms"

violations contains v if {
	some b in lib.of_type("aws_s3_bucket")
	not kms_encrypted(b)
	v := {"address": b.address, "message": "default encryption is not SSE-KMS with a customer managed key"}
}

kms_encrypted(b) if {
	some c in lib.linked("aws_s3_bucket_server_side_encryption_configuration", "bucket", b)
	some i, rule in lib.value(c, "rule")
	some j, d in rule.apply_server_side_encryption_by_default
	d.sse_algorithm in {"aws:kms", "aws:kms:dsse"}
	key_set(c, i, j, d)
}

key_set(_, _, _, d) if customer_key(d.kms_master_key_id)

# An unknown key is the ARN of a key the plan creates or reads.
key_set(c, i, j, _) if c.unknown.rule[i].apply_server_side_encryption_by_default[j].kms_master_key_id == true

customer_key(k) if {
	is_string(k)
	k != ""
	not contains(k, "alias/aws/")
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
