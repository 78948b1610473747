package terraform.policies.ecr_scan_on_push

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_ecr_repository", "name": "r", "values": {"image_scanning_configuration": [{"scan_on_push": true}]}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_ecr_repository", "name": "r", "values": {"image_scanning_configuration": [{"scan_on_push": false}]}}])
}
