package terraform.policies.tags_required

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_vpc", "name": "v", "values": {"tags_all": {"Customer": "acme", "Environment": "prod", "ManagedBy": "cdktf-multiregion", "CostCenter": "acme", "Tier": "production"}}}, {"type": "aws_route", "name": "r", "values": {}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_vpc", "name": "v", "values": {"tags_all": {"Customer": "acme"}}}])
}
