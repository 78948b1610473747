# In production, every database instance has deletion protection and takes a final
# snapshot when deleted; a read replica cannot take one (its source keeps the data)
# (cdk-nag RDS10).
package terraform.policies.rds_production_protection

import rego.v1

import data.terraform.lib

rule := "rds_production_protection"

violations contains v if {
	lib.production
	some db in lib.of_type("aws_db_instance")
	not lib.true_at(db, "deletion_protection")
	v := {"address": db.address, "message": "deletion_protection is not true in production"}
}

violations contains v if {
	lib.production
	some db in lib.of_type("aws_db_instance")
	lib.true_at(db, "skip_final_snapshot")
	not lib.value(db, "replicate_source_db") # RDS takes no final snapshot of a read replica
	v := {"address": db.address, "message": "skip_final_snapshot is true in production"}
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
