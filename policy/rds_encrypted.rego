# Every database instance encrypts its storage with a customer managed key (cdk-nag
# RDS2, trivy AVD-AWS-0080).
package terraform.policies.rds_encrypted

import rego.v1

import data.terraform.lib

rule := "rds_encrypted"

violations contains v if {
	some db in lib.of_type("aws_db_instance")
	not encrypted(db)
	v := {"address": db.address, "message": "storage_encrypted is not true with a kms_key_id"}
}

encrypted(db) if {
	lib.true_at(db, "storage_encrypted")
	lib.value(db, "kms_key_id")
}

encrypted(db) if {
	db.unknown.storage_encrypted == true # a replica inherits its source's encryption
	lib.value(db, "kms_key_id")
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
