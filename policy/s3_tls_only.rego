# Every bucket policy denies requests without TLS: a Deny statement on
# aws:SecureTransport false (cdk-nag S10).
package terraform.policies.s3_tls_only

import rego.v1

import data.terraform.lib

rule := "s3_tls_only"

violations contains v if {
	some b in lib.of_type("aws_s3_bucket")
	not tls_only(b)
	v := {"address": b.address, "message": "no bucket policy denies aws:SecureTransport false"}
}

tls_only(b) if {
	some p in lib.linked("aws_s3_bucket_policy", "bucket", b)
	some s in lib.statements(lib.document(lib.value(p, "policy")))
	s.Effect == "Deny"
	lower(sprintf("%v", [s.Condition.Bool["aws:SecureTransport"]])) in {"false", "[\"false\"]", "[false]"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
