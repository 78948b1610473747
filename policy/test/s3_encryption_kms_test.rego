package terraform.policies.s3_encryption_kms

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([f.bucket("b"), object.union(f.on_bucket("aws_s3_bucket_server_side_encryption_configuration", "b", {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": null}]}]}), {"unknown": {"bucket": true, "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]}})])
}

test_violating if {
	count(deny) == 1 with input as f.plan([f.bucket("b"), f.on_bucket("aws_s3_bucket_server_side_encryption_configuration", "b", {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256", "kms_master_key_id": null}]}]})])
}
