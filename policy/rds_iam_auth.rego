# Every database instance accepts IAM authentication (cdk-nag RDS6, trivy AVD-AWS-0176).
package terraform.policies.rds_iam_auth

import rego.v1

import data.terraform.lib

rule := "rds_iam_auth"

violations contains v if {
	some db in lib.of_type("aws_db_instance")
	not lib.true_at(db, "iam_database_authentication_enabled")
	v := {"address": db.address, "message": "iam_database_authentication_enabled is not true"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
