# Helpers every rule of the pack uses. The pack reads a Terraform plan in
# JSON (terraform show -json): as HCP Terraform hands it to OPA (input.plan,
# beside input.run) or as a plain file (opa eval -i plan.json, conftest).
package terraform.lib

import rego.v1

# plan is the plan JSON, in either input shape.
plan := input.plan if {
	is_object(input.plan)
} else := input

# context is what the platform knows about the stack, when the caller gives
# it (data.multiregion.context: stack, tier, regions, allowed_destroy).
default context := {}

context := data.multiregion.context

# stack names the stack: from the context, else the HCP Terraform workspace
# (one workspace per stack, named after it).
stack := context.stack if {
	context.stack
} else := input.run.workspace.name if {
	input.run.workspace.name
} else := ""

# tier is the environment's tier: from the context, else the Tier tag every
# provider sets by default_tags; production when neither says (strictest).
tier := context.tier if {
	context.tier
} else := t if {
	some p in plan.configuration.provider_config
	t := p.expressions.default_tags[0].tags.constant_value.Tier
} else := "production"

production if tier == "production"

# config holds the configuration of each resource of the root module (CDKTF
# stacks have no child modules), by address.
config[r.address] := r if {
	some r in plan.configuration.root_module.resources
}

# resources are the managed resources the plan leaves in place (created,
# updated, replaced or unchanged), by address.
resources[rc.address] := r if {
	some rc in plan.resource_changes
	rc.mode == "managed"
	not deleted(rc)
	r := {
		"address": rc.address,
		"type": rc.type,
		"name": rc.name,
		"provider": object.get(object.get(config, rc.address, {}), "provider_config_key", ""),
		"values": object.get(rc.change, "after", {}),
		"unknown": object.get(rc.change, "after_unknown", {}),
	}
}

deleted(rc) if rc.change.actions == ["delete"]

# of_type lists the resources of a type.
of_type(t) := [r | some r in resources; r.type == t]

# value is an attribute's planned value; when it is unknown until apply, its
# configuration (a constant, or a template whose ${...} parts stay as text:
# enough to read the shape of a policy document that names ARNs).
value(r, k) := r.values[k] if {
	not r.unknown[k] == true
	r.values[k] != null
}

value(r, k) := config[r.address].expressions[k].constant_value if {
	r.unknown[k] == true
}

# first is the first element of a nested block (a list of one in the plan).
first(r, k) := b if {
	some b in value(r, k)
}

# true_at: the attribute is planned true.
true_at(r, k) if value(r, k) == true

# references lists what an attribute's configuration refers to
# ("aws_s3_bucket.logs", "aws_s3_bucket.logs.id").
references(r, k) := config[r.address].expressions[k].references if {
	config[r.address].expressions[k].references
} else := []

# refers: attribute k of r refers to resource target (an address).
refers(r, k, target) if {
	some ref in references(r, k)
	ref == target
}

# linked lists the resources of type t whose attribute k refers to target,
# or holds target's id-like attribute (same bucket name, same id).
linked(t, k, target) := [c |
	some c in of_type(t)
	points_at(c, k, target)
]

points_at(c, k, target) if refers(c, k, target.address)

points_at(c, k, target) if {
	v := value(c, k)
	is_string(v)
	v in {object.get(target.values, "id", null), object.get(target.values, "bucket", null), object.get(target.values, "name", null)}
}

# document decodes a JSON policy document (a string, or already an object).
document(v) := json.unmarshal(v) if {
	is_string(v)
	json.is_valid(v)
}

document(v) := v if is_object(v)

# statements lists a policy document's statements as objects.
statements(doc) := [doc.Statement] if is_object(doc.Statement)

statements(doc) := doc.Statement if is_array(doc.Statement)

# as_list makes a string or a list a list.
as_list(x) := [x] if is_string(x)

as_list(x) := x if is_array(x)

as_list(x) := [] if x == null

# provider_region is the region of the provider a resource uses.
provider_region(r) := plan.configuration.provider_config[r.provider].expressions.region.constant_value

# world is a CIDR that means anywhere.
world(c) if c in {"0.0.0.0/0", "::/0"}

# messages is a rule's deny: one message per violation not waived.
messages(rule, violations) := sort([sprintf("%s: %s", [v.address, v.message]) |
	some v in violations
	not waived(rule, v.address)
])

# waived_messages is a rule's waived violations, naming each reason.
waived_messages(rule, violations) := sort([sprintf("%s: %s (waived: %s)", [v.address, v.message, w.reason]) |
	some v in violations
	some w in waivers_for(rule, v.address)
])

waived(rule, address) if count(waivers_for(rule, address)) > 0

# waivers_for lists the live waivers that cover rule at address in this stack.
waivers_for(rule, address) := [w |
	some w in data.terraform.waivers.waivers
	w.rule == rule
	glob.match(w.address, [], address)
	stack_matches(w)
	tier_matches(w)
	not expired(w)
]

stack_matches(w) if not w.stacks

stack_matches(w) if {
	some s in w.stacks
	glob.match(s, [], stack)
}

# tier_matches: a waiver with tiers holds only for stacks of those tiers (a
# decision that comes with the tier, whatever the environment's name).
tier_matches(w) if not w.tiers

tier_matches(w) if {
	some t in w.tiers
	t == tier
}

# expired: the waiver's expiry date (YYYY-MM-DD, the last day it holds) has passed.
expired(w) if time.now_ns() >= time.add_date(time.parse_ns("2006-01-02", w.expires), 0, 0, 1)
