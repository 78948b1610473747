# Every role's trust policy names its principals: no '*' principal, and a service
# principal is bound to this account by aws:SourceAccount or aws:SourceArn (confused
# deputy) (cdk-nag IAM trust).
package terraform.policies.iam_trust_scoped

import rego.v1

import data.terraform.lib

rule := "iam_trust_scoped"

violations contains v if {
	some role in lib.of_type("aws_iam_role")
	some s in lib.statements(lib.document(lib.value(role, "assume_role_policy")))
	s.Effect == "Allow"
	some p in principals(s)
	p == "*"
	v := {"address": role.address, "message": "trusts any principal (\"*\")"}
}

violations contains v if {
	some role in lib.of_type("aws_iam_role")
	some s in lib.statements(lib.document(lib.value(role, "assume_role_policy")))
	s.Effect == "Allow"
	count(lib.as_list(object.get(object.get(s, "Principal", {}), "Service", []))) > 0
	not source_bound(s)
	v := {"address": role.address, "message": "trusts a service without an aws:SourceAccount or aws:SourceArn condition"}
}

principals(s) := ["*"] if s.Principal == "*"

principals(s) := [p |
	is_object(s.Principal)
	some ps in s.Principal
	some p in lib.as_list(ps)
]

source_bound(s) if {
	some op, cond in s.Condition
	some k, _ in cond
	lower(k) in {"aws:sourceaccount", "aws:sourcearn"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
