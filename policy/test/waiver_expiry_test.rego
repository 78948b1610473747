package terraform.policies.waiver_expiry

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with data.terraform.waivers.waivers as [{"rule": "s3_versioning", "address": "aws_s3_bucket.b", "reason": "r", "expires": "2099-12-31"}]
}

test_violating if {
	count(deny) == 1 with data.terraform.waivers.waivers as [{"rule": "s3_versioning", "address": "aws_s3_bucket.b", "reason": "r", "expires": "2020-01-31"}]
}

# An expired waiver no longer waives: the violation it covered is back.
test_expired_waiver_does_not_waive if {
	w := [{"rule": "s3_versioning", "address": "aws_s3_bucket.b", "reason": "r", "expires": "2020-01-31"}]
	count(data.terraform.policies.s3_versioning.deny) == 1 with input as f.plan([f.bucket("b")])
		with data.terraform.waivers.waivers as w
}

test_live_waiver_waives if {
	w := [{"rule": "s3_versioning", "address": "aws_s3_bucket.*", "reason": "r", "expires": "2099-12-31"}]
	data.terraform.policies.s3_versioning.deny == [] with input as f.plan([f.bucket("b")])
		with data.terraform.waivers.waivers as w
	count(data.terraform.policies.s3_versioning.waived) == 1 with input as f.plan([f.bucket("b")])
		with data.terraform.waivers.waivers as w
}

test_waiver_without_reason if {
	count(deny) == 1 with data.terraform.waivers.waivers as [{"rule": "s3_versioning", "address": "aws_s3_bucket.b", "expires": "2099-12-31"}]
}

# A waiver for a tier holds on that tier's stacks only.
test_tier_waiver_holds_on_its_tier_only if {
	w := [{"rule": "s3_versioning", "address": "aws_s3_bucket.*", "tiers": ["development"], "reason": "r", "expires": "2099-12-31"}]
	data.terraform.policies.s3_versioning.deny == [] with input as f.plan([f.bucket("b")])
		with data.terraform.waivers.waivers as w
		with data.multiregion.context as {"tier": "development"}
	count(data.terraform.policies.s3_versioning.deny) == 1 with input as f.plan([f.bucket("b")])
		with data.terraform.waivers.waivers as w
		with data.multiregion.context as {"tier": "production"}
}
