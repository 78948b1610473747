package config

import (
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

var (
	accountRe  = regexp.MustCompile(`^[0-9]{12}$`)
	customerRe = regexp.MustCompile(`^[a-z][a-z0-9]{1,11}$`)
	envNameRe  = regexp.MustCompile(`^[a-z][a-z0-9]{0,7}$`)
	bucketRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	orgRe      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
)

// logRetentionDays are the values CloudWatch Logs accepts for retention.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Validate checks the environment (defaults applied) and returns every
// problem it finds, or nil.
func (e *Environment) Validate() error {
	c := &problems{file: e.File}
	if !customerRe.MatchString(e.Customer) {
		c.add("(file name) customer", e.Customer, "the customer part of <customer>-<env>.yaml must be 2-12 lower-case letters and digits, starting with a letter")
	}
	if !envNameRe.MatchString(e.Name) {
		c.add("(file name) environment", e.Name, "the environment part of <customer>-<env>.yaml must be 1-8 lower-case letters and digits, starting with a letter")
	}
	if !accountRe.MatchString(e.AccountID) {
		c.add("account_id", e.AccountID, "required: the 12-digit AWS account id every provider is pinned to (quote it in YAML)")
	}
	if e.Tier != TierProduction && e.Tier != TierDevelopment {
		c.add("tier", e.Tier, "one of %s, %s", TierProduction, TierDevelopment)
	}
	if e.CostCenter != "" && len(e.CostCenter) > 128 {
		c.add("cost_center", e.CostCenter, "at most 128 characters (an AWS tag value)")
	}
	e.validateRegions(c)
	e.validateNetwork(c)
	e.validateService(c)
	e.validateRegistry(c)
	e.validateLoadBalancer(c)
	e.validateNames(c)
	e.validateDatabase(c)
	e.validateEdge(c)
	e.validateBackend(c)
	e.validateDelivery(c)
	e.validateEmulator(c)
	e.validateMonitoring(c)
	e.validateUsage(c)
	if len(c.list) == 0 {
		return nil
	}
	return c.list
}

func (e *Environment) validateRegions(c *problems) {
	var cidrs [2]netip.Prefix
	for i, r := range []struct {
		field string
		*Region
	}{{"primary", &e.Primary}, {"secondary", &e.Secondary}} {
		if !knownRegion(r.Region.Region) {
			c.add(r.field+".region", r.Region.Region, "one of %s", strings.Join(Regions(), ", "))
		}
		p, err := parseVPCCIDR(r.CIDR)
		if err != nil {
			c.add(r.field+".cidr", r.CIDR, "%s: want an IPv4 network address with a prefix from /16 to /24, e.g. 10.0.0.0/16", err)
		}
		cidrs[i] = p
		if n := len(r.AZs); n < 2 || n > MaxAZs {
			c.add(r.field+".azs", strings.Join(r.AZs, ","), "2 to %d availability zones (the ALB and Multi-AZ RDS need two)", MaxAZs)
		}
		seen := map[string]bool{}
		for j, az := range r.AZs {
			field := fmt.Sprintf("%s.azs[%d]", r.field, j)
			if knownRegion(r.Region.Region) && !azInRegion(az, r.Region.Region) {
				c.add(field, az, "an availability zone of %s: one of %s", r.Region.Region, strings.Join(zonesOf(r.Region.Region), ", "))
			}
			if seen[az] {
				c.add(field, az, "each availability zone once")
			}
			seen[az] = true
		}
	}
	if e.Primary.Region != "" && e.Primary.Region == e.Secondary.Region {
		c.add("secondary.region", e.Secondary.Region, "a region other than the primary's (%s): the platform spans two regions", e.Primary.Region)
	}
	if cidrs[0].IsValid() && cidrs[1].IsValid() && overlaps(cidrs[0], cidrs[1]) {
		c.add("secondary.cidr", e.Secondary.CIDR, "a block that does not overlap primary.cidr %s: the two VPCs are peered", e.Primary.CIDR)
	}
}

func (e *Environment) validateNetwork(c *problems) {
	if n := e.Network.NAT; n != NATPerAZ && n != NATSingle {
		c.add("network.nat", n, "one of %s (one NAT gateway per AZ), %s (one per region)", NATPerAZ, NATSingle)
	}
	// A value inherited from monitoring.log_retention_days is reported there.
	if !slices.Contains(logRetentionDays, e.Network.FlowLogRetentionDays) && e.Network.FlowLogRetentionDays != e.Monitoring.LogRetentionDays {
		c.add("network.flow_log_retention_days", e.Network.FlowLogRetentionDays, "a CloudWatch Logs retention: one of %v", logRetentionDays)
	}
	e.validateNetworkSecurity(c)
}

func (e *Environment) validateBackend(c *problems) {
	b := e.Backend
	switch b.Type {
	case BackendLocal:
	case BackendS3:
		if b.S3 == nil {
			c.add("backend.s3", "", "required for backend type s3: bucket (the bootstrap stack's output state_bucket), and optionally region, replica_bucket, replica_region, use_replica, dynamodb_table, kms_key_id")
			break
		}
		if !bucketRe.MatchString(b.S3.Bucket) || strings.Contains(b.S3.Bucket, "..") {
			c.add("backend.s3.bucket", b.S3.Bucket, "an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens")
		}
		if !knownRegion(b.S3.Region) {
			c.add("backend.s3.region", b.S3.Region, "one of %s", strings.Join(Regions(), ", "))
		}
		if r := b.S3.ReplicaBucket; r != "" && (!bucketRe.MatchString(r) || strings.Contains(r, "..") || r == b.S3.Bucket) {
			c.add("backend.s3.replica_bucket", r, "an S3 bucket name other than backend.s3.bucket: 3-63 lower-case letters, digits, dots and hyphens")
		}
		if r := b.S3.ReplicaRegion; r != "" && (!knownRegion(r) || r == b.S3.Region) {
			c.add("backend.s3.replica_region", r, "a region other than backend.s3.region (%s): one of %s", b.S3.Region, strings.Join(Regions(), ", "))
		}
	case BackendCloud:
		if b.Cloud == nil {
			c.add("backend.cloud", "", "required for backend type cloud: organization, and optionally hostname, project, run_role_arn (default: the bootstrap stack's run role of the environment)")
			break
		}
		if !orgRe.MatchString(b.Cloud.Organization) {
			c.add("backend.cloud.organization", b.Cloud.Organization, "an HCP Terraform organization name: letters, digits, - and _")
		}
	default:
		c.add("backend.type", b.Type, "one of %s, %s, %s", BackendLocal, BackendS3, BackendCloud)
	}
	if b.S3 != nil && b.Type != BackendS3 {
		c.add("backend.s3", "(set)", "only with backend type s3 (type is %s)", b.Type)
	}
	if b.Cloud != nil && b.Type != BackendCloud {
		c.add("backend.cloud", "(set)", "only with backend type cloud (type is %s)", b.Type)
	}
}

func (e *Environment) validateEmulator(c *problems) {
	if e.Emulator == nil {
		return
	}
	u, err := url.Parse(e.Emulator.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Port() == "" || u.Path != "" && u.Path != "/" {
		c.add("emulator.endpoint", e.Emulator.Endpoint, "an http(s) URL with host and port and no path, e.g. http://127.0.0.1:4566")
	}
	if e.Backend.Type != BackendLocal {
		c.add("backend.type", e.Backend.Type, "local when an emulator is configured: emulator state must never mix with real state")
	}
}

var (
	serviceNameRe = regexp.MustCompile(`^[a-z][a-z0-9]{0,19}$`)
	imageTagRe    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	healthPathRe  = regexp.MustCompile(`^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$`)
	userRe        = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)
	envNameRe2    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	repositoryRe  = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	lbNameRe      = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	certificateRe = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):([0-9]{12}):certificate/[0-9a-f-]{36}$`)
	zoneIDRe      = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	dnsLabelRe    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

func (e *Environment) validateService(c *problems) {
	s := e.Service
	if !serviceNameRe.MatchString(s.Name) {
		c.add("service.name", s.Name, "1-20 lower-case letters and digits, starting with a letter (part of every resource name)")
	}
	if s.Port < 1024 || s.Port > 65535 {
		c.add("service.port", s.Port, "a port from 1024 to 65535 (the container runs as a non-root user)")
	}
	if !imageTagRe.MatchString(s.ImageTag) {
		c.add("service.image_tag", s.ImageTag, "an image tag: up to 128 letters, digits, _, . and -, not starting with . or -")
	}
	if s.DeployedBy != DeployedByTerraform && s.DeployedBy != DeployedByPipeline {
		c.add("service.deployed_by", s.DeployedBy, "one of %s (Terraform owns the task definition revision), %s (the delivery pipeline deploys releases)", DeployedByTerraform, DeployedByPipeline)
	}
	if mem := fargateMemory(s.CPU); mem == nil {
		c.add("service.cpu", s.CPU, "a Fargate task CPU size: one of %s", sizes(fargateCPUs))
	} else if !slices.Contains(mem, s.Memory) {
		c.add("service.memory", s.Memory, "a memory size Fargate accepts with cpu %d: %s MiB", s.CPU, sizes(mem))
	}
	if s.MinCount < 1 {
		c.add("service.min_count", s.MinCount, "at least 1 task")
	}
	if s.MaxCount < s.MinCount || s.MaxCount > 1000 {
		c.add("service.max_count", s.MaxCount, "from min_count (%d) to 1000", s.MinCount)
	} else if s.DesiredCount < s.MinCount || s.DesiredCount > s.MaxCount {
		c.add("service.desired_count", s.DesiredCount, "from min_count (%d) to max_count (%d): auto scaling keeps the count in that range", s.MinCount, s.MaxCount)
	}
	if !healthPathRe.MatchString(s.HealthCheckPath) || len(s.HealthCheckPath) > 1024 {
		c.add("service.health_check_path", s.HealthCheckPath, "a URL path starting with / (e.g. /health), at most 1024 characters, no spaces or query")
	}
	if g := s.HealthCheckGracePeriodSeconds; g < 0 || g > 2147483647 {
		c.add("service.health_check_grace_period_seconds", g, "0 or more seconds")
	}
	if p := *s.SpotPercent; p < 0 || p > 100 {
		c.add("service.spot_percent", p, "a percentage from 0 to 100 (the share of tasks on FARGATE_SPOT)")
	}
	for _, t := range []struct {
		field string
		value int
	}{{"cpu_target_percent", s.CPUTargetPercent}, {"memory_target_percent", s.MemoryTargetPercent}} {
		if t.value < 10 || t.value > 95 {
			c.add("service."+t.field, t.value, "a utilization target from 10 to 95 percent")
		}
	}
	if s.RequestsPerTarget < 1 {
		c.add("service.requests_per_target", s.RequestsPerTarget, "at least 1 request per target per minute")
	}
	for _, t := range []struct {
		field string
		value int
	}{{"scale_in_cooldown_seconds", s.ScaleInCooldownSeconds}, {"scale_out_cooldown_seconds", s.ScaleOutCooldownSeconds}} {
		if t.value < 0 || t.value > 3600 {
			c.add("service."+t.field, t.value, "0 to 3600 seconds")
		}
	}
	// A value inherited from monitoring.log_retention_days is reported there.
	if !slices.Contains(logRetentionDays, s.LogRetentionDays) && s.LogRetentionDays != e.Monitoring.LogRetentionDays {
		c.add("service.log_retention_days", s.LogRetentionDays, "a CloudWatch Logs retention: one of %v", logRetentionDays)
	}
	if !userRe.MatchString(s.User) || s.User == "0" || strings.HasPrefix(s.User, "0:") {
		c.add("service.user", s.User, "a numeric uid or uid:gid other than 0 (containers never run as root)")
	}
	for _, name := range slices.Sorted(maps.Keys(s.Environment)) {
		if !envNameRe2.MatchString(name) || strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "ECS_") {
			c.add("service.environment."+name, s.Environment[name], "a variable name of letters, digits and _, not starting with a digit, AWS_ or ECS_")
		}
	}
}

func (e *Environment) validateRegistry(c *problems) {
	r := e.Registry
	// The default <customer>-<env>/<service> is valid whenever its parts are.
	if name := r.RepositoryName; name != "" && (len(name) < 2 || len(name) > 256 || !repositoryRe.MatchString(name)) {
		c.add("registry.repository_name", name, "an ECR repository name: 2-256 lower-case letters, digits and . _ - separated path parts (/)")
	}
	if r.KeepTaggedImages < 1 || r.KeepTaggedImages > 10000 {
		c.add("registry.keep_tagged_images", r.KeepTaggedImages, "1 to 10000 images")
	}
	if r.UntaggedExpiryDays < 1 || r.UntaggedExpiryDays > 3650 {
		c.add("registry.untagged_expiry_days", r.UntaggedExpiryDays, "1 to 3650 days")
	}
}

func (e *Environment) validateLoadBalancer(c *problems) {
	l := e.LoadBalancer
	if l.AccessLogRetentionDays < 1 || l.AccessLogRetentionDays > 3650 {
		c.add("load_balancer.access_log_retention_days", l.AccessLogRetentionDays, "1 to 3650 days")
	}
	if l.IdleTimeoutSeconds < 1 || l.IdleTimeoutSeconds > 4000 {
		c.add("load_balancer.idle_timeout_seconds", l.IdleTimeoutSeconds, "1 to 4000 seconds")
	}
	if l.DeregistrationDelaySeconds < 0 || l.DeregistrationDelaySeconds > 3600 {
		c.add("load_balancer.deregistration_delay_seconds", l.DeregistrationDelaySeconds, "0 to 3600 seconds")
	}
	if !slices.Contains(sslPolicies, l.SSLPolicy) {
		c.add("load_balancer.ssl_policy", l.SSLPolicy, "a TLS 1.2+ policy: one of %s", strings.Join(sslPolicies, ", "))
	}
	if len(l.CertificateARNs) > 0 && l.Certificate != nil {
		c.add("load_balancer.certificate", "(set)", "either certificate_arns (existing certificates) or certificate (request and validate new ones), not both")
	}
	if len(l.CertificateARNs) > 0 {
		regions := map[string]string{RolePrimary: e.Primary.Region, RoleSecondary: e.Secondary.Region}
		for _, role := range slices.Sorted(maps.Keys(l.CertificateARNs)) {
			arn := l.CertificateARNs[role]
			field := "load_balancer.certificate_arns." + role
			want, known := regions[role]
			if !known {
				c.add(field, arn, "keys are %s and %s (a certificate per regional stack)", RolePrimary, RoleSecondary)
				continue
			}
			m := certificateRe.FindStringSubmatch(arn)
			switch {
			case m == nil:
				c.add(field, arn, "an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<id>")
			case m[1] != want:
				c.add(field, arn, "a certificate in %s (a load balancer uses certificates of its own region)", want)
			case m[2] != e.AccountID:
				c.add(field, arn, "a certificate of account %s", e.AccountID)
			}
		}
		for _, role := range []string{RolePrimary, RoleSecondary} {
			if _, ok := l.CertificateARNs[role]; !ok {
				c.add("load_balancer.certificate_arns", strings.Join(slices.Sorted(maps.Keys(l.CertificateARNs)), ","), "a certificate for both %s and %s", RolePrimary, RoleSecondary)
				break
			}
		}
	}
	// CloudFront-only ingress admits one port; the listeners must serve it.
	if e.Network.LoadBalancerIngress == IngressCloudFront {
		switch port := e.Network.CloudFrontOriginPort; {
		case port == 443 && !l.HTTPS():
			c.add("network.cloudfront_origin_port", port, "80, or a certificate (load_balancer.certificate or load_balancer.certificate_arns): without one the load balancer listens on HTTP 80 only")
		case port == 80 && l.HTTPS():
			c.add("network.cloudfront_origin_port", port, "443: with a certificate the load balancer redirects HTTP 80 to HTTPS")
		}
	}
	if cert := l.Certificate; cert != nil {
		if !validDomain(cert.DomainName, false) {
			c.add("load_balancer.certificate.domain_name", cert.DomainName, "a DNS name such as origin.example.com")
		}
		for i, n := range cert.AlternativeNames {
			if !validDomain(n, true) {
				c.add(fmt.Sprintf("load_balancer.certificate.alternative_names[%d]", i), n, "a DNS name, optionally *.-prefixed")
			}
		}
		if !zoneIDRe.MatchString(cert.ZoneID) {
			c.add("load_balancer.certificate.zone_id", cert.ZoneID, "the id of an existing Route 53 hosted zone, e.g. Z0123456789ABCDEFGHIJ (it must exist before the regional stacks: the global stack's zone does not)")
		}
	}
}

// validateNames checks the names the platform derives from the customer,
// environment, region and service name against AWS's limits: one problem
// naming every name that does not fit.
func (e *Environment) validateNames(c *problems) {
	if !serviceNameRe.MatchString(e.Service.Name) {
		return // reported already
	}
	var long, bad []string
	for _, r := range []Region{e.Primary, e.Secondary} {
		if !knownRegion(r.Region) {
			continue // reported already
		}
		for _, n := range []struct{ what, name string }{
			{"load balancer", e.LoadBalancerName(r.Region)},
			{"target group", e.TargetGroupName(r.Region)},
		} {
			switch {
			case len(n.name) > 32:
				long = append(long, fmt.Sprintf("%s name %s is %d characters", n.what, n.name, len(n.name)))
			case !lbNameRe.MatchString(n.name) || strings.HasPrefix(n.name, "internal-"):
				bad = append(bad, fmt.Sprintf("%s name %s", n.what, n.name))
			}
		}
	}
	if len(long) > 0 {
		c.add("service.name", e.Service.Name, "a shorter service name, customer or environment: AWS allows 32 characters, but the %s", strings.Join(long, ", the "))
	}
	if len(bad) > 0 {
		c.add("service.name", e.Service.Name, "names AWS accepts (letters, digits and -, not starting with internal-): not the %s", strings.Join(bad, ", the "))
	}
}

// validDomain checks a DNS name; wildcard allows a leading *. label.
func validDomain(name string, wildcard bool) bool {
	if wildcard {
		name = strings.TrimPrefix(name, "*.")
	}
	labels := strings.Split(name, ".")
	if len(name) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !dnsLabelRe.MatchString(l) {
			return false
		}
	}
	return true
}

func sizes(list []int) string {
	parts := make([]string, len(list))
	for i, v := range list {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}
