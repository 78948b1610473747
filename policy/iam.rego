# The IAM policy documents of a plan, and the actions that take no resource
# ARN, for the IAM rules.
package terraform.iam

import rego.v1

import data.terraform.lib

# documents lists every identity policy document: inline role policies,
# managed policies and the roles' inline_policy blocks.
documents contains {"address": r.address, "document": doc} if {
	some t in ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"]
	some r in lib.of_type(t)
	doc := lib.document(lib.value(r, "policy"))
}

documents contains {"address": r.address, "document": doc} if {
	some r in lib.of_type("aws_iam_role")
	some p in object.get(r.values, "inline_policy", [])
	doc := lib.document(p.policy)
}

# resourceless are the actions the platform uses that have no resource-level
# permissions (the Service Authorization Reference lists no resource type
# for them), so "*" is the only Resource they take.
resourceless := {
	"cloudwatch:PutMetricData",
	"ec2:CreateNetworkInterface",
	"ec2:DescribeDhcpOptions",
	"ec2:DescribeNetworkInterfaces",
	"ec2:DescribeSecurityGroups",
	"ec2:DescribeSubnets",
	"ec2:DescribeVpcs",
	"ecr:GetAuthorizationToken",
	"ecs:DescribeTaskDefinition",
	"ecs:RegisterTaskDefinition",
	"logs:DescribeLogGroups",
	"sts:GetCallerIdentity",
	"xray:PutTelemetryRecords",
	"xray:PutTraceSegments",
}
