package terraform.policies.kms_rotation

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_kms_key", "name": "k", "values": {"enable_key_rotation": true}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_kms_key", "name": "k", "values": {"enable_key_rotation": false}}])
}
