package terraform.policies.rds_production_protection

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_db_instance", "name": "db", "values": {"deletion_protection": true, "skip_final_snapshot": false}}, {"type": "aws_db_instance", "name": "replica", "values": {"deletion_protection": true, "skip_final_snapshot": true, "replicate_source_db": "arn:aws:rds:us-east-1:111111111111:db:src"}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_db_instance", "name": "db", "values": {"deletion_protection": false, "skip_final_snapshot": false}}])
}
