package terraform.policies.rds_iam_auth

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_db_instance", "name": "db", "values": {"iam_database_authentication_enabled": true}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_db_instance", "name": "db", "values": {"iam_database_authentication_enabled": false}}])
}
