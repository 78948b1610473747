# Every database instance keeps automated backups: at least 7 days in production, 1
# elsewhere; a read replica is backed up by its source (cdk-nag RDS11, trivy AVD-
# AWS-0077).
package terraform.policies.rds_backups

import rego.v1

import data.terraform.lib

rule := "rds_backups"

violations contains v if {
	some db in lib.of_type("aws_db_instance")
	not replica(db)
	days := object.get(db.values, "backup_retention_period", 0)
	days < minimum
	v := {"address": db.address, "message": sprintf("backup_retention_period is %v, want at least %v", [days, minimum])}
}

minimum := 7 if lib.production

else := 1

replica(db) if lib.value(db, "replicate_source_db")

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
