package terraform.policies.sns_encryption

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_sns_topic", "name": "t", "values": {"kms_master_key_id": "alias/alerts"}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_sns_topic", "name": "t", "values": {"kms_master_key_id": null}}])
}
