package terraform.policies.rds_encrypted

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_db_instance", "name": "db", "values": {"storage_encrypted": true, "kms_key_id": "arn:aws:kms:us-east-1:111111111111:key/k"}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_db_instance", "name": "db", "values": {"storage_encrypted": false}}])
}
