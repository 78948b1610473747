package terraform.policies.s3_public_access_block

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([f.bucket("b"), f.on_bucket("aws_s3_bucket_public_access_block", "b", {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true})])
}

test_violating if {
	count(deny) == 1 with input as f.plan([f.bucket("b"), f.on_bucket("aws_s3_bucket_public_access_block", "b", {"block_public_acls": true, "block_public_policy": false, "ignore_public_acls": true, "restrict_public_buckets": true})])
}
