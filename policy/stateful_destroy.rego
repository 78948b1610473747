# In production no plan deletes or replaces a stateful resource (database, bucket, key,
# repository, log group, hosted zone, secret) unless the caller names its address
# (context.allowed_destroy); a tainted resource is a replace too.
package terraform.policies.stateful_destroy

import rego.v1

import data.terraform.lib

rule := "stateful_destroy"

stateful := {
	"aws_db_instance", "aws_rds_cluster", "aws_s3_bucket", "aws_kms_key", "aws_ecr_repository",
	"aws_codecommit_repository", "aws_cloudwatch_log_group", "aws_route53_zone",
	"aws_secretsmanager_secret", "aws_dynamodb_table", "aws_efs_file_system",
}

violations contains v if {
	lib.production
	some rc in lib.plan.resource_changes
	rc.mode == "managed"
	rc.type in stateful
	"delete" in rc.change.actions
	not rc.address in object.get(lib.context, "allowed_destroy", [])
	v := {"address": rc.address, "message": sprintf("%v of a stateful resource in production", [action(rc)])}
}

action(rc) := "replace" if count(rc.change.actions) == 2

else := "delete"

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
