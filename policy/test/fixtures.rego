# Fixtures for the pack's tests: a plan input (in HCP Terraform's shape)
# built from a few resources.
package terraform.fixtures

import rego.v1

# provider is an AWS provider configuration as a plan shows it.
provider(region, tier) := {
	"name": "aws",
	"expressions": {
		"region": {"constant_value": region},
		"allowed_account_ids": {"constant_value": ["111111111111"]},
		"default_tags": [{"tags": {"constant_value": {"Tier": tier}}}],
	},
}

providers := {"aws": provider("us-east-1", "production")}

# plan is an input holding resources rs, each
# {type, name, values[, unknown, expressions, actions, provider]}.
plan(rs) := plan_with(rs, providers)

plan_with(rs, ps) := {"plan": {
	"configuration": {
		"provider_config": ps,
		"root_module": {"resources": [config(r) | some r in rs]},
	},
	"resource_changes": [change(r) | some r in rs],
}}

address(r) := sprintf("%s.%s", [r.type, r.name])

change(r) := {
	"address": address(r),
	"mode": "managed",
	"type": r.type,
	"name": r.name,
	"change": {
		"actions": object.get(r, "actions", ["create"]),
		"after": object.get(r, "values", {}),
		"after_unknown": object.get(r, "unknown", {}),
	},
}

config(r) := {
	"address": address(r),
	"mode": "managed",
	"type": r.type,
	"name": r.name,
	"provider_config_key": object.get(r, "provider", "aws"),
	"expressions": object.get(r, "expressions", {}),
}

# ref is an attribute's configuration when it refers to resource address a.
ref(a) := {"references": [sprintf("%s.id", [a]), a]}

# bucket is a bucket, and on_bucket a resource of type t attached to it.
bucket(name) := {"type": "aws_s3_bucket", "name": name, "values": {"bucket": name}}

on_bucket(t, name, values) := {
	"type": t,
	"name": name,
	"values": values,
	"unknown": {"bucket": true},
	"expressions": {"bucket": ref(sprintf("aws_s3_bucket.%s", [name]))},
}
