# Every AWS provider names the accounts it may touch (allowed_account_ids), so wrong
# credentials stop before anything changes.
package terraform.policies.provider_allowed_accounts

import rego.v1

import data.terraform.lib

rule := "provider_allowed_accounts"

violations contains v if {
	some key, p in lib.plan.configuration.provider_config
	p.name == "aws"
	ids := object.get(object.get(p.expressions, "allowed_account_ids", {}), "constant_value", null)
	not valid(ids)
	v := {"address": sprintf("provider.%v", [key]), "message": "no allowed_account_ids of 12-digit account ids"}
}

valid(ids) if {
	is_array(ids)
	count(ids) > 0
	every id in ids {
		regex.match(`^[0-9]{12}$`, id)
	}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
