package terraform.policies.s3_access_logs

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([f.bucket("b"), f.bucket("b-logs"), object.union(f.on_bucket("aws_s3_bucket_logging", "b", {}), {"unknown": {"bucket": true, "target_bucket": true}, "expressions": {"bucket": f.ref("aws_s3_bucket.b"), "target_bucket": f.ref("aws_s3_bucket.b-logs")}})])
}

test_violating if {
	count(deny) == 1 with input as f.plan([f.bucket("b")])
}
