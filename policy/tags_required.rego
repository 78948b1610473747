# Every taggable resource carries the platform's tags (Customer, Environment, ManagedBy,
# CostCenter, Tier), through the providers' default_tags or its own.
package terraform.policies.tags_required

import rego.v1

import data.terraform.lib

rule := "tags_required"

required := ["Customer", "Environment", "ManagedBy", "CostCenter", "Tier"]

violations contains v if {
	some r in lib.resources
	taggable(r)
	tags := object.get(r.values, "tags_all", {})
	missing := [k | some k in required; not tags[k]]
	count(missing) > 0
	v := {"address": r.address, "message": sprintf("missing tags %v", [concat(", ", missing)])}
}

taggable(r) if "tags_all" in object.keys(r.values)

taggable(r) if r.unknown.tags_all == true

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
