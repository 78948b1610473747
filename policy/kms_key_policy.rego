# Every KMS key has a key policy of its own, and no statement allows any principal ('*')
# without a condition.
package terraform.policies.kms_key_policy

import rego.v1

import data.terraform.lib

rule := "kms_key_policy"

violations contains v if {
	some k in lib.of_type("aws_kms_key")
	not lib.value(k, "policy")
	v := {"address": k.address, "message": "no key policy (the account default grants every IAM principal of the account)"}
}

violations contains v if {
	some k in lib.of_type("aws_kms_key")
	some s in lib.statements(lib.document(lib.value(k, "policy")))
	s.Effect == "Allow"
	open(s.Principal)
	not s.Condition
	v := {"address": k.address, "message": "allows any principal without a condition"}
}

open(p) if p == "*"

open(p) if "*" in lib.as_list(p.AWS)

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
