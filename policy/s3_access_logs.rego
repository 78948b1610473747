# Every bucket logs its access (S3 server access logs), except the log buckets
# themselves: the targets of access logging, load balancer or CloudFront logs, and
# buckets whose name ends in -logs-<account> (cdk-nag S1, trivy AVD-AWS-0089).
package terraform.policies.s3_access_logs

import rego.v1

import data.terraform.lib

rule := "s3_access_logs"

violations contains v if {
	some b in lib.of_type("aws_s3_bucket")
	not log_bucket(b)
	count(lib.linked("aws_s3_bucket_logging", "bucket", b)) == 0
	v := {"address": b.address, "message": "no server access logging"}
}

log_bucket(b) if count(lib.linked("aws_s3_bucket_logging", "target_bucket", b)) > 0

log_bucket(b) if regex.match(`-logs(-[0-9]{12})?$`, b.values.bucket)

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
