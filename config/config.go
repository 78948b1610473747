// Package config is the typed model of one customer environment: the YAML file
// under config/environments/<customer>-<env>.yaml, its defaults and its
// validation. It is plain data: nothing here imports CDKTF, so it is testable
// in milliseconds and every problem is reported before a construct runs.
//
// Each concept has one file holding its types, defaults and validation
// (network.go, containers.go, loadbalancer.go, database.go, delivery.go,
// edge.go, monitoring.go, backend.go, account.go, usage.go); regions.go is
// the region catalogue, load.go and input.go read files, problems.go
// reports. This file is the environment itself and the order its parts are
// defaulted and checked in.
package config

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// Tier selects production-grade defaults (Multi-AZ, deletion protection, a NAT
// gateway per AZ, interface endpoints) or cheaper development ones.
type Tier string

// The tiers an environment can have.
const (
	TierProduction  Tier = "production"
	TierDevelopment Tier = "development"
)

// Environment is one customer environment: three stacks (primary region,
// secondary region, global) synthesized from one file.
type Environment struct {
	// File is the path the environment was read from (for error messages).
	File string `yaml:"-"`
	// Customer and Name come from the file name <customer>-<name>.yaml.
	Customer string `yaml:"-"`
	Name     string `yaml:"-"`

	// AccountID is the AWS account every provider is pinned to.
	AccountID string `yaml:"account_id"`
	// Tier switches production defaults on. Default development.
	Tier Tier `yaml:"tier"`
	// CostCenter is the CostCenter tag. Default: the customer name.
	CostCenter string `yaml:"cost_center"`

	Primary   Region   `yaml:"primary"`
	Secondary Region   `yaml:"secondary"`
	Network   Network  `yaml:"network"`
	Service   Service  `yaml:"service"`
	Database  Database `yaml:"database"`
	// Registry is the ECR repository of the service's images.
	Registry Registry `yaml:"registry"`
	// LoadBalancer is the ALB in front of the service in each region.
	LoadBalancer LoadBalancer `yaml:"load_balancer"`
	Backend      Backend      `yaml:"backend"`
	// DNS is the app's domain, hosted zone, health checks and failover
	// records; CDN the CloudFront distribution in front of both regions.
	DNS DNS `yaml:"dns"`
	CDN CDN `yaml:"cdn"`
	// Repository is the source repository; nil for none.
	Repository *Repository `yaml:"repository"`
	// Pipeline is the delivery pipeline; nil for none. Needs a repository.
	Pipeline *Pipeline `yaml:"pipeline"`
	// RegistryReplication is the ECR replication configuration of the
	// registry (account and primary region) that this environment's primary
	// stack owns; empty when another environment owns it (see
	// assignReplication). Computed, not read from the file.
	RegistryReplication []ReplicationRule `yaml:"-"`
	// Monitoring: alert recipients, alarm thresholds, log retention, budget.
	Monitoring Monitoring `yaml:"monitoring"`
	// Usage is what the cost estimate assumes about traffic and activity
	// (usage.go); it changes nothing that is synthesized.
	Usage Usage `yaml:"usage"`
	// Emulator, when set, points every AWS provider at an AWS emulator
	// (moto_server) with test credentials, like LocalStack's tflocal.
	Emulator *Emulator `yaml:"emulator"`
	// Account is the AWS account the environment lives in, with its
	// bootstrap settings. Computed by LoadDir.
	Account *Account `yaml:"-"`
}

// Emulator is an AWS API emulator every provider of the environment talks to.
type Emulator struct {
	// Endpoint is the emulator's URL, e.g. http://127.0.0.1:4566.
	Endpoint string `yaml:"endpoint"`
}

// Stack roles: the three stacks of every environment.
const (
	RolePrimary   = "primary"
	RoleSecondary = "secondary"
	RoleGlobal    = "global"
)

// ID is <customer>-<name>, e.g. acme-prod.
func (e *Environment) ID() string { return e.Customer + "-" + e.Name }

// StackName is the stack of the given role, e.g. acme-prod-primary.
func (e *Environment) StackName(role string) string { return fmt.Sprintf("%s-%s", e.ID(), role) }

// StackNames are the environment's three stacks, in DAG order.
func (e *Environment) StackNames() []string {
	return []string{e.StackName(RolePrimary), e.StackName(RoleSecondary), e.StackName(RoleGlobal)}
}

// EnvOfStack is the environment id of a stack name: the name without its
// role (acme-prod-primary -> acme-prod).
func EnvOfStack(stack string) string {
	if i := strings.LastIndex(stack, "-"); i > 0 {
		return stack[:i]
	}
	return stack
}

// Production reports whether production-grade defaults apply.
func (e *Environment) Production() bool { return e.Tier == TierProduction }

// RegionOf is the region of the given role (primary or secondary).
func (e *Environment) RegionOf(role string) Region {
	if role == RoleSecondary {
		return e.Secondary
	}
	return e.Primary
}

// OtherRole is the other regional role: secondary for primary and back.
func OtherRole(role string) string {
	if role == RoleSecondary {
		return RolePrimary
	}
	return RoleSecondary
}

// ApplyDefaults fills every setting the file left out; tier-dependent
// defaults switch on where tier is production. The order matters where one
// default follows another setting: every log group's retention follows
// monitoring's, the health checks follow the service and load balancer.
func (e *Environment) ApplyDefaults() {
	setDefault(&e.Tier, TierDevelopment)
	setDefault(&e.CostCenter, e.Customer)
	e.applyMonitoringDefaults()
	e.applyNetworkDefaults()
	e.applyServiceDefaults()
	e.applyRegistryDefaults()
	e.applyLoadBalancerDefaults()
	e.applyDatabaseDefaults()
	e.applyEdgeDefaults()
	e.applyDeliveryDefaults()
	e.Usage.applyDefaults()
	e.applyBackendDefaults()
}

var (
	accountRe  = regexp.MustCompile(`^[0-9]{12}$`)
	customerRe = regexp.MustCompile(`^[a-z][a-z0-9]{1,11}$`)
	envNameRe  = regexp.MustCompile(`^[a-z][a-z0-9]{0,7}$`)
)

// Validate checks the environment (defaults applied) and returns every
// problem it finds, or nil.
func (e *Environment) Validate() error {
	c := &fileProblems{file: e.File}
	c.customer(e.Customer, "<env>")
	if !envNameRe.MatchString(e.Name) {
		c.add("(file name) environment", e.Name, "the environment part of <customer>-<env>.yaml must be 1-8 lower-case letters and digits, starting with a letter")
	}
	if !accountRe.MatchString(e.AccountID) {
		c.add("account_id", e.AccountID, "required: the 12-digit AWS account id every provider is pinned to (quote it in YAML)")
	}
	if e.Tier != TierProduction && e.Tier != TierDevelopment {
		c.add("tier", e.Tier, "one of %s, %s", TierProduction, TierDevelopment)
	}
	if len(e.CostCenter) > 128 {
		c.add("cost_center", e.CostCenter, "at most 128 characters (an AWS tag value)")
	}
	e.validateRegions(c)
	e.validateNetwork(c)
	e.validateService(c)
	e.validateRegistry(c)
	e.validateLoadBalancer(c)
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

func (e *Environment) validateEmulator(c *fileProblems) {
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

// setDefault sets *v to def when the file left it out: the zero value (0,
// "", a nil pointer, list or map). Settings where an explicit zero means
// something (false, 0, []) are pointers, lists or maps, so a written zero
// is never overridden.
func setDefault[T any](v *T, def T) {
	if reflect.ValueOf(v).Elem().IsZero() {
		*v = def
	}
}

// pick is yes when cond holds, else no: the tier's choice of a default.
func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

func ptr[T any](v T) *T { return &v }

// logRetentionDays are the values CloudWatch Logs accepts for retention.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// validateLogRetention checks a log group's retention; a value inherited
// from monitoring.log_retention_days is reported there, not here.
func (e *Environment) validateLogRetention(c *fileProblems, field string, days int) {
	if days != e.Monitoring.LogRetentionDays && !slices.Contains(logRetentionDays, days) {
		c.add(field, days, "a CloudWatch Logs retention: one of %v", logRetentionDays)
	}
}

func sizes(list []int) string {
	parts := make([]string, len(list))
	for i, v := range list {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}
