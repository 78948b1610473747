package terraform.policies.stateful_destroy

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_db_instance", "name": "db", "actions": ["delete", "create"], "values": {}}])
		with data.multiregion.context as {"tier": "production", "allowed_destroy": ["aws_db_instance.db"]}
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_db_instance", "name": "db", "actions": ["delete", "create"], "values": {}}, {"type": "aws_route", "name": "r", "actions": ["delete"], "values": {}}])
		with data.multiregion.context as {"tier": "production"}
}

test_development_may_replace if {
	deny == [] with input as f.plan([{"type": "aws_s3_bucket", "name": "b", "actions": ["delete"], "values": {}}])
		with data.multiregion.context as {"tier": "development"}
}
