package terraform.policies.kms_key_policy

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_kms_key", "name": "k", "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}]})}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_kms_key", "name": "k", "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}]})}}])
}
