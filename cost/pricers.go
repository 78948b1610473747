package cost

import (
	"fmt"
	"strings"
)

// pricers price each resource type that costs money. Usage figures that are
// per region are split evenly over the resources of that kind in the region.
var pricers = map[string]func(*bill, *resource) error{
	"aws_ecs_service":                         priceService,
	"aws_ecs_cluster":                         priceCluster,
	"aws_lb":                                  priceLoadBalancer,
	"aws_nat_gateway":                         priceNAT,
	"aws_eip":                                 priceEIP,
	"aws_vpc_endpoint":                        priceEndpoint,
	"aws_db_instance":                         priceDatabase,
	"aws_kms_key":                             priceKMS,
	"aws_secretsmanager_secret":               priceSecret,
	"aws_cloudwatch_log_group":                priceLogGroup,
	"aws_cloudwatch_metric_alarm":             priceAlarm,
	"aws_cloudwatch_composite_alarm":          priceCompositeAlarm,
	"aws_cloudwatch_dashboard":                priceDashboard,
	"aws_codebuild_project":                   priceBuild,
	"aws_codepipeline":                        pricePipeline,
	"aws_s3_bucket":                           priceBucket,
	"aws_ecr_repository":                      priceRegistry,
	"aws_cloudfront_distribution":             priceCDN,
	"aws_wafv2_web_acl":                       priceWAF,
	"aws_route53_zone":                        priceZone,
	"aws_route53_health_check":                priceHealthCheck,
	"aws_cloudtrail":                          priceTrail,
	"aws_s3_bucket_replication_configuration": priceCrossRegion,
	"aws_ecr_replication_configuration":       priceCrossRegion,
	"aws_vpc_peering_connection":              priceCrossRegion,
}

// freeTypes cost nothing by themselves: configuration, attachments and
// resources whose cost is priced on another resource (noted).
var freeTypes = map[string]bool{
	"aws_acm_certificate":                                true, // public certificates are free
	"aws_acm_certificate_validation":                     true,
	"aws_appautoscaling_policy":                          true,
	"aws_appautoscaling_target":                          true,
	"aws_budgets_budget":                                 true, // budgets without actions are free
	"aws_cloudwatch_event_rule":                          true, // AWS service events on the default bus are free
	"aws_cloudwatch_event_target":                        true,
	"aws_codecommit_repository":                          true, // the first five active users of an account are free
	"aws_db_parameter_group":                             true,
	"aws_db_subnet_group":                                true,
	"aws_default_security_group":                         true,
	"aws_ecr_lifecycle_policy":                           true,
	"aws_ecr_repository_policy":                          true,
	"aws_ecs_cluster_capacity_providers":                 true,
	"aws_ecs_task_definition":                            true, // priced through its service's tasks
	"aws_flow_log":                                       true, // priced as log ingestion of its log group
	"aws_iam_openid_connect_provider":                    true,
	"aws_iam_role":                                       true,
	"aws_iam_role_policy":                                true,
	"aws_iam_role_policy_attachment":                     true,
	"aws_internet_gateway":                               true,
	"aws_kms_alias":                                      true,
	"aws_lb_listener":                                    true, // priced with the load balancer
	"aws_lb_listener_rule":                               true,
	"aws_lb_target_group":                                true,
	"aws_network_acl":                                    true,
	"aws_network_acl_rule":                               true,
	"aws_route":                                          true,
	"aws_route53_record":                                 true, // alias queries to AWS resources are free
	"aws_route_table":                                    true,
	"aws_route_table_association":                        true,
	"aws_s3_bucket_lifecycle_configuration":              true,
	"aws_s3_bucket_logging":                              true,
	"aws_s3_bucket_ownership_controls":                   true,
	"aws_s3_bucket_policy":                               true,
	"aws_s3_bucket_public_access_block":                  true,
	"aws_s3_bucket_server_side_encryption_configuration": true,
	"aws_s3_bucket_versioning":                           true,
	"aws_secretsmanager_secret_version":                  true, // priced with the secret
	"aws_security_group":                                 true,
	"aws_sns_topic":                                      true, // alerts stay within the free publishes and e-mails
	"aws_sns_topic_subscription":                         true,
	"aws_subnet":                                         true,
	"aws_vpc":                                            true,
	"aws_vpc_peering_connection_accepter":                true, // priced on the peering connection
	"aws_vpc_peering_connection_options":                 true,
	"aws_vpc_security_group_egress_rule":                 true,
	"aws_vpc_security_group_ingress_rule":                true,
	"terraform_data":                                     true, // not an AWS resource
}

// Services: the names lines are grouped by (the cost drivers).
const (
	svcFargate    = "ECS Fargate"
	svcInsights   = "CloudWatch Container Insights"
	svcALB        = "Application Load Balancer"
	svcIPv4       = "Public IPv4 addresses"
	svcNAT        = "NAT gateways"
	svcEndpoints  = "Interface endpoints"
	svcRDS        = "RDS PostgreSQL"
	svcKMS        = "KMS keys"
	svcSecrets    = "Secrets Manager"
	svcLogs       = "CloudWatch Logs"
	svcAlarms     = "CloudWatch alarms"
	svcDashboards = "CloudWatch dashboards"
	svcBuild      = "CodeBuild"
	svcPipeline   = "CodePipeline"
	svcS3         = "S3 storage"
	svcECR        = "ECR storage"
	svcCDN        = "CloudFront"
	svcWAF        = "WAF"
	svcRoute53    = "Route 53"
	svcTrail      = "CloudTrail"
	svcTransfer   = "Inter-region data transfer"
)

func (b *bill) region(r *resource) (*RegionPrices, error) { return b.prices.region(r.region) }

// priceService prices a service's tasks from its desired count, its task
// definition's size and its capacity provider strategy (on-demand and Spot).
func priceService(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	td := b.taskDefinition(r)
	if td == nil {
		return fmt.Errorf("no task definition found for the service (want a reference to an aws_ecs_task_definition)")
	}
	vcpu, gb := td.num("cpu")/1024, td.num("memory")/1024
	onDemand, spot := taskSplit(r.num("desired_count"), b.strategy(r))
	if onDemand > 0 {
		b.add(r, svcFargate, fmt.Sprintf("vCPU hours, %g on-demand task(s) x %g vCPU", onDemand, vcpu), onDemand*vcpu*HoursPerMonth, "vCPU-hour", p.FargateVCPUHour, false)
		b.add(r, svcFargate, fmt.Sprintf("GB hours, %g on-demand task(s) x %g GB", onDemand, gb), onDemand*gb*HoursPerMonth, "GB-hour", p.FargateGBHour, false)
	}
	if spot > 0 {
		b.add(r, svcFargate, fmt.Sprintf("vCPU hours, %g Spot task(s) x %g vCPU", spot, vcpu), spot*vcpu*HoursPerMonth, "vCPU-hour", p.FargateSpotVCPUHour, false)
		b.add(r, svcFargate, fmt.Sprintf("GB hours, %g Spot task(s) x %g GB", spot, gb), spot*gb*HoursPerMonth, "GB-hour", p.FargateSpotGBHour, false)
	}
	return nil
}

// taskDefinition is the task definition a service refers to (in its stack).
func (b *bill) taskDefinition(svc *resource) *resource {
	for _, a := range svc.refs["task_definition"] {
		for _, r := range b.all {
			if r.stack == svc.stack && r.typ == "aws_ecs_task_definition" && (a == r.addr || strings.HasPrefix(a, r.addr+".")) {
				return r
			}
		}
	}
	return nil
}

// strategy is the service's capacity provider strategy, else its cluster's
// default, else all on FARGATE.
func (b *bill) strategy(svc *resource) []map[string]any {
	if s := svc.blocks("capacity_provider_strategy"); len(s) > 0 {
		return s
	}
	for _, r := range b.all {
		if r.stack == svc.stack && r.typ == "aws_ecs_cluster_capacity_providers" {
			if s := r.blocks("default_capacity_provider_strategy"); len(s) > 0 {
				return s
			}
		}
	}
	return []map[string]any{{"capacity_provider": "FARGATE", "weight": 1.0, "base": 0.0}}
}

// taskSplit divides desired tasks between FARGATE and FARGATE_SPOT as ECS
// does: each provider's base first, the rest by weight (as an average).
func taskSplit(desired float64, strategy []map[string]any) (onDemand, spot float64) {
	num := func(v any) float64 { f, _ := v.(float64); return f }
	var weights, bases float64
	for _, s := range strategy {
		weights += num(s["weight"])
		bases += num(s["base"])
	}
	rest := max(0, desired-bases)
	for _, s := range strategy {
		n := min(num(s["base"]), desired)
		if weights > 0 {
			n += rest * num(s["weight"]) / weights
		}
		if s["capacity_provider"] == "FARGATE_SPOT" {
			spot += n
		} else {
			onDemand += n
		}
	}
	return round(onDemand, 4), round(spot, 4)
}

// priceCluster prices Container Insights' metrics where it is enabled.
func priceCluster(b *bill, r *resource) error {
	for _, s := range r.blocks("setting") {
		if s["name"] == "containerInsights" && (s["value"] == "enabled" || s["value"] == "enhanced") {
			p, err := b.region(r)
			if err != nil {
				return err
			}
			b.add(r, svcInsights, "custom metrics", b.usage.ContainerInsightsMetrics, "metric-month", p.CustomMetricMonth, true)
		}
	}
	return nil
}

func priceLoadBalancer(b *bill, r *resource) error {
	if t := r.str("load_balancer_type"); t != "" && t != "application" {
		return fmt.Errorf("load balancer type %q has no price here (only application)", t)
	}
	p, err := b.region(r)
	if err != nil {
		return err
	}
	b.add(r, svcALB, "hours", HoursPerMonth, "hour", p.ALBHour, false)
	b.add(r, svcALB, fmt.Sprintf("LCU hours (%g LCU on average)", b.usage.LoadBalancerLCUs), b.usage.LoadBalancerLCUs*HoursPerMonth, "LCU-hour", p.ALBLCUHour, true)
	if r.values["internal"] != true {
		azs := float64(max(r.refCount("subnets", "aws_subnet"), len(r.blocks("subnet_mapping"))))
		b.add(r, svcIPv4, fmt.Sprintf("load balancer addresses (one per AZ, %g)", azs), azs*HoursPerMonth, "IP-hour", p.PublicIPv4Hour, false)
	}
	return nil
}

func priceNAT(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	n := float64(b.count("aws_nat_gateway", r.region, nil))
	b.add(r, svcNAT, "hours", HoursPerMonth, "hour", p.NATGatewayHour, false)
	b.add(r, svcNAT, fmt.Sprintf("data processed (%g GB in the region / %g gateways)", b.usage.NATProcessedGB, n), b.usage.NATProcessedGB/n, "GB", p.NATGatewayGB, true)
	return nil
}

func priceEIP(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	b.add(r, svcIPv4, "Elastic IP address", HoursPerMonth, "IP-hour", p.PublicIPv4Hour, false)
	return nil
}

func isInterface(r *resource) bool { return r.str("vpc_endpoint_type") == "Interface" }

func priceEndpoint(b *bill, r *resource) error {
	if !isInterface(r) {
		return nil // gateway endpoints (S3, DynamoDB) are free
	}
	p, err := b.region(r)
	if err != nil {
		return err
	}
	azs := float64(max(1, r.refCount("subnet_ids", "aws_subnet")))
	n := float64(b.count("aws_vpc_endpoint", r.region, isInterface))
	svc := strings.TrimPrefix(r.str("service_name"), "com.amazonaws."+r.region+".")
	b.add(r, svcEndpoints, fmt.Sprintf("%s hours in %g AZs", svc, azs), azs*HoursPerMonth, "endpoint-AZ-hour", p.InterfaceEndpointHour, false)
	b.add(r, svcEndpoints, fmt.Sprintf("data processed (%g GB in the region / %g endpoints)", b.usage.EndpointProcessedGB, n), b.usage.EndpointProcessedGB/n, "GB", p.InterfaceEndpointGB, true)
	return nil
}

// priceDatabase prices instance hours and storage (twice with Multi-AZ: the
// standby), and backup storage beyond the free allowance. A replica's
// storage is its source's (the plan does not know it): the largest
// allocated storage of the environment's databases.
func priceDatabase(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	class := r.str("instance_class")
	hour, ok := p.RDSInstanceHour[class]
	if !ok {
		return fmt.Errorf("%s has no price for instance class %q in %s: add it under rds_instance_hour", PricesFile, class, r.region)
	}
	copies, kind := 1.0, "single-AZ"
	if r.values["multi_az"] == true {
		copies, kind = 2, "Multi-AZ (primary and standby)"
	}
	if isReplica(r) {
		kind = "read replica, " + kind
		if err := priceCrossRegion(b, r); err != nil {
			return err
		}
	}
	b.add(r, svcRDS, fmt.Sprintf("%s hours, %s", class, kind), copies*HoursPerMonth, "instance-hour", hour, false)
	storage := r.num("allocated_storage")
	if storage == 0 {
		for _, o := range b.all {
			if o.typ == "aws_db_instance" {
				storage = max(storage, o.num("allocated_storage"))
			}
		}
	}
	st := r.str("storage_type")
	if st == "" {
		st = "gp2"
	}
	gbPrice, ok := p.RDSStorageGBMonth[st]
	if !ok {
		return fmt.Errorf("%s has no price for storage type %q in %s: add it under rds_storage_gb_month", PricesFile, st, r.region)
	}
	b.add(r, svcRDS, fmt.Sprintf("%g GB %s storage x %g", storage, st, copies), storage*copies, "GB-month", gbPrice, false)
	if r.num("backup_retention_period") > 0 {
		b.add(r, svcRDS, "backup storage beyond the free allowance (as much as the provisioned storage)", b.usage.ExtraBackupGB, "GB-month", p.RDSBackupGBMonth, true)
	}
	return nil
}

func priceKMS(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	b.add(r, svcKMS, "customer managed key", 1, "key-month", p.KMSKeyMonth, false)
	return nil
}

func priceSecret(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	b.add(r, svcSecrets, "secret", 1, "secret-month", p.SecretMonth, false)
	return nil
}

// priceLogGroup prices the group's share of the region's log ingestion and
// what its retention keeps stored (never-expiring groups: a year's worth).
func priceLogGroup(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	n := float64(b.count("aws_cloudwatch_log_group", r.region, nil))
	share := b.usage.LogIngestionGB / n
	days := r.num("retention_in_days")
	if days == 0 {
		days = 365
	}
	b.add(r, svcLogs, fmt.Sprintf("ingestion (%g GB in the region / %g log groups)", b.usage.LogIngestionGB, n), share, "GB", p.LogIngestionGB, true)
	b.add(r, svcLogs, fmt.Sprintf("storage (%g days kept)", days), share*min(days, 3653)*12/365, "GB-month", p.LogStorageGBMonth, true)
	return nil
}

// priceAlarm prices an alarm by its metrics (a metric-math alarm by each
// metric it reads); periods under a minute are high resolution.
func priceAlarm(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	metrics := 0
	for _, q := range r.blocks("metric_query") {
		if m, ok := q["metric"].([]any); ok && len(m) > 0 {
			metrics++
		}
	}
	metrics = max(metrics, 1)
	price, kind := p.AlarmMetricMonth, "standard"
	if period := r.num("period"); period > 0 && period < 60 {
		price, kind = p.AlarmHighResMetricMonth, "high resolution"
	}
	b.add(r, svcAlarms, fmt.Sprintf("%s alarm, %d metric(s)", kind, metrics), float64(metrics), "alarm-metric-month", price, false)
	return nil
}

func priceCompositeAlarm(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	b.add(r, svcAlarms, "composite alarm", 1, "alarm-month", p.CompositeAlarmMonth, false)
	return nil
}

func priceDashboard(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	b.add(r, svcDashboards, "dashboard", 1, "dashboard-month", p.DashboardMonth, false)
	return nil
}

// priceBuild prices builds_per_month builds of build_minutes each (at most
// the project's timeout).
func priceBuild(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	env := r.blocks("environment")
	if len(env) == 0 {
		return fmt.Errorf("no environment block")
	}
	compute, _ := env[0]["compute_type"].(string)
	price, ok := p.CodeBuildMinute[compute]
	if !ok {
		return fmt.Errorf("%s has no price for compute type %q in %s: add it under codebuild_minute", PricesFile, compute, r.region)
	}
	minutes := b.usage.BuildMinutes
	if t := r.num("build_timeout"); t > 0 {
		minutes = min(minutes, t)
	}
	b.add(r, svcBuild, fmt.Sprintf("%s minutes, %g builds x %g min", compute, b.usage.BuildsPerMonth, minutes), b.usage.BuildsPerMonth*minutes, "build-minute", price, true)
	return nil
}

// pricePipeline prices a V1 pipeline per month, a V2 one per action minute:
// each release runs every action but approvals, a source action a minute,
// the others build_minutes each.
func pricePipeline(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	if r.str("pipeline_type") != "V2" {
		b.add(r, svcPipeline, "V1 active pipeline", 1, "pipeline-month", p.CodePipelineV1Month, false)
		return nil
	}
	var minutes float64
	actions := 0
	for _, st := range r.blocks("stage") {
		list, _ := st["action"].([]any)
		for _, a := range list {
			am, _ := a.(map[string]any)
			switch am["category"] {
			case "Approval":
			case "Source":
				minutes, actions = minutes+1, actions+1
			default:
				minutes, actions = minutes+b.usage.BuildMinutes, actions+1
			}
		}
	}
	b.add(r, svcPipeline, fmt.Sprintf("V2 action minutes, %g releases x %d actions (%g min)", b.usage.BuildsPerMonth, actions, minutes), b.usage.BuildsPerMonth*minutes, "action-minute", p.CodePipelineV2ActionMinute, true)
	return nil
}

func priceBucket(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	b.add(r, svcS3, "S3 Standard", b.usage.StorageGB, "GB-month", p.S3GBMonth, true)
	return nil
}

func priceRegistry(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	b.add(r, svcECR, "images", b.usage.StorageGB, "GB-month", p.ECRGBMonth, true)
	return nil
}

func priceCDN(b *bill, r *resource) error {
	g := b.prices.Global
	b.add(r, svcCDN, "HTTPS requests", b.usage.RequestsMillions*100, "10k requests", g.CloudFrontHTTPS10k, true)
	b.add(r, svcCDN, "data transfer out (North America)", b.usage.CDNTransferGB, "GB", g.CloudFrontGB, true)
	return nil
}

func priceWAF(b *bill, r *resource) error {
	g := b.prices.Global
	rules := len(r.blocks("rule"))
	b.add(r, svcWAF, "web ACL", 1, "ACL-month", g.WAFWebACLMonth, false)
	b.add(r, svcWAF, fmt.Sprintf("%d rules and rule groups", rules), float64(rules), "rule-month", g.WAFRuleMonth, false)
	b.add(r, svcWAF, "requests inspected", b.usage.RequestsMillions, "million requests", g.WAFMillionRequests, true)
	return nil
}

func priceZone(b *bill, r *resource) error {
	b.add(r, svcRoute53, "hosted zone", 1, "zone-month", b.prices.Global.Route53ZoneMonth, false)
	return nil
}

// priceHealthCheck prices a health check of an AWS endpoint (a load
// balancer) and its optional features.
func priceHealthCheck(b *bill, r *resource) error {
	g := b.prices.Global
	var features []string
	t := r.str("type")
	if strings.HasPrefix(t, "HTTPS") {
		features = append(features, "HTTPS")
	}
	if strings.HasSuffix(t, "STR_MATCH") {
		features = append(features, "string matching")
	}
	if r.num("request_interval") == 10 {
		features = append(features, "fast interval")
	}
	if r.values["measure_latency"] == true {
		features = append(features, "latency measurement")
	}
	b.add(r, svcRoute53, "health check of an AWS endpoint", 1, "check-month", g.Route53HealthCheckMonth, false)
	if len(features) > 0 {
		b.add(r, svcRoute53, "health check features: "+strings.Join(features, ", "), float64(len(features)), "feature-month", g.Route53HealthCheckFeatureMonth, false)
	}
	return nil
}

// priceTrail: management events of the account's first trail are free; data
// events are not priced here.
func priceTrail(b *bill, r *resource) error {
	for _, s := range r.blocks("event_selector") {
		if dr, ok := s["data_resource"].([]any); ok && len(dr) > 0 {
			return fmt.Errorf("data events have no price here")
		}
	}
	for _, s := range r.blocks("advanced_event_selector") {
		if len(s) > 0 {
			return fmt.Errorf("advanced event selectors have no price here")
		}
	}
	b.add(r, svcTrail, "management events (the account's first trail: free)", 1, "trail-month", 0, false)
	return nil
}

// priceCrossRegion splits the environment's inter-region traffic evenly
// over what carries it: peering connections, bucket and image replication
// rules, and (priced here too) database replicas.
func priceCrossRegion(b *bill, r *resource) error {
	p, err := b.region(r)
	if err != nil {
		return err
	}
	n := 0
	for _, o := range b.all {
		if crossRegionTypes[o.typ] || o.typ == "aws_db_instance" && isReplica(o) {
			n++
		}
	}
	b.add(r, svcTransfer, fmt.Sprintf("%g GB between the regions / %d links", b.usage.InterRegionGB, n), b.usage.InterRegionGB/float64(n), "GB", p.InterRegionGB, true)
	return nil
}

// isReplica reports whether a database replicates another one.
func isReplica(r *resource) bool {
	return r.values["replicate_source_db"] != nil || len(r.refs["replicate_source_db"]) > 0
}

var crossRegionTypes = map[string]bool{
	"aws_vpc_peering_connection":              true,
	"aws_s3_bucket_replication_configuration": true,
	"aws_ecr_replication_configuration":       true,
}
