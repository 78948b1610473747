package terraform.policies.s3_versioning

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([f.bucket("b"), f.on_bucket("aws_s3_bucket_versioning", "b", {"versioning_configuration": [{"status": "Enabled"}]})])
}

test_violating if {
	count(deny) == 1 with input as f.plan([f.bucket("b"), f.on_bucket("aws_s3_bucket_versioning", "b", {"versioning_configuration": [{"status": "Suspended"}]})])
}
