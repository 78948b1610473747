# No resource lands in a region the environment's config does not name: every AWS
# provider's region is one of the context's regions (when the caller gives them).
package terraform.policies.provider_regions

import rego.v1

import data.terraform.lib

rule := "provider_regions"

violations contains v if {
	some key, p in lib.plan.configuration.provider_config
	p.name == "aws"
	region := object.get(object.get(p.expressions, "region", {}), "constant_value", "")
	not region in allowed
	v := {"address": sprintf("provider.%v", [key]), "message": sprintf("region %v is not one the config names (%v)", [region, concat(", ", sort([r | some r in allowed]))])}
}

allowed := {r | some r in lib.context.regions} if {
	count(lib.context.regions) > 0
} else := {r |
	some p in lib.plan.configuration.provider_config
	r := p.expressions.region.constant_value
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
