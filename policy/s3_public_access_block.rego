# Every bucket blocks public access: all four settings of its public access block (cdk-
# nag S2, trivy AVD-AWS-0086..0094).
package terraform.policies.s3_public_access_block

import rego.v1

import data.terraform.lib

rule := "s3_public_access_block"

violations contains v if {
	some b in lib.of_type("aws_s3_bucket")
	not fully_blocked(b)
	v := {"address": b.address, "message": "no public access block with all four settings true"}
}

fully_blocked(b) if {
	some p in lib.linked("aws_s3_bucket_public_access_block", "bucket", b)
	every k in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] {
		lib.true_at(p, k)
	}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
