# Every bucket keeps versions (cdk-nag S3 versioning, trivy AVD-AWS-0090).
package terraform.policies.s3_versioning

import rego.v1

import data.terraform.lib

rule := "s3_versioning"

violations contains v if {
	some b in lib.of_type("aws_s3_bucket")
	not versioned(b)
	v := {"address": b.address, "message": "versioning is not Enabled"}
}

versioned(b) if {
	some c in lib.linked("aws_s3_bucket_versioning", "bucket", b)
	some cfg in lib.value(c, "versioning_configuration")
	cfg.status == "Enabled"
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
