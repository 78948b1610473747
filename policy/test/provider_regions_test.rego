package terraform.policies.provider_regions

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan_with([], {"aws": f.provider("us-east-1", "production"), "aws.secondary": object.union(f.provider("us-west-2", "production"), {"alias": "secondary"})})
		with data.multiregion.context as {"regions": ["us-east-1", "us-west-2"]}
}

test_violating if {
	count(deny) == 1 with input as f.plan_with([], {"aws": f.provider("us-east-1", "production"), "aws.other": object.union(f.provider("eu-west-1", "production"), {"alias": "other"})})
		with data.multiregion.context as {"regions": ["us-east-1", "us-west-2"]}
}
