# No IAM policy allows every action ('*') or every action of a service ('svc:*') (cdk-
# nag IAM5, trivy AVD-AWS-0057).
package terraform.policies.iam_no_star_action

import rego.v1

import data.terraform.lib

rule := "iam_no_star_action"

violations contains v if {
	some doc in data.terraform.iam.documents
	some s in lib.statements(doc.document)
	s.Effect == "Allow"
	some a in lib.as_list(s.Action)
	star(a)
	v := {"address": doc.address, "message": sprintf("allows action %v", [a])}
}

star(a) if a == "*"

star(a) if endswith(a, ":*")

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
