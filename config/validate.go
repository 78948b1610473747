package config

import (
	"fmt"
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
	if e.Service.Port < 1024 || e.Service.Port > 65535 {
		c.add("service.port", e.Service.Port, "a port from 1024 to 65535 (the container runs as a non-root user)")
	}
	e.validateDatabase(c)
	e.validateBackend(c)
	e.validateEmulator(c)
	e.validateMonitoring(c)
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
			c.add("backend.s3", "", "required for backend type s3: bucket (and optionally region, dynamodb_table, kms_key_id)")
			break
		}
		if !bucketRe.MatchString(b.S3.Bucket) || strings.Contains(b.S3.Bucket, "..") {
			c.add("backend.s3.bucket", b.S3.Bucket, "an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens")
		}
		if !knownRegion(b.S3.Region) {
			c.add("backend.s3.region", b.S3.Region, "one of %s", strings.Join(Regions(), ", "))
		}
	case BackendCloud:
		if b.Cloud == nil {
			c.add("backend.cloud", "", "required for backend type cloud: organization (and optionally hostname, project)")
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
