package constructs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// platform is what a test changes in the container platform it builds.
type platform struct {
	certificateArn string
	certificate    *CertificateRequest
	secrets        map[string]*string
	keyArns        []*string
	pipeline       bool
	autoscaling    bool
	spot           int
}

// testPlatform builds a repository, cluster, load balancer and service in
// us-east-1 the way a regional stack does, with literal ids for the network.
func testPlatform(t *testing.T, p platform) tfJSON {
	return synthJSON(t, func(stack cdktf.TerraformStack) {
		key := NewKey(stack, "registry-key", &KeyProps{Alias: "acme-prod-use1-ecr", Account: "111111111111", Region: "us-east-1"})
		repo := NewRepository(stack, "repository", &RepositoryProps{
			Name: "acme-prod/app", Account: "111111111111", KmsKeyArn: key.Arn, ImmutableTags: true,
			KeepTaggedImages: 50, UntaggedExpiryDays: 7,
			PullerRoleArns: []string{"arn:aws:iam::111111111111:role/acme-prod-usw2-app-exec", "arn:aws:iam::111111111111:role/acme-prod-use1-app-exec"},
		})
		cluster := NewCluster(stack, "cluster", &ClusterProps{Name: "acme-prod-use1", SpotPercent: p.spot})
		alb := NewLoadBalancer(stack, "load-balancer", &LoadBalancerProps{
			Name: "acme-prod-use1-app", TargetGroupName: "acme-prod-use1-app-8080", Account: "111111111111", Region: "us-east-1",
			VpcID: str("vpc-1"), SubnetIDs: []*string{str("subnet-public-a"), str("subnet-public-b")}, SecurityGroupID: str("sg-alb"),
			TargetPort: 8080, HealthCheckPath: "/health", DeletionProtection: true, IdleTimeoutSeconds: 60, DeregistrationDelaySeconds: 30,
			AccessLogBucket: "acme-prod-use1-alb-logs-111111111111", AccessLogRetentionDays: 90,
			SSLPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", CertificateArn: p.certificateArn, Certificate: p.certificate,
		})
		NewService(stack, "service", &ServiceProps{
			Name: "app", Family: "acme-prod-use1-app", Account: "111111111111", Region: "us-east-1",
			ClusterName: cluster.Name, ClusterArn: cluster.Arn, RepositoryURL: repo.URL, RepositoryArn: repo.Arn, ImageTag: "1.0.0",
			ContainerPort: 8080, CPU: 512, Memory: 1024, ContainerHealthCheck: "curl -f http://127.0.0.1:8080/health || exit 1",
			ReadonlyRootFilesystem: true, User: "1000",
			Environment: map[string]*string{"LOG_LEVEL": str("info")}, Secrets: p.secrets, SecretKeyArns: p.keyArns,
			ExecutionRoleName: "acme-prod-use1-app-exec", TaskRoleName: "acme-prod-use1-app-task",
			LogRetentionDays: 365, LogsKeyArn: str("arn:aws:kms:us-east-1:111111111111:key/logs"),
			SubnetIDs: []*string{str("subnet-private-a"), str("subnet-private-b")}, SecurityGroupIDs: []*string{str("sg-app")},
			TargetGroupArn: alb.TargetGroupArn, Listener: alb.ForwardingListener,
			DesiredCount: 2, MinCount: 2, MaxCount: 10, SpotPercent: p.spot, HealthCheckGracePeriodSeconds: 60,
			PipelineDeploys: p.pipeline, Autoscaling: p.autoscaling,
			CPUTargetPercent: 70, MemoryTargetPercent: 75, RequestsPerTarget: 1000,
			RequestCountLabel:      str(*alb.ArnSuffix + "/" + *alb.TargetGroupArnSuffix),
			ScaleInCooldownSeconds: 300, ScaleOutCooldownSeconds: 60,
		})
	})
}

// Tasks run in the private subnets with the app group and no public IP.
func TestServiceIsPrivate(t *testing.T) {
	svc := testPlatform(t, platform{autoscaling: true}).only(t, "aws_ecs_service")
	net := svc["network_configuration"].(map[string]any)
	if net["assign_public_ip"] != false {
		t.Errorf("assign_public_ip = %v, want false", net["assign_public_ip"])
	}
	if got := fmt.Sprint(net["subnets"]); got != "[subnet-private-a subnet-private-b]" {
		t.Errorf("subnets %s, want the private ones", got)
	}
	if got := fmt.Sprint(net["security_groups"]); got != "[sg-app]" {
		t.Errorf("security groups %s, want the app tier's", got)
	}
}

// A deployment whose tasks never get healthy rolls back; new tasks start
// before old ones stop.
func TestServiceDeploymentSafety(t *testing.T) {
	svc := testPlatform(t, platform{autoscaling: true}).only(t, "aws_ecs_service")
	cb := svc["deployment_circuit_breaker"].(map[string]any)
	if cb["enable"] != true || cb["rollback"] != true {
		t.Errorf("circuit breaker %v, want enabled with rollback", cb)
	}
	if svc["deployment_maximum_percent"] != 200.0 || svc["deployment_minimum_healthy_percent"] != 100.0 {
		t.Errorf("deployment limits %v/%v, want 200/100", svc["deployment_maximum_percent"], svc["deployment_minimum_healthy_percent"])
	}
	if svc["health_check_grace_period_seconds"] != 60.0 {
		t.Errorf("grace period %v, want 60", svc["health_check_grace_period_seconds"])
	}
	// ECS wants the target group attached to the ALB before the service.
	if deps := fmt.Sprint(svc["depends_on"]); !strings.Contains(deps, "aws_lb_listener.") {
		t.Errorf("service depends on %s, want the forwarding listener", deps)
	}
}

// Auto scaling owns desired_count; the pipeline owns task_definition only
// when it deploys.
func TestServiceIgnoreChanges(t *testing.T) {
	for _, pipeline := range []bool{false, true} {
		svc := testPlatform(t, platform{pipeline: pipeline, autoscaling: true}).only(t, "aws_ecs_service")
		ignore := fmt.Sprint(svc["lifecycle"].(map[string]any)["ignore_changes"])
		want := map[bool]string{false: "[desired_count]", true: "[desired_count task_definition]"}[pipeline]
		if ignore != want {
			t.Errorf("pipeline=%v: ignore_changes %s, want %s", pipeline, ignore, want)
		}
	}
}

// Three target tracking policies on CPU, memory and requests per target,
// with the cooldowns, on a target bounded by min and max.
func TestServiceScaling(t *testing.T) {
	doc := testPlatform(t, platform{autoscaling: true})
	target := doc.only(t, "aws_appautoscaling_target")
	if target["min_capacity"] != 2.0 || target["max_capacity"] != 10.0 || target["scalable_dimension"] != "ecs:service:DesiredCount" {
		t.Errorf("scalable target %v, want 2..10 tasks", target)
	}
	metrics := map[string]any{}
	for _, p := range doc.resources("aws_appautoscaling_policy") {
		cfg := p["target_tracking_scaling_policy_configuration"].(map[string]any)
		spec := cfg["predefined_metric_specification"].(map[string]any)
		metrics[spec["predefined_metric_type"].(string)] = cfg["target_value"]
		if cfg["scale_in_cooldown"] != 300.0 || cfg["scale_out_cooldown"] != 60.0 {
			t.Errorf("%s cooldowns in/out %v/%v, want 300/60", spec["predefined_metric_type"], cfg["scale_in_cooldown"], cfg["scale_out_cooldown"])
		}
		if spec["predefined_metric_type"] == "ALBRequestCountPerTarget" {
			label, _ := spec["resource_label"].(string)
			if !strings.Contains(label, "aws_lb.load-balancer_alb") || !strings.Contains(label, "/${aws_lb_target_group.") {
				t.Errorf("request count label %q, want <alb arn_suffix>/<target group arn_suffix>", label)
			}
		}
	}
	want := map[string]any{"ECSServiceAverageCPUUtilization": 70.0, "ECSServiceAverageMemoryUtilization": 75.0, "ALBRequestCountPerTarget": 1000.0}
	if fmt.Sprint(metrics) != fmt.Sprint(want) {
		t.Errorf("scaling policies %v, want %v", metrics, want)
	}
	if off := testPlatform(t, platform{}); len(off.resources("aws_appautoscaling_policy"))+len(off.resources("aws_appautoscaling_target")) != 0 {
		t.Error("autoscaling off still creates scaling resources")
	}
}

// The container runs the tagged image of the given repository as a non-root
// user on a read-only root, logging to the encrypted group.
func TestTaskDefinition(t *testing.T) {
	doc := testPlatform(t, platform{autoscaling: true})
	td := doc.only(t, "aws_ecs_task_definition")
	if td["network_mode"] != "awsvpc" || fmt.Sprint(td["requires_compatibilities"]) != "[FARGATE]" || td["cpu"] != "512" || td["memory"] != "1024" {
		t.Errorf("task definition %v/%v cpu %v memory %v, want awsvpc Fargate 512/1024", td["network_mode"], td["requires_compatibilities"], td["cpu"], td["memory"])
	}
	if td["execution_role_arn"] == td["task_role_arn"] {
		t.Error("task and execution role are the same")
	}
	var defs []map[string]any
	if err := json.Unmarshal([]byte(td["container_definitions"].(string)), &defs); err != nil || len(defs) != 1 {
		t.Fatalf("container definitions do not parse as one container: %v", err)
	}
	c := defs[0]
	if img := c["image"].(string); img != ref("aws_ecr_repository", "repository_repository_FD8D2F59", "repository_url")+":1.0.0" && !strings.HasPrefix(img, "${aws_ecr_repository.repository") {
		t.Errorf("image %s, want the repository's URL with tag 1.0.0", img)
	}
	if c["readonlyRootFilesystem"] != true || c["user"] == "0" || c["user"] == "root" || c["user"] == nil {
		t.Errorf("container readonly=%v user=%v, want read-only and non-root", c["readonlyRootFilesystem"], c["user"])
	}
	logs := c["logConfiguration"].(map[string]any)
	if logs["logDriver"] != "awslogs" || logs["options"].(map[string]any)["awslogs-region"] != "us-east-1" {
		t.Errorf("log configuration %v, want awslogs in us-east-1", logs)
	}
	if c["healthCheck"] == nil {
		t.Error("no container health check")
	}
	for _, g := range doc.resources("aws_cloudwatch_log_group") {
		if g["kms_key_id"] == nil || g["retention_in_days"] != 365.0 {
			t.Errorf("log group %v: want a KMS key and 365 days", g["name"])
		}
	}
}

// The execution role may pull from this repository, write these logs and,
// only when given, read exactly the given secrets with exactly the given
// keys. No statement allows everything.
func TestExecutionRole(t *testing.T) {
	policy := func(p platform) string {
		doc := testPlatform(t, p)
		for name, r := range doc.resources("aws_iam_role_policy") {
			if strings.Contains(name, "execution") {
				return r["policy"].(string)
			}
		}
		t.Fatal("no execution role policy")
		return ""
	}
	plain := policy(platform{})
	for _, unwanted := range []string{"secretsmanager", "kms:"} {
		if strings.Contains(plain, unwanted) {
			t.Errorf("without secrets the execution policy mentions %s: %s", unwanted, plain)
		}
	}
	secret := "arn:aws:secretsmanager:us-east-1:111111111111:secret:acme-db-AbCdEf"
	withSecrets := policy(platform{
		secrets: map[string]*string{"DB_PASSWORD": str(secret + ":password::"), "DB_USER": str(secret + ":username::"), "API_KEY": str("arn:aws:secretsmanager:us-east-1:111111111111:secret:api-XyZ123")},
		keyArns: []*string{str("arn:aws:kms:us-east-1:111111111111:key/db")},
	})
	var doc PolicyDocument
	if err := json.Unmarshal([]byte(withSecrets), &doc); err != nil {
		t.Fatal(err)
	}
	bySid := map[string]Statement{}
	for _, s := range doc.Statement {
		bySid[s.Sid] = s
		if slices.Contains(s.Action, "*") || (slices.Contains(s.Resource, "*") && !slices.Equal(s.Action, []string{"ecr:GetAuthorizationToken"})) {
			t.Errorf("statement %s allows too much: %v on %v", s.Sid, s.Action, s.Resource)
		}
	}
	if got := bySid["ReadSecrets"].Resource; !slices.Equal(got, []string{"arn:aws:secretsmanager:us-east-1:111111111111:secret:acme-db-AbCdEf", "arn:aws:secretsmanager:us-east-1:111111111111:secret:api-XyZ123"}) {
		t.Errorf("secrets readable %v, want exactly the two secrets (json keys cut off)", got)
	}
	if got := bySid["DecryptSecrets"].Resource; !slices.Equal(got, []string{"arn:aws:kms:us-east-1:111111111111:key/db"}) || !slices.Equal(bySid["DecryptSecrets"].Action, []string{"kms:Decrypt"}) {
		t.Errorf("decrypt statement %v, want kms:Decrypt on the db key only", bySid["DecryptSecrets"])
	}
	if got := bySid["PullImage"].Resource; len(got) != 1 || !strings.Contains(got[0], "aws_ecr_repository.") {
		t.Errorf("pull allowed on %v, want the repository only", got)
	}
}

// A secret reference to another resource's ARN plus a JSON key is cut to
// that ARN (its value is unknown in Go).
func TestSecretArnsOfTokens(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		key := NewKey(stack, "k", &KeyProps{Alias: "a", Account: "111111111111", Region: "us-east-1"})
		policy := ExecutionPolicy(str("repo"), str("logs"), map[string]*string{"DB": str(*key.Arn + ":password::")}, nil)
		cdktf.NewTerraformOutput(stack, str("policy"), &cdktf.TerraformOutputConfig{Value: policy.JSON()})
	})
	out := doc["output"].(map[string]any)["policy"].(map[string]any)["value"].(string)
	if !strings.Contains(out, `"Resource":["${aws_kms_key.k_key_A2015C13.arn}"]`) {
		t.Errorf("token secret reference not cut to the ARN: %s", out)
	}
}

// With a certificate, HTTP redirects to HTTPS and HTTPS forwards with a TLS
// 1.2+ policy; without one, HTTP forwards and there is no HTTPS listener.
func TestListeners(t *testing.T) {
	listeners := func(p platform) map[float64]map[string]any {
		out := map[float64]map[string]any{}
		for _, l := range testPlatform(t, p).resources("aws_lb_listener") {
			out[l["port"].(float64)] = l
		}
		return out
	}
	action := func(l map[string]any) map[string]any { return l["default_action"].([]any)[0].(map[string]any) }

	plain := listeners(platform{})
	if len(plain) != 1 || action(plain[80])["type"] != "forward" {
		t.Errorf("without a certificate: listeners %v, want HTTP 80 forwarding only", plain)
	}
	for _, p := range []platform{
		{certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012"},
		{certificate: &CertificateRequest{DomainName: "origin.acme.example.com", AlternativeNames: []string{"acme.example.com"}, ZoneID: "Z0ACME"}},
	} {
		ls := listeners(p)
		redirect, _ := action(ls[80])["redirect"].(map[string]any)
		if action(ls[80])["type"] != "redirect" || redirect["protocol"] != "HTTPS" || redirect["port"] != "443" || redirect["status_code"] != "HTTP_301" {
			t.Errorf("HTTP listener %v, want a permanent redirect to HTTPS 443", action(ls[80]))
		}
		https := ls[443]
		if https == nil || https["protocol"] != "HTTPS" || !strings.HasPrefix(https["ssl_policy"].(string), "ELBSecurityPolicy-TLS13") || action(https)["type"] != "forward" {
			t.Errorf("HTTPS listener %v, want TLS 1.3 policy forwarding to the service", https)
		}
		if https["certificate_arn"] == nil {
			t.Error("HTTPS listener without certificate")
		}
	}
}

// A requested certificate is DNS-validated in the configured zone with one
// record per name, and the listener waits for validation.
func TestCertificateValidation(t *testing.T) {
	doc := testPlatform(t, platform{certificate: &CertificateRequest{
		DomainName: "origin.acme.example.com", AlternativeNames: []string{"acme.example.com", "*.acme.example.com"}, ZoneID: "Z0ACME"}})
	cert := doc.only(t, "aws_acm_certificate")
	if cert["validation_method"] != "DNS" || cert["domain_name"] != "origin.acme.example.com" {
		t.Errorf("certificate %v, want DNS validation of origin.acme.example.com", cert)
	}
	records := doc.resources("aws_route53_record")
	if len(records) != 3 {
		t.Errorf("%d validation records, want one per name (3)", len(records))
	}
	for name, r := range records {
		if r["zone_id"] != "Z0ACME" || r["allow_overwrite"] != true {
			t.Errorf("%s: zone %v overwrite %v, want Z0ACME and allow_overwrite", name, r["zone_id"], r["allow_overwrite"])
		}
	}
	v := doc.only(t, "aws_acm_certificate_validation")
	if n := len(v["validation_record_fqdns"].([]any)); n != 3 {
		t.Errorf("validation waits for %d records, want 3", n)
	}
	for _, l := range doc.resources("aws_lb_listener") {
		if l["port"] == 443.0 && !strings.Contains(l["certificate_arn"].(string), "aws_acm_certificate_validation.") {
			t.Errorf("HTTPS listener uses %v before validation", l["certificate_arn"])
		}
	}
}

// The ALB drops invalid headers and logs to a private, encrypted, TLS-only
// bucket that ELB of the region may write to.
func TestLoadBalancerHardening(t *testing.T) {
	doc := testPlatform(t, platform{})
	alb := doc.only(t, "aws_lb")
	if alb["drop_invalid_header_fields"] != true || alb["internal"] != false || alb["enable_deletion_protection"] != true {
		t.Errorf("alb drop_invalid_header_fields=%v internal=%v deletion_protection=%v", alb["drop_invalid_header_fields"], alb["internal"], alb["enable_deletion_protection"])
	}
	logs := alb["access_logs"].(map[string]any)
	if logs["enabled"] != true || logs["bucket"] != "acme-prod-use1-alb-logs-111111111111" {
		t.Errorf("access logs %v, want enabled to the log bucket", logs)
	}
	if fmt.Sprint(alb["subnets"]) != "[subnet-public-a subnet-public-b]" {
		t.Errorf("alb subnets %v, want the public ones", alb["subnets"])
	}
	pab := doc.only(t, "aws_s3_bucket_public_access_block")
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if pab[k] != true {
			t.Errorf("public access block %s = %v", k, pab[k])
		}
	}
	if sse := fmt.Sprint(doc.only(t, "aws_s3_bucket_server_side_encryption_configuration")["rule"]); !strings.Contains(sse, "AES256") {
		t.Errorf("access log bucket encryption %s, want SSE-S3 (the only one ALB log delivery supports)", sse)
	}
	if exp := fmt.Sprint(doc.only(t, "aws_s3_bucket_lifecycle_configuration")["rule"]); !strings.Contains(exp, "days:90") {
		t.Errorf("access log lifecycle %s, want expiry after 90 days", exp)
	}
	policy := doc.only(t, "aws_s3_bucket_policy")["policy"].(string)
	for _, want := range []string{`"aws:SecureTransport":"false"`, "arn:aws:iam::127311923021:root", "/alb/AWSLogs/111111111111/*"} {
		if !strings.Contains(policy, want) {
			t.Errorf("bucket policy lacks %s: %s", want, policy)
		}
	}
	tg := doc.only(t, "aws_lb_target_group")
	if tg["target_type"] != "ip" || tg["health_check"].(map[string]any)["path"] != "/health" {
		t.Errorf("target group %v, want ip targets checked on /health", tg)
	}
}

// Regions opened after August 2022 deliver logs from a service principal.
func TestAccessLogPrincipal(t *testing.T) {
	if p := AccessLogBucketPolicy("b", "alb", "111111111111", "eu-central-2").JSON(); !strings.Contains(*p, "logdelivery.elasticloadbalancing.amazonaws.com") {
		t.Errorf("eu-central-2 policy %s, want the log delivery service principal", *p)
	}
}

// The repository scans on push, encrypts with the given key, keeps tags
// immutable and expires images by the lifecycle rules; only the named
// execution roles are admitted by the repository policy.
func TestRepository(t *testing.T) {
	doc := testPlatform(t, platform{})
	repo := doc.only(t, "aws_ecr_repository")
	if repo["image_tag_mutability"] != "IMMUTABLE" || repo["image_scanning_configuration"].(map[string]any)["scan_on_push"] != true {
		t.Errorf("repository %v, want immutable tags and scan on push", repo)
	}
	enc := repo["encryption_configuration"].([]any)[0].(map[string]any)
	if enc["encryption_type"] != "KMS" || !strings.Contains(fmt.Sprint(enc["kms_key"]), "aws_kms_key.") {
		t.Errorf("repository encryption %v, want the CMK", enc)
	}
	var lifecycle struct {
		Rules []struct {
			Selection map[string]any `json:"selection"`
		} `json:"rules"`
	}
	json.Unmarshal([]byte(doc.only(t, "aws_ecr_lifecycle_policy")["policy"].(string)), &lifecycle)
	if len(lifecycle.Rules) != 2 || lifecycle.Rules[0].Selection["countNumber"] != 7.0 || lifecycle.Rules[1].Selection["countNumber"] != 50.0 {
		t.Errorf("lifecycle rules %v, want untagged after 7 days and the newest 50 tagged", lifecycle.Rules)
	}
	policy := doc.only(t, "aws_ecr_repository_policy")["policy"].(string)
	if !strings.Contains(policy, "acme-prod-usw2-app-exec") || !strings.Contains(policy, "acme-prod-use1-app-exec") || strings.Contains(policy, "ecr:*") || strings.Contains(policy, "PutImage") {
		t.Errorf("repository policy %s, want pull only, for both execution roles", policy)
	}
}

// The replication rule sends the named repositories to the destination
// region of the same account.
func TestRegistryReplication(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewRegistryReplication(stack, "replication", &RegistryReplicationProps{Account: "111111111111",
			Rules: []ReplicationRule{{Region: "us-west-2", Prefixes: []string{"acme-prod/app", "acme-staging/app"}}}})
	})
	rule := doc.only(t, "aws_ecr_replication_configuration")["replication_configuration"].(map[string]any)["rule"].([]any)[0].(map[string]any)
	dest := rule["destination"].([]any)[0].(map[string]any)
	if dest["region"] != "us-west-2" || dest["registry_id"] != "111111111111" {
		t.Errorf("destination %v, want us-west-2 of the same account", dest)
	}
	if n := len(rule["repository_filter"].([]any)); n != 2 {
		t.Errorf("%d filters, want 2", n)
	}
}

// Spot shares become capacity provider weights; the first task stays on
// regular Fargate unless everything is spot.
func TestCapacityStrategy(t *testing.T) {
	for spot, want := range map[int]string{
		0:   "[{FARGATE 1 1}]",
		70:  "[{FARGATE 3 1} {FARGATE_SPOT 7 0}]",
		50:  "[{FARGATE 1 1} {FARGATE_SPOT 1 0}]",
		100: "[{FARGATE_SPOT 1 0}]",
	} {
		if got := fmt.Sprint(CapacityStrategy(spot)); got != want {
			t.Errorf("spot %d%%: %s, want %s", spot, got, want)
		}
	}
	doc := testPlatform(t, platform{spot: 70})
	cluster := doc.only(t, "aws_ecs_cluster")
	if fmt.Sprint(cluster["setting"]) != "[map[name:containerInsights value:enabled]]" {
		t.Errorf("cluster settings %v, want Container Insights", cluster["setting"])
	}
	cps := doc.only(t, "aws_ecs_cluster_capacity_providers")
	if fmt.Sprint(cps["capacity_providers"]) != "[FARGATE FARGATE_SPOT]" {
		t.Errorf("capacity providers %v", cps["capacity_providers"])
	}
}
