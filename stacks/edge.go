package stacks

import (
	"fmt"
	"slices"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// edgeRegion is where CloudFront certificates, CloudFront web ACLs and
// Route 53 health-check metrics live.
const edgeRegion = config.EdgeRegion

// Edge is the global edge of an environment: DNS, and the CDN in front.
type Edge struct {
	DNS *constructs.DNS
	// CDN and WebACL are nil when switched off.
	CDN    *constructs.CDN
	WebACL *constructs.WebACL
}

// edgeProvider returns the provider that creates resources in us-east-1:
// nil (the stack's default) when the primary region is us-east-1, the
// secondary alias when that is us-east-1, else a us-east-1 alias of its own.
func edgeProvider(stack cdktf.TerraformStack, env *config.Environment, secondary provider.AwsProvider) cdktf.TerraformProvider {
	switch edgeRegion {
	case env.Primary.Region:
		return nil
	case env.Secondary.Region:
		return secondary
	}
	return newProvider(stack, env, edgeRegion, edgeRegion)
}

// buildOriginSecret gives the primary stack the origin header secret when
// the environment has one; the other stacks read it from the primary.
func buildOriginSecret(stack cdktf.TerraformStack, env *config.Environment) *constructs.OriginSecret {
	if !env.OriginVerifyHeader() {
		return nil
	}
	return constructs.NewOriginSecret(stack, "origin-secret", &constructs.OriginSecretProps{Version: env.CDN.OriginSecretVersion})
}

// buildOriginGuard makes a region's load balancer answer only requests
// that carry the origin secret (and Route 53's health checks).
func buildOriginGuard(stack cdktf.TerraformStack, env *config.Environment, r *Regional, secret *constructs.OriginSecret) *constructs.OriginGuard {
	if secret == nil {
		return nil
	}
	var healthPath string
	if env.DNS.HealthCheck.Type != config.HealthCheckMetric {
		healthPath = env.DNS.HealthCheck.Path // Route 53 checkers cannot send the header
	}
	return constructs.NewOriginGuard(stack, "origin-guard", &constructs.OriginGuardProps{
		ListenerArn:     r.LoadBalancer.ForwardingListener.Arn(),
		TargetGroupArn:  r.LoadBalancer.TargetGroupArn,
		Secret:          secret.Value,
		HealthCheckPath: healthPath,
	})
}

// healthCheckTypes maps the config's health check types to Route 53's.
var healthCheckTypes = map[string]string{
	config.HealthCheckHTTPS:  constructs.HealthCheckHTTPS,
	config.HealthCheckHTTP:   constructs.HealthCheckHTTP,
	config.HealthCheckMetric: constructs.HealthCheckMetric,
}

// buildEdge adds DNS, the CDN and the WAF to the global stack; both
// regional stacks are read through their structs. usEast1 is
// edgeProvider's. The health-check alarms are the global monitoring's.
func buildEdge(stack cdktf.TerraformStack, env *config.Environment, primary *Primary, secondary *Secondary, usEast1 cdktf.TerraformProvider) *Edge {
	edge := &Edge{}
	prod := env.Production()
	domain := env.DNS.Domain
	h := env.DNS.HealthCheck
	target := func(role string, r *Regional) constructs.FailoverTarget {
		lb := r.LoadBalancer
		return constructs.FailoverTarget{Role: role, Region: r.Region, DNSName: lb.DNSName, ZoneID: lb.ZoneID,
			AlarmName: r.healthCheckAlarm(), Preferred: role == env.Database.Writer}
	}
	edge.DNS = constructs.NewDNS(stack, "dns", &constructs.DNSProps{
		Name:             env.ID(),
		Domain:           domain,
		ZoneID:           env.DNS.ZoneID,
		ForceDestroyZone: !prod,
		HealthCheck: constructs.HealthCheckSpec{Type: healthCheckTypes[h.Type], Path: h.Path,
			IntervalSeconds: h.IntervalSeconds, FailureThreshold: h.FailureThreshold},
		Targets: []constructs.FailoverTarget{
			target(config.RolePrimary, primary.Regional),
			target(config.RoleSecondary, secondary.Regional),
		},
	})
	appNames := []string{domain, "www." + domain}

	if !env.CDNEnabled() {
		// Without CloudFront the app's names follow the failover pair.
		edge.DNS.AliasRecords("app", appNames, constructs.AliasTarget{
			DNSName: &edge.DNS.OriginName, ZoneID: edge.DNS.ZoneID, EvaluateTargetHealth: true,
			DependsOn: edge.DNS.OriginRecords,
		})
		return edge
	}
	cdn := env.CDN
	var webACL *string
	if env.WAFEnabled() {
		edge.WebACL = constructs.NewWebACL(stack, "waf", &constructs.WebACLProps{
			Name:      env.ID() + "-cdn",
			RateLimit: cdn.WAF.RateLimit,
			Provider:  usEast1,
		})
		webACL = edge.WebACL.Arn
	}
	var secret *string
	if primary.OriginSecret != nil {
		secret = primary.OriginSecret.Value
	}
	edge.CDN = constructs.NewCDN(stack, "cdn", &constructs.CDNProps{
		Name:                env.ID(),
		Account:             env.AccountID,
		Region:              env.Primary.Region,
		Aliases:             appNames,
		CertificateArn:      cdn.CertificateARN,
		CertificateProvider: usEast1,
		ZoneID:              edge.DNS.ZoneID,
		ValidationRecords:   !regionalStacksValidate(env, appNames),
		// Reads and writes to the primary go to the failover pair's name,
		// so DNS moves them to the secondary when the primary fails.
		Primary:          constructs.CDNOrigin{DomainName: &edge.DNS.OriginName},
		Secondary:        constructs.CDNOrigin{DomainName: secondary.LoadBalancer.DNSName},
		OriginFailover:   *cdn.OriginFailover,
		OriginHTTPS:      env.LoadBalancer.HTTPS(),
		OriginSecret:     secret,
		APIPaths:         cdn.APIPaths,
		PriceClass:       cdn.PriceClass,
		WebACLArn:        webACL,
		LogBucket:        fmt.Sprintf("%s-cdn-logs-%s", env.ID(), env.AccountID),
		LogRetentionDays: cdn.AccessLogRetentionDays,
		ForceDestroyLogs: !prod,
	})
	edge.DNS.AliasRecords("app", appNames, constructs.AliasTarget{
		DNSName: edge.CDN.DomainName, ZoneID: edge.CDN.HostedZoneID, IPv6: true,
	})
	return edge
}

// regionalStacksValidate reports whether the regional stacks' load
// balancer certificate already keeps the DNS validation records of every
// name in the zone: ACM's validation record of a name is the same for all
// certificates of an account, so the CloudFront certificate then waits for
// those records instead of managing the same records a second time.
func regionalStacksValidate(env *config.Environment, names []string) bool {
	c := env.LoadBalancer.Certificate
	if c == nil || env.DNS.ZoneID == "" || c.ZoneID != env.DNS.ZoneID {
		return false
	}
	have := append([]string{c.DomainName}, c.AlternativeNames...)
	for _, n := range names {
		if !slices.Contains(have, n) {
			return false
		}
	}
	return true
}

// edgeOutputs declares what people need from the edge.
func edgeOutputs(stack cdktf.TerraformStack, env *config.Environment, edge *Edge) {
	output(stack, "app_url", "the app's URL", "https://"+env.DNS.Domain)
	output(stack, "health_check_ids", "Route 53 health check of each region", map[string]*string{
		config.RolePrimary:   edge.DNS.HealthCheckIDs[config.RolePrimary],
		config.RoleSecondary: edge.DNS.HealthCheckIDs[config.RoleSecondary],
	})
	output(stack, "designed_failover_seconds", "health check interval x failure threshold + the failover records' TTL", env.FailoverSeconds())
	if edge.DNS.NameServers != nil {
		output(stack, "name_servers", "delegate the domain to these name servers of the created zone", edge.DNS.NameServers)
	}
	if edge.CDN != nil {
		output(stack, "distribution_id", "CloudFront distribution", edge.CDN.DistributionID)
		output(stack, "distribution_domain", "CloudFront distribution's own domain name", edge.CDN.DomainName)
	}
}
