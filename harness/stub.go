package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// StubValue returns a plausible fake value for an upstream stack output, chosen
// from its name, for the stub state that stands in for the upstream stack in an
// offline plan. The value is a string, or a []string for names that say "ids" or
// "arns" (stubbed as list(string)). Values are deterministic; ids are derived from
// the name, so two different outputs never collide in a for_each.
//
// cdktf names cross-stack outputs "cross-stack-output-" + the reference with its
// dots removed, e.g. cross-stack-output-aws_vpcvpcid for aws_vpc.vpc.id, so the
// resource type is a prefix and the attribute a suffix. Plain names (vpc_id)
// work too. Extend stubRules or resourceKinds when a new output plans badly.
func StubValue(name string) any {
	o := parseOutputName(name)
	for _, r := range stubRules {
		for _, suffix := range r.suffixes {
			if strings.HasSuffix(o.lower, suffix) {
				return r.value(o)
			}
		}
	}
	return "stub-" + o.short
}

// stubRules are tried in order; the first whose suffix ends the lower-cased
// output name gives the value. Order matters: "zone_id" before "id",
// "enable_dns_support" before "port".
var stubRules = []struct {
	suffixes []string
	value    func(o outputName) any
}{
	{[]string{"arns"}, func(o outputName) any { return []string{o.arn(0), o.arn(1)} }},
	{[]string{"ids"}, func(o outputName) any { return []string{o.id(0), o.id(1)} }},
	{[]string{"cidr_blocks"}, constant([]string{"10.250.0.0/16", "10.251.0.0/16"})},
	{[]string{"arn"}, func(o outputName) any { return o.arn(0) }},
	{[]string{"zone_id", "zoneid"}, constant("Z0123456789ABCDEFGHIJ")},
	{[]string{"cidr_block", "cidr"}, constant("10.250.0.0/16")},
	{[]string{"dns_name", "endpoint", "domain_name", "domain", "fqdn", "hostname", "address"}, constant("stub.example.internal")},
	{[]string{"url"}, constant("https://stub.example.internal")},
	{[]string{"support", "enabled"}, constant("true")},
	{[]string{"port"}, constant("8080")},
	{[]string{"_count", "capacity", "_days", "ttl"}, constant("2")},
	{[]string{"region"}, constant("us-east-1")},
	{[]string{"account_id", "owner_id"}, constant("123456789012")},
	{[]string{"id"}, func(o outputName) any { return o.id(0) }},
}

func constant(v any) func(outputName) any { return func(outputName) any { return v } }

// resourceKinds maps an AWS resource type to its id prefix and ARN service.
// The longest type that prefixes (cdktf names) or appears in (plain names)
// the output name wins.
var resourceKinds = map[string]struct{ idPrefix, service string }{
	"aws_vpc":                          {"vpc", "ec2"},
	"aws_subnet":                       {"subnet", "ec2"},
	"aws_security_group":               {"sg", "ec2"},
	"aws_route_table":                  {"rtb", "ec2"},
	"aws_internet_gateway":             {"igw", "ec2"},
	"aws_egress_only_internet_gateway": {"eigw", "ec2"},
	"aws_nat_gateway":                  {"nat", "ec2"},
	"aws_vpc_peering_connection":       {"pcx", "ec2"},
	"aws_vpc_endpoint":                 {"vpce", "ec2"},
	"aws_ec2_transit_gateway":          {"tgw", "ec2"},
	"aws_network_acl":                  {"acl", "ec2"},
	"aws_eip":                          {"eipalloc", "ec2"},
	"aws_network_interface":            {"eni", "ec2"},
	"aws_instance":                     {"i", "ec2"},
	"aws_launch_template":              {"lt", "ec2"},
	"aws_flow_log":                     {"fl", "ec2"},
	"aws_kms_key":                      {"", "kms"},
	"aws_kms_alias":                    {"", "kms"},
	"aws_lb":                           {"", "elasticloadbalancing"},
	"aws_alb":                          {"", "elasticloadbalancing"},
	"aws_lb_target_group":              {"", "elasticloadbalancing"},
	"aws_lb_listener":                  {"", "elasticloadbalancing"},
	"aws_db_instance":                  {"", "rds"},
	"aws_rds_cluster":                  {"", "rds"},
	"aws_db_subnet_group":              {"", "rds"},
	"aws_ecs_cluster":                  {"", "ecs"},
	"aws_ecs_service":                  {"", "ecs"},
	"aws_ecs_task_definition":          {"", "ecs"},
	"aws_ecr_repository":               {"", "ecr"},
	"aws_codecommit_repository":        {"", "codecommit"},
	"aws_codebuild_project":            {"", "codebuild"},
	"aws_codepipeline":                 {"", "codepipeline"},
	"aws_sns_topic":                    {"", "sns"},
	"aws_sqs_queue":                    {"", "sqs"},
	"aws_cloudwatch_log_group":         {"", "logs"},
	"aws_cloudwatch_metric_alarm":      {"", "cloudwatch"},
	"aws_acm_certificate":              {"", "acm"},
	"aws_secretsmanager_secret":        {"", "secretsmanager"},
	"aws_lambda_function":              {"", "lambda"},
	"aws_iam_role":                     {"", "iam"},
	"aws_iam_policy":                   {"", "iam"},
	"aws_s3_bucket":                    {"", "s3"},
	"aws_route53_zone":                 {"Z", "route53"},
	"aws_route53_health_check":         {"", "route53"},
	"aws_cloudfront_distribution":      {"E", "cloudfront"},
}

// globalServices have ARNs without a region.
var globalServices = map[string]bool{"iam": true, "route53": true, "cloudfront": true, "s3": true}

// outputName is an output name taken apart for the stub rules.
type outputName struct {
	full  string // as declared
	lower string // lower-cased, cdktf prefix removed
	short string // lower, with only [a-z0-9-], for readable fake names
	kind  string // resource type found in the name, or ""
}

var notShortChars = regexp.MustCompile(`[^a-z0-9-]+`)

func parseOutputName(name string) outputName {
	lower := strings.ToLower(strings.TrimPrefix(name, "cross-stack-output-"))
	short := strings.Trim(notShortChars.ReplaceAllString(lower, "-"), "-")
	if len(short) > 40 {
		short = strings.TrimRight(short[:40], "-")
	}
	return outputName{full: name, lower: lower, short: short, kind: kindOf(lower)}
}

// kindOf finds the resource type in a lower-cased output name: the longest
// type that prefixes it (cdktf names), else the longest type whose name
// without "aws_" appears in it (plain names such as private_subnet_ids).
func kindOf(lower string) string {
	prefixed, contained := "", ""
	for kind := range resourceKinds {
		if strings.HasPrefix(lower, kind) && len(kind) > len(prefixed) {
			prefixed = kind
		}
		if strings.Contains(lower, strings.TrimPrefix(kind, "aws_")) && len(kind) > len(contained) {
			contained = kind
		}
	}
	if prefixed != "" {
		return prefixed
	}
	return contained
}

// hash gives deterministic hex digits for the n-th value of this name.
func (o outputName) hash(n int, digits int) string {
	sum := sha256.Sum256([]byte(o.full + "#" + strconv.Itoa(n)))
	return hex.EncodeToString(sum[:])[:digits]
}

// id is a fake id in the shape the resource kind uses.
func (o outputName) id(n int) string {
	k := resourceKinds[o.kind]
	switch {
	case o.kind == "aws_kms_key":
		h := o.hash(n, 32)
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	case k.idPrefix == "Z" || k.idPrefix == "E":
		return k.idPrefix + strings.ToUpper(o.hash(n, 13))
	case k.idPrefix != "":
		return k.idPrefix + "-0" + o.hash(n, 16)
	case n > 0:
		return "stub-" + o.short + "-" + o.hash(n, 4)
	}
	return "stub-" + o.short
}

// arn is a fake ARN in the service the resource kind belongs to.
func (o outputName) arn(n int) string {
	service := resourceKinds[o.kind].service
	if service == "" {
		service = "stub"
		if rest, ok := strings.CutPrefix(o.kind, "aws_"); ok {
			service, _, _ = strings.Cut(rest, "_")
		}
	}
	resource := "stub/" + o.short
	if n > 0 {
		resource += "-" + o.hash(n, 4)
	}
	switch {
	case service == "s3":
		return "arn:aws:s3:::" + strings.ReplaceAll(resource, "/", "-")
	case globalServices[service]:
		return "arn:aws:" + service + "::123456789012:" + resource
	}
	return "arn:aws:" + service + ":us-east-1:123456789012:" + resource
}
