package stacks

import (
	"fmt"
	"reflect"
	"slices"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53healthcheck"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
)

// This file is everything the stacks know of the AWS emulator (moto_server,
// patched by the harness's launcher): an aspect that adapts the synthesized
// resources of a stack whose environment or account has an emulator. The
// constructs and the rest of the stacks describe AWS only.

// adaptToEmulator adds the emulator aspect to stack when em is set.
func adaptToEmulator(stack cdktf.TerraformStack, em *config.Emulator) {
	if em == nil {
		return
	}
	cdktf.Aspects_Of(stack).Add(&emulatorAspect{endpoint: em.Endpoint})
}

// emulatorAspect points the AWS providers at the emulator and lets
// Terraform ignore the attributes the emulator accepts but does not read
// back as AWS does, so a re-plan after an apply is clean.
type emulatorAspect struct {
	endpoint string
}

// emulatorIgnoreChanges are the attributes, by resource type, that moto
// accepts but does not keep (it reports them empty or as its own defaults),
// measured by re-planning acme-local after an apply.
var emulatorIgnoreChanges = map[string][]string{
	// CreateService drops them; capacity_provider_strategy would even
	// replace the service.
	"aws_ecs_service": {"availability_zone_rebalancing", "capacity_provider_strategy", "enable_ecs_managed_tags", "health_check_grace_period_seconds"},
	// Delete marker replication and KMS source selection are dropped.
	"aws_s3_bucket_replication_configuration": {"rule"},
	"aws_s3_bucket_notification":              {"eventbridge"},
	// moto answers alias/aws/s3 for the project's key.
	"aws_codebuild_project": {"encryption_key"},
	// Neither Performance Insights nor enhanced monitoring are kept.
	"aws_db_instance": {"performance_insights_enabled", "performance_insights_kms_key_id", "performance_insights_retention_period",
		"monitoring_interval", "monitoring_role_arn"},
	// DescribeDBParameters answers without the parameters' source, so the
	// set ones do not read back as set.
	"aws_db_parameter_group": {"parameter"},
}

// securityGroupRule is what the ingress and egress rule resources share
// here.
type securityGroupRule interface {
	cdktf.TerraformResource
	ReferencedSecurityGroupIdInput() *string
	PrefixListIdInput() *string
}

// metricHealthCheckIgnore are attributes of CLOUDWATCH_METRIC health checks
// that moto does not keep (CreateHealthCheck drops the alarm identifier) or
// fills with HTTP defaults (request interval 30, port 80).
var metricHealthCheckIgnore = []string{"cloudwatch_alarm_name", "cloudwatch_alarm_region", "insufficient_data_health_status",
	"request_interval", "port", "regions"}

// Visit adapts one node of the stack.
func (a *emulatorAspect) Visit(node cdk.IConstruct) {
	switch n := node.(type) {
	case provider.AwsProvider:
		a.provider(n)
		return
	case route53healthcheck.Route53HealthCheck:
		if t := n.TypeInput(); t != nil && *t == "CLOUDWATCH_METRIC" {
			ignoreChanges(n, metricHealthCheckIgnore...)
		}
		return
	case securityGroupRule:
		// moto reads back no description of a rule (ingress or egress)
		// that references a group or a prefix list.
		if n.ReferencedSecurityGroupIdInput() != nil || n.PrefixListIdInput() != nil {
			ignoreChanges(n, "description")
		}
		return
	case cloudfrontdistribution.CloudfrontDistribution:
		a.distribution(n)
		return
	}
	if r, ok := node.(cdktf.TerraformResource); ok {
		if ignore := emulatorIgnoreChanges[*r.TerraformResourceType()]; ignore != nil {
			ignoreChanges(r, ignore...)
		}
	}
}

// provider sends every service the platform uses to the emulator, like
// LocalStack's tflocal: test credentials, no instance metadata, path-style
// S3. The account is still checked (the emulator answers STS with its own
// account id).
func (a *emulatorAspect) provider(p provider.AwsProvider) {
	e := jsii.String(a.endpoint)
	p.SetAccessKey(jsii.String("test"))
	p.SetSecretKey(jsii.String("test"))
	p.SetSkipCredentialsValidation(jsii.Bool(true))
	p.SetSkipMetadataApiCheck(jsii.String("true"))
	p.SetSkipRegionValidation(jsii.Bool(true))
	p.SetS3UsePathStyle(jsii.Bool(true))
	p.SetEndpoints(&[]*provider.AwsProviderEndpoints{{
		Acm: e, Appautoscaling: e, Budgets: e, Cloudfront: e, Cloudtrail: e,
		Cloudwatch: e, Codebuild: e, Codecommit: e, Codepipeline: e,
		Dynamodb: e, Ec2: e, Ecr: e, Ecs: e, Elbv2: e, Events: e, Iam: e,
		Kms: e, Logs: e, Rds: e, Route53: e, S3: e, Secretsmanager: e,
		Servicediscovery: e, Sns: e, Sqs: e, Ssm: e, Sts: e, Wafv2: e,
	}})
}

// distribution ignores the legacy forwarded_values of every cache
// behaviour and the default viewer certificate flag, which moto reads back
// although the distribution sets neither.
func (a *emulatorAspect) distribution(d cloudfrontdistribution.CloudfrontDistribution) {
	ignore := []string{"default_cache_behavior[0].forwarded_values", "viewer_certificate[0].cloudfront_default_certificate"}
	for i := range listOf(d.OrderedCacheBehaviorInput()) {
		ignore = append(ignore, fmt.Sprintf("ordered_cache_behavior[%d].forwarded_values", i))
	}
	ignoreChanges(d, ignore...)
}

// ignoreChanges adds attrs to the resource's lifecycle ignore_changes,
// keeping what the construct set.
func ignoreChanges(r cdktf.TerraformResource, attrs ...string) {
	lc := r.Lifecycle()
	if lc == nil {
		lc = &cdktf.TerraformResourceLifecycle{}
	}
	var have []*string
	for _, v := range listOf(lc.IgnoreChanges) {
		if s, ok := v.(string); ok {
			have = append(have, jsii.String(s))
		} else if s, ok := v.(*string); ok {
			have = append(have, s)
		}
	}
	for _, attr := range attrs {
		if !slices.ContainsFunc(have, func(s *string) bool { return *s == attr }) {
			have = append(have, jsii.String(attr))
		}
	}
	lc.IgnoreChanges = &have
	r.SetLifecycle(lc)
}

// listOf returns the elements of a list value read back through jsii (a
// slice or a pointer to one, of any element type); nil for anything else.
func listOf(v any) []any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Slice {
		return nil
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}
