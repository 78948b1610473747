package terraform.policies.iam_trust_scoped

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_iam_role", "name": "r", "values": {"assume_role_policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}}]})}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_iam_role", "name": "r", "values": {"assume_role_policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})}}])
}
