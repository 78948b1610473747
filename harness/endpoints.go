package harness

import (
	"maps"
	"path/filepath"
	"slices"
)

// An endpoints block in an AWS provider configuration costs about 5 CPU-s
// each time Terraform configures that provider, whatever it lists (measured
// with provider 5.100.0: a -refresh=false plan of a two-provider stack, 9.9
// CPU-s without, 21.5 with one single-service block each). Offline nothing
// is called, so the copies lose the blocks. On the emulator the blocks
// become the SDK's service-specific variables (endpointEnv), which cost
// nothing measurable and reach exactly the same services.

// dropEndpoints rewrites the stack copy in dir (never a synthesized original)
// without the endpoints blocks of its AWS providers. It reports whether there
// were any. The rest of the file is kept as is (numbers included).
func dropEndpoints(dir string) (bool, error) {
	path := filepath.Join(dir, stackFile)
	doc, err := readJSONNumbers(path)
	if err != nil {
		return false, err
	}
	blocks, _ := awsBlocks(doc) // the blocks of doc itself, whether a list or one object
	dropped := false
	for _, p := range blocks {
		if _, ok := p["endpoints"]; ok {
			delete(p, "endpoints")
			dropped = true
		}
	}
	if !dropped {
		return false, nil
	}
	return true, writeJSON(path, doc)
}

// sdkEndpointEnv names, for a provider endpoints key, the AWS SDK's
// service-specific variable (AWS_ENDPOINT_URL_<service id>) the provider
// reads for the same service. Only keys listed here are converted.
var sdkEndpointEnv = map[string]string{
	"acm": "ACM", "appautoscaling": "APPLICATION_AUTO_SCALING", "applicationautoscaling": "APPLICATION_AUTO_SCALING",
	"budgets": "BUDGETS", "cloudfront": "CLOUDFRONT", "cloudtrail": "CLOUDTRAIL", "cloudwatch": "CLOUDWATCH",
	"codebuild": "CODEBUILD", "codecommit": "CODECOMMIT", "codepipeline": "CODEPIPELINE", "dynamodb": "DYNAMODB",
	"ec2": "EC2", "ecr": "ECR", "ecs": "ECS", "elbv2": "ELASTIC_LOAD_BALANCING_V2",
	"elasticloadbalancingv2": "ELASTIC_LOAD_BALANCING_V2", "events": "EVENTBRIDGE", "eventbridge": "EVENTBRIDGE",
	"cloudwatchevents": "EVENTBRIDGE", "iam": "IAM", "kms": "KMS", "logs": "CLOUDWATCH_LOGS",
	"cloudwatchlogs": "CLOUDWATCH_LOGS", "rds": "RDS", "route53": "ROUTE_53", "s3": "S3", "s3api": "S3",
	"secretsmanager": "SECRETS_MANAGER", "servicediscovery": "SERVICEDISCOVERY", "sns": "SNS", "sqs": "SQS",
	"ssm": "SSM", "sts": "STS", "wafv2": "WAFV2",
}

// endpointEnv turns the endpoints blocks of every AWS provider of cfgs into
// AWS_ENDPOINT_URL_<service> variables, so the emulator's stack copies can
// drop the blocks (5 CPU-s per provider per Terraform walk) and still send
// exactly the listed services to the emulator: a service missing from the
// blocks still goes to AWS, which fails in the private network namespace.
// It reports false (keep the blocks) unless every provider lists the same
// services, each with the same URL, all of them known to sdkEndpointEnv.
func endpointEnv(cfgs []*stackConfig) ([]string, bool) {
	var want map[string]string
	for _, cfg := range cfgs {
		providers, err := cfg.providers("aws")
		if err != nil || len(providers) == 0 {
			return nil, false
		}
		for _, p := range providers {
			eps := p.endpoints()
			if want == nil {
				want = eps
			} else if !maps.Equal(want, eps) {
				return nil, false
			}
		}
	}
	if len(want) == 0 {
		return nil, false
	}
	vars := map[string]string{}
	for key, url := range want {
		id, ok := sdkEndpointEnv[key]
		if !ok {
			return nil, false
		}
		if prev, dup := vars[id]; dup && prev != url {
			return nil, false
		}
		vars[id] = url
	}
	var env []string
	for _, id := range slices.Sorted(maps.Keys(vars)) {
		env = append(env, "AWS_ENDPOINT_URL_"+id+"="+vars[id])
	}
	return env, true
}
