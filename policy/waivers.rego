# Waivers: the reviewed exceptions to the pack. Each names the rule, the
# resource address it covers (a glob: * matches any characters), optionally
# the stacks (globs) or the tiers it holds for, the reason, and the last day
# it holds (YYYY-MM-DD).
# An expired waiver no longer waives, and the waiver_expiry rule fails it.
# Review each at its expiry: renew it with a fresh reason, or fix the resource.
package terraform.waivers

waivers := [
	{
		"rule": "s3_encryption_kms",
		"address": "aws_s3_bucket.artifacts_log-bucket_*",
		"reason": "S3 server access log delivery writes only to buckets whose default encryption is SSE-S3 (SSE-KMS targets are not supported)",
		"expires": "2027-06-30",
	},
	{
		"rule": "s3_encryption_kms",
		"address": "aws_s3_bucket.load-balancer_access-logs_*",
		"reason": "ALB access logs support only SSE-S3 on the target bucket",
		"expires": "2027-06-30",
	},
	{
		"rule": "s3_versioning",
		"address": "aws_s3_bucket.artifacts_log-bucket_*",
		"reason": "log deliveries write each object once and the lifecycle expires it; versions would only keep expired logs longer (a log bucket, not a data bucket)",
		"expires": "2027-06-30",
	},
	{
		"rule": "s3_versioning",
		"address": "aws_s3_bucket.load-balancer_access-logs_*",
		"reason": "log deliveries write each object once and the lifecycle expires it; versions would only keep expired logs longer (a log bucket, not a data bucket)",
		"expires": "2027-06-30",
	},
	{
		"rule": "s3_versioning",
		"address": "aws_s3_bucket.cdn_access-logs_*",
		"reason": "log deliveries write each object once and the lifecycle expires it; versions would only keep expired logs longer (a log bucket, not a data bucket)",
		"expires": "2027-06-30",
	},
	{
		"rule": "s3_encryption_kms",
		"address": "aws_s3_bucket.state_*-log-bucket_*",
		"reason": "S3 server access log delivery writes only to buckets whose default encryption is SSE-S3 (SSE-KMS targets are not supported)",
		"expires": "2027-06-30",
	},
	{
		"rule": "s3_versioning",
		"address": "aws_s3_bucket.state_*-log-bucket_*",
		"reason": "log deliveries write each object once and the lifecycle expires it; versions would only keep expired logs longer (a log bucket, not a data bucket)",
		"expires": "2027-06-30",
	},
	{
		"rule": "iam_star_resource",
		"address": "aws_iam_role_policy.run-role-*_policy_*",
		"stacks": ["*-bootstrap"],
		"reason": "an HCP Terraform run role creates every resource of its environment, most of them under ids AWS assigns at creation (VPCs, subnets, security groups, load balancers), so its grant is scoped by service list and aws:RequestedRegion (the environment's regions and us-east-1) instead of by resource; IAM itself is limited to the environment's name prefix, and the role may not change itself (explicit deny)",
		"expires": "2027-06-30",
	},
	{
		"rule": "iam_no_star_action",
		"address": "aws_iam_role_policy.run-role-*_policy_*",
		"stacks": ["*-bootstrap"],
		"reason": "an HCP Terraform run role creates every resource of its environment, most of them under ids AWS assigns at creation (VPCs, subnets, security groups, load balancers), so its grant names whole services (service:*), scoped by service list and aws:RequestedRegion (the environment's regions and us-east-1) instead of by resource; IAM itself is limited to the environment's name prefix, and the role may not change itself (explicit deny)",
		"expires": "2027-06-30",
	},
	{
		"rule": "s3_access_logs",
		"address": "aws_s3_bucket.audit-trail_bucket_*",
		"reason": "the CloudTrail bucket holds the audit log itself: log file validation (signed digest files) detects any change, and server access logs would need a further log bucket in the global stack",
		"expires": "2027-06-30",
	},
	{
		"rule": "alb_tls",
		"address": "aws_lb_listener.load-balancer_http_*",
		"tiers": ["development"],
		"reason": "a development-tier environment may run without a load balancer certificate (load_balancer.certificate or certificate_arns); its listener then serves plain HTTP. Configure one and the listener redirects to HTTPS, which removes the finding",
		"expires": "2027-06-30",
	},
	{
		"rule": "sg_world_egress",
		"address": "aws_vpc_security_group_egress_rule.security-groups_app-out-https_*",
		"tiers": ["development"],
		"reason": "development tier without interface endpoints (a cost decision): tasks reach ECR, CloudWatch Logs and Secrets Manager through NAT on 443; network.interface_endpoints with app_internet_egress false removes the rule",
		"expires": "2027-06-30",
	},
	{
		"rule": "alb_internal_origin",
		"address": "aws_lb.load-balancer_alb_*",
		"stacks": ["acme-local-*"],
		"reason": "a CloudFront VPC origin (aws_cloudfront_vpc_origin) is bound to one load balancer ARN, while the distribution's primary origin is the Route 53 failover name so that traffic follows DNS failover to the secondary region; and moto 5.2.1, where acme-local runs, has no VPC origin API. The load balancer stays internet-facing behind the CloudFront prefix list and the origin-verify header",
		"expires": "2027-06-30",
	},
]
