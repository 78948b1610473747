# Every waiver names a rule, an address, a reason and an expiry date (YYYY-MM-DD) that
# has not passed: an expired waiver fails until it is renewed or removed.
package terraform.policies.waiver_expiry

import rego.v1

import data.terraform.lib

rule := "waiver_expiry"

violations contains v if {
	some w in data.terraform.waivers.waivers
	some k in ["rule", "address", "reason", "expires"]
	not w[k]
	v := {"address": sprintf("waiver %v %v", [object.get(w, "rule", "?"), object.get(w, "address", "?")]), "message": sprintf("has no %v", [k])}
}

violations contains v if {
	some w in data.terraform.waivers.waivers
	not time.parse_ns("2006-01-02", w.expires)
	v := {"address": sprintf("waiver %v %v", [w.rule, w.address]), "message": sprintf("expires %v is not a date (YYYY-MM-DD)", [w.expires])}
}

violations contains v if {
	some w in data.terraform.waivers.waivers
	lib.expired(w)
	v := {"address": sprintf("waiver %v %v", [w.rule, w.address]), "message": sprintf("expired on %v: renew it with a new reason or fix the resource", [w.expires])}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
