# No database instance is publicly accessible (cdk-nag RDS not public, trivy AVD-
# AWS-0082).
package terraform.policies.rds_private

import rego.v1

import data.terraform.lib

rule := "rds_private"

violations contains v if {
	some db in lib.of_type("aws_db_instance")
	not lib.value(db, "publicly_accessible") == false
	v := {"address": db.address, "message": "publicly_accessible is not false"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
