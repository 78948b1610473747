package terraform.policies.iam_no_star_action

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_iam_role_policy", "name": "p", "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}]})}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_iam_role_policy", "name": "p", "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]})}}])
}
