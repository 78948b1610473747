package config

import (
	"fmt"
	"testing"
)

// Bad container, registry and load balancer input, one problem each,
// naming file, field, value and what is allowed.
func TestContainerValidationErrors(t *testing.T) {
	const arnE = "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012"
	const arnW = "arn:aws:acm:us-west-2:111111111111:certificate/12345678-1234-1234-1234-123456789012"
	for _, tc := range []struct {
		name, file, body string
		want             []string
	}{
		{"cpu not fargate", "acme-dev.yaml", "service:\n  cpu: 300\n  memory: 1024\n", []string{"service.cpu", `"300"`, "256, 512, 1024"}},
		{"memory too small for cpu", "acme-dev.yaml", "service:\n  cpu: 1024\n  memory: 512\n", []string{"service.memory", `"512"`, "with cpu 1024: 2048, 3072", "8192 MiB"}},
		{"memory too large for cpu", "acme-dev.yaml", "service:\n  cpu: 256\n  memory: 4096\n", []string{"service.memory", "with cpu 256: 512, 1024, 2048 MiB"}},
		{"memory off the step", "acme-dev.yaml", "service:\n  cpu: 8192\n  memory: 20000\n", []string{"service.memory", "16384, 20480"}},
		{"desired above max", "acme-dev.yaml", "service:\n  desired_count: 5\n  max_count: 4\n", []string{"service.desired_count", `"5"`, "min_count (4) to max_count (4)"}},
		{"desired below min", "acme-dev.yaml", "service:\n  desired_count: 1\n  min_count: 2\n  max_count: 4\n", []string{"service.desired_count", `"1"`, "min_count (2)"}},
		{"max below min", "acme-dev.yaml", "service:\n  min_count: 3\n  desired_count: 3\n  max_count: 2\n", []string{"service.max_count", "from min_count (3)"}},
		{"health path without slash", "acme-dev.yaml", "service:\n  health_check_path: health\n", []string{"service.health_check_path", `"health"`, "starting with /"}},
		{"health path with space", "acme-dev.yaml", "service:\n  health_check_path: /he alth\n", []string{"service.health_check_path"}},
		{"alb name too long", "verylongcust-stagingx.yaml", "service:\n  name: frontend\n", []string{"service.name", "AWS allows 32", "load balancer name verylongcust-stagingx-use1-frontend is 35 characters", "target group name verylongcust-stagingx-usw2-frontend-8080 is 40"}},
		{"target group name too long", "customer-stagingx.yaml", "service:\n  name: frontend\n", []string{"service.name", "target group name customer-stagingx-use1-frontend-8080", "AWS allows 32"}},
		{"alb name starting internal-", "internal-dev.yaml", "", []string{"service.name", "not starting with internal-"}},
		{"service name", "acme-dev.yaml", "service:\n  name: My_App\n", []string{"service.name", `"My_App"`, "lower-case"}},
		{"spot share", "acme-dev.yaml", "service:\n  spot_percent: 120\n", []string{"service.spot_percent", "0 to 100"}},
		{"cpu target", "acme-dev.yaml", "service:\n  cpu_target_percent: 100\n", []string{"service.cpu_target_percent", "10 to 95"}},
		{"cooldown", "acme-dev.yaml", "service:\n  scale_in_cooldown_seconds: -1\n", []string{"service.scale_in_cooldown_seconds", "0 to 3600"}},
		{"root user", "acme-dev.yaml", "service:\n  user: \"0\"\n", []string{"service.user", "never run as root"}},
		{"log retention", "acme-dev.yaml", "service:\n  log_retention_days: 2\n", []string{"service.log_retention_days", "CloudWatch Logs retention"}},
		{"image tag", "acme-dev.yaml", "service:\n  image_tag: \"-bad\"\n", []string{"service.image_tag", "an image tag"}},
		{"deployed by", "acme-dev.yaml", "service:\n  deployed_by: humans\n", []string{"service.deployed_by", "terraform", "pipeline"}},
		{"environment name", "acme-dev.yaml", "service:\n  environment:\n    AWS_REGION: x\n", []string{"service.environment.AWS_REGION", "not starting with a digit, AWS_"}},
		{"repository name", "acme-dev.yaml", "registry:\n  repository_name: Acme/App\n", []string{"registry.repository_name", "Acme/App"}},
		{"keep tagged images", "acme-dev.yaml", "registry:\n  keep_tagged_images: -3\n", []string{"registry.keep_tagged_images"}},
		{"ssl policy", "acme-dev.yaml", "load_balancer:\n  ssl_policy: ELBSecurityPolicy-2016-08\n", []string{"load_balancer.ssl_policy", "TLS 1.2+"}},
		{"certificate arn of another region", "acme-dev.yaml", "load_balancer:\n  certificate_arns:\n    primary: " + arnE + "\n    secondary: " + arnE + "\n", []string{"load_balancer.certificate_arns.secondary", "a certificate in us-west-2"}},
		{"certificate arn for one region only", "acme-dev.yaml", "load_balancer:\n  certificate_arns:\n    primary: " + arnE + "\n", []string{"load_balancer.certificate_arns", "both primary and secondary"}},
		{"certificate arn unknown role", "acme-dev.yaml", "load_balancer:\n  certificate_arns:\n    primary: " + arnE + "\n    secondary: " + arnW + "\n    global: " + arnE + "\n", []string{"load_balancer.certificate_arns.global", "keys are primary and secondary"}},
		{"certificate arn malformed", "acme-dev.yaml", "load_balancer:\n  certificate_arns:\n    primary: cert-1\n    secondary: " + arnW + "\n", []string{"load_balancer.certificate_arns.primary", "an ACM certificate ARN"}},
		{"certificate both ways", "acme-dev.yaml", "load_balancer:\n  certificate_arns:\n    primary: " + arnE + "\n    secondary: " + arnW + "\n  certificate:\n    domain_name: origin.example.com\n    zone_id: Z123ABC\n", []string{"load_balancer.certificate", "not both"}},
		{"certificate zone id", "acme-dev.yaml", "load_balancer:\n  certificate:\n    domain_name: origin.example.com\n    zone_id: example.com\n", []string{"load_balancer.certificate.zone_id", "existing Route 53 hosted zone"}},
		{"certificate domain", "acme-dev.yaml", "load_balancer:\n  certificate:\n    domain_name: not_a_domain\n    zone_id: Z123ABC\n", []string{"load_balancer.certificate.domain_name", "a lower-case DNS name", "at most 64"}},
		{"cloudfront on 443 without certificate", "acme-dev.yaml", "network:\n  load_balancer_ingress: cloudfront\n  cloudfront_origin_port: 443\n", []string{"network.cloudfront_origin_port", `"443"`, "without one the load balancer listens on HTTP 80 only"}},
		{"cloudfront on 80 with certificate", "acme-dev.yaml", "network:\n  load_balancer_ingress: cloudfront\n  cloudfront_origin_port: 80\nload_balancer:\n  certificate:\n    domain_name: origin.example.com\n    zone_id: Z123ABC\n", []string{"network.cloudfront_origin_port", "redirects HTTP 80 to HTTPS"}},
		{"unknown load balancer key", "acme-dev.yaml", "load_balancer:\n  waf: true\n", []string{"waf", "allowed here: access_log_retention_days, certificate, certificate_arns"}},
	} {
		t.Run(tc.name, func(t *testing.T) { expectOneProblem(t, tc.file, minimal+tc.body, tc.want) })
	}
}

// Every Fargate CPU size accepts exactly its documented memory range.
func TestFargateSizes(t *testing.T) {
	for _, c := range []struct{ cpu, first, last, count int }{
		{256, 512, 2048, 3}, {512, 1024, 4096, 4}, {1024, 2048, 8192, 7}, {2048, 4096, 16384, 13},
		{4096, 8192, 30720, 23}, {8192, 16384, 61440, 12}, {16384, 32768, 122880, 12},
	} {
		t.Run(fmt.Sprint(c.cpu), func(t *testing.T) {
			m := fargateMemory(c.cpu)
			if len(m) != c.count || m[0] != c.first || m[len(m)-1] != c.last {
				t.Errorf("%v, want %d sizes %d..%d", m, c.count, c.first, c.last)
			}
		})
	}
	if fargateMemory(128) != nil {
		t.Error("cpu 128 is not a Fargate size")
	}
}

// Environments sharing an account and primary region share one ECR
// registry and so one replication configuration: the smallest id owns it
// and lists every replicating repository; the others own none.
func TestSharedRegistryReplication(t *testing.T) {
	byID := shipped(t)
	want := map[string]string{
		"acme-prod":    "[{us-west-2 [acme-prod/app acme-staging/app]}]", // both in 111111111111 us-east-1
		"acme-staging": "[]",
		"acme-dev":     "[{us-west-2 [acme-dev/app]}]",
		"acme-local":   "[{us-west-2 [acme-local/app]}]",
	}
	for id, w := range want {
		if got := fmt.Sprint(byID[id].RegistryReplication); got != w {
			t.Errorf("%s replication %s, want %s", id, got, w)
		}
	}
	// Replication off leaves an environment out of the rules.
	if one := mustParse(t, minimal+"registry:\n  replication: false\n"); one.RegistryReplication != nil {
		t.Errorf("replication off: %v, want none", one.RegistryReplication)
	}
}

// Outside production the registry's tags are immutable too, except for a
// service Terraform deploys with the moving tag "latest"; an explicit
// setting wins.
func TestImmutableTagsFollowTheImageTag(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       bool
	}{
		{"production", "tier: production\nservice:\n  image_tag: \"1.0.0\"\n", true},
		{"a release tag", "service:\n  image_tag: \"1.2.3\"\n", true},
		{"latest deployed by terraform", "service:\n  image_tag: latest\n", false},
		{"latest deployed by the pipeline", "service:\n  image_tag: latest\n  deployed_by: pipeline\n", true},
		{"explicit true", "service:\n  image_tag: latest\nregistry:\n  immutable_tags: true\n", true},
		{"explicit false", "service:\n  image_tag: \"1.2.3\"\nregistry:\n  immutable_tags: false\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := *mustParse(t, minimal+tc.body).Registry.ImmutableTags; got != tc.want {
				t.Errorf("immutable tags %v, want %v", got, tc.want)
			}
		})
	}
}
