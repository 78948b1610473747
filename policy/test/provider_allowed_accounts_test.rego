package terraform.policies.provider_allowed_accounts

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([])
}

test_violating if {
	count(deny) == 1 with input as f.plan_with([], {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}, "allowed_account_ids": {"constant_value": null}}}})
}
