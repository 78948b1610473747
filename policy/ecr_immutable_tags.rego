# In production every ECR repository has immutable tags, so a tag names one image
# forever (trivy AVD-AWS-0031).
package terraform.policies.ecr_immutable_tags

import rego.v1

import data.terraform.lib

rule := "ecr_immutable_tags"

violations contains v if {
	lib.production
	some r in lib.of_type("aws_ecr_repository")
	not lib.value(r, "image_tag_mutability") in {"IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"}
	v := {"address": r.address, "message": sprintf("image_tag_mutability is %v in production", [lib.value(r, "image_tag_mutability")])}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
