package terraform.policies.ecr_immutable_tags

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_ecr_repository", "name": "r", "values": {"image_tag_mutability": "IMMUTABLE"}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_ecr_repository", "name": "r", "values": {"image_tag_mutability": "MUTABLE"}}])
}

test_mutable_outside_production if {
	deny == [] with input as f.plan([{"type": "aws_ecr_repository", "name": "r", "values": {"image_tag_mutability": "MUTABLE"}}])
		with data.multiregion.context as {"tier": "development"}
}
