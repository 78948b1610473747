# Every ECR repository scans images on push (cdk-nag ECR, trivy AVD-AWS-0030).
package terraform.policies.ecr_scan_on_push

import rego.v1

import data.terraform.lib

rule := "ecr_scan_on_push"

violations contains v if {
	some r in lib.of_type("aws_ecr_repository")
	not scans(r)
	v := {"address": r.address, "message": "image_scanning_configuration.scan_on_push is not true"}
}

scans(r) if lib.first(r, "image_scanning_configuration").scan_on_push == true

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
