# HCP Terraform OPA policy set: connect this folder (policy/) as the policy
# set's source, or upload it as a policy set version. Each rule is one
# policy; its query is the rule's deny, the violations the waivers in
# waivers.rego leave. HCP Terraform hands OPA the plan as input.plan and
# the run as input.run; the workspace name (one workspace per stack, named
# after it) is what waivers' "stacks" match. Mandatory policies stop the run
# unless a user allowed to override policies does so: that override is the
# explicit step stateful_destroy asks for before a production stack loses a
# database, bucket, key, repository, log group, hosted zone or secret.

policy "alb_access_logs" {
  query             = "data.terraform.policies.alb_access_logs.deny"
  enforcement_level = "mandatory"
}

policy "alb_drop_invalid_headers" {
  query             = "data.terraform.policies.alb_drop_invalid_headers.deny"
  enforcement_level = "mandatory"
}

policy "alb_internal_origin" {
  query             = "data.terraform.policies.alb_internal_origin.deny"
  enforcement_level = "mandatory"
}

policy "alb_tls" {
  query             = "data.terraform.policies.alb_tls.deny"
  enforcement_level = "mandatory"
}

policy "cloudfront_logging" {
  query             = "data.terraform.policies.cloudfront_logging.deny"
  enforcement_level = "mandatory"
}

policy "cloudfront_tls" {
  query             = "data.terraform.policies.cloudfront_tls.deny"
  enforcement_level = "mandatory"
}

policy "cloudfront_waf" {
  query             = "data.terraform.policies.cloudfront_waf.deny"
  enforcement_level = "mandatory"
}

policy "ecr_immutable_tags" {
  query             = "data.terraform.policies.ecr_immutable_tags.deny"
  enforcement_level = "mandatory"
}

policy "ecr_scan_on_push" {
  query             = "data.terraform.policies.ecr_scan_on_push.deny"
  enforcement_level = "mandatory"
}

policy "iam_no_star_action" {
  query             = "data.terraform.policies.iam_no_star_action.deny"
  enforcement_level = "mandatory"
}

policy "iam_star_resource" {
  query             = "data.terraform.policies.iam_star_resource.deny"
  enforcement_level = "mandatory"
}

policy "iam_trust_scoped" {
  query             = "data.terraform.policies.iam_trust_scoped.deny"
  enforcement_level = "mandatory"
}

policy "kms_key_policy" {
  query             = "data.terraform.policies.kms_key_policy.deny"
  enforcement_level = "mandatory"
}

policy "kms_rotation" {
  query             = "data.terraform.policies.kms_rotation.deny"
  enforcement_level = "mandatory"
}

policy "logs_encryption" {
  query             = "data.terraform.policies.logs_encryption.deny"
  enforcement_level = "mandatory"
}

policy "logs_retention" {
  query             = "data.terraform.policies.logs_retention.deny"
  enforcement_level = "mandatory"
}

policy "nacl_least_traffic" {
  query             = "data.terraform.policies.nacl_least_traffic.deny"
  enforcement_level = "mandatory"
}

policy "provider_allowed_accounts" {
  query             = "data.terraform.policies.provider_allowed_accounts.deny"
  enforcement_level = "mandatory"
}

policy "provider_regions" {
  query             = "data.terraform.policies.provider_regions.deny"
  enforcement_level = "mandatory"
}

policy "rds_backups" {
  query             = "data.terraform.policies.rds_backups.deny"
  enforcement_level = "mandatory"
}

policy "rds_encrypted" {
  query             = "data.terraform.policies.rds_encrypted.deny"
  enforcement_level = "mandatory"
}

policy "rds_iam_auth" {
  query             = "data.terraform.policies.rds_iam_auth.deny"
  enforcement_level = "mandatory"
}

policy "rds_private" {
  query             = "data.terraform.policies.rds_private.deny"
  enforcement_level = "mandatory"
}

policy "rds_production_protection" {
  query             = "data.terraform.policies.rds_production_protection.deny"
  enforcement_level = "mandatory"
}

policy "s3_access_logs" {
  query             = "data.terraform.policies.s3_access_logs.deny"
  enforcement_level = "mandatory"
}

policy "s3_encryption_kms" {
  query             = "data.terraform.policies.s3_encryption_kms.deny"
  enforcement_level = "mandatory"
}

policy "s3_public_access_block" {
  query             = "data.terraform.policies.s3_public_access_block.deny"
  enforcement_level = "mandatory"
}

policy "s3_tls_only" {
  query             = "data.terraform.policies.s3_tls_only.deny"
  enforcement_level = "mandatory"
}

policy "s3_versioning" {
  query             = "data.terraform.policies.s3_versioning.deny"
  enforcement_level = "mandatory"
}

policy "sg_ingress_ports" {
  query             = "data.terraform.policies.sg_ingress_ports.deny"
  enforcement_level = "mandatory"
}

policy "sg_world_egress" {
  query             = "data.terraform.policies.sg_world_egress.deny"
  enforcement_level = "mandatory"
}

policy "sg_world_ingress" {
  query             = "data.terraform.policies.sg_world_ingress.deny"
  enforcement_level = "mandatory"
}

policy "sns_encryption" {
  query             = "data.terraform.policies.sns_encryption.deny"
  enforcement_level = "mandatory"
}

policy "sqs_encryption" {
  query             = "data.terraform.policies.sqs_encryption.deny"
  enforcement_level = "mandatory"
}

policy "stateful_destroy" {
  query             = "data.terraform.policies.stateful_destroy.deny"
  enforcement_level = "mandatory"
}

policy "tags_required" {
  query             = "data.terraform.policies.tags_required.deny"
  enforcement_level = "mandatory"
}

policy "vpc_flow_logs" {
  query             = "data.terraform.policies.vpc_flow_logs.deny"
  enforcement_level = "mandatory"
}

policy "waiver_expiry" {
  query             = "data.terraform.policies.waiver_expiry.deny"
  enforcement_level = "mandatory"
}
