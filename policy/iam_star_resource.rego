# An IAM statement allows Resource '*' only for actions that have no resource-level
# permissions (listed in data.terraform.iam.resourceless) (cdk-nag IAM5, trivy AVD-
# AWS-0057).
package terraform.policies.iam_star_resource

import rego.v1

import data.terraform.lib

rule := "iam_star_resource"

violations contains v if {
	some doc in data.terraform.iam.documents
	some s in lib.statements(doc.document)
	s.Effect == "Allow"
	"*" in lib.as_list(s.Resource)
	some a in lib.as_list(s.Action)
	not a in data.terraform.iam.resourceless
	v := {"address": doc.address, "message": sprintf("allows %v on every resource", [a])}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
