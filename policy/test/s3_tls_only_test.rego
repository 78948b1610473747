package terraform.policies.s3_tls_only

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([f.bucket("b"), f.on_bucket("aws_s3_bucket_policy", "b", {"policy": json.marshal({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})})])
}

test_violating if {
	count(deny) == 1 with input as f.plan([f.bucket("b"), f.on_bucket("aws_s3_bucket_policy", "b", {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}]})})])
}
