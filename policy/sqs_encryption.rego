# Every SQS queue is encrypted: a KMS key, or SQS-managed SSE (cdk-nag SQS2, trivy AVD-
# AWS-0096).
package terraform.policies.sqs_encryption

import rego.v1

import data.terraform.lib

rule := "sqs_encryption"

violations contains v if {
	some q in lib.of_type("aws_sqs_queue")
	not lib.value(q, "kms_master_key_id")
	not lib.true_at(q, "sqs_managed_sse_enabled")
	v := {"address": q.address, "message": "neither kms_master_key_id nor sqs_managed_sse_enabled"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
