package terraform.policies.iam_star_resource

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_iam_role_policy", "name": "p", "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]})}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_iam_role_policy", "name": "p", "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "s3:GetObject"], "Resource": "*"}]})}}])
}
