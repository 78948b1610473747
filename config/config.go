// Package config is the typed model of one customer environment: the YAML file
// under config/environments/<customer>-<env>.yaml, its defaults and its
// validation. It is plain data: nothing here imports CDKTF, so it is testable
// in milliseconds and every problem is reported before a construct runs.
package config

import (
	"fmt"
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

// Region is one of the two regional halves of an environment.
type Region struct {
	// Region is the AWS region code, e.g. us-east-1.
	Region string `yaml:"region"`
	// CIDR is the VPC's IPv4 block, /16 to /24.
	CIDR string `yaml:"cidr"`
	// AZs are the availability zones to spread subnets over (2 to 4), named
	// in full (us-east-1a): no look-up at plan time.
	AZs []string `yaml:"azs"`
	// CloudFrontPrefixListID is this region's id of the AWS-managed prefix
	// list com.amazonaws.global.cloudfront.origin-facing (ids differ per
	// region), used when network.load_balancer_ingress is cloudfront.
	// Default: from the reviewed table in network.go; required for a region
	// the table lacks.
	CloudFrontPrefixListID string `yaml:"cloudfront_prefix_list_id"`
}

// NAT gateway layouts.
const (
	NATPerAZ  = "per_az"
	NATSingle = "single"
)

// Network holds the VPC settings shared by both regions.
type Network struct {
	// NAT is per_az (one NAT gateway per AZ, the production default) or single.
	NAT string `yaml:"nat"`
	// FlowLogRetentionDays is the retention of the VPC flow log groups.
	FlowLogRetentionDays int `yaml:"flow_log_retention_days"`
	// InterfaceEndpoints are the AWS services that get an interface VPC
	// endpoint with private DNS in the private subnets, e.g. ecr.api.
	// Default: DefaultInterfaceEndpoints in production, none in development
	// (each costs per AZ and hour); [] switches them off. The S3 gateway
	// endpoint is always there.
	InterfaceEndpoints []string `yaml:"interface_endpoints"`
	// AppInternetEgress lets the app tier open HTTPS connections to any
	// address through NAT. Default: true unless the interface endpoints
	// cover every AWS service the tasks need (RequiredTaskEndpoints).
	AppInternetEgress *bool `yaml:"app_internet_egress"`
	// LoadBalancerIngress says who reaches the load balancers: internet
	// (80 and 443 from anywhere, the default) or cloudfront (only
	// CloudFront's origin-facing servers, on CloudFrontOriginPort).
	LoadBalancerIngress string `yaml:"load_balancer_ingress"`
	// CloudFrontOriginPort is the one port CloudFront connects to the load
	// balancer on, 443 (default) or 80. One port only: a rule naming the
	// CloudFront prefix list counts as 55 of a security group's 60 rules.
	CloudFrontOriginPort int `yaml:"cloudfront_origin_port"`
}

// Backend types.
const (
	BackendLocal = "local"
	BackendS3    = "s3"
	BackendCloud = "cloud"
)

// Backend says where Terraform keeps the state of the environment's stacks.
type Backend struct {
	// Type is local (default), s3 or cloud (HCP Terraform).
	Type string `yaml:"type"`
	// S3 settings, for type s3.
	S3 *S3Backend `yaml:"s3"`
	// Cloud settings, for type cloud.
	Cloud *CloudBackend `yaml:"cloud"`
}

// S3Backend is an S3 state bucket; the key is <stack>/terraform.tfstate.
type S3Backend struct {
	// Bucket holds the state, key <stack>/terraform.tfstate.
	Bucket string `yaml:"bucket"`
	// Region is the bucket's region.
	Region string `yaml:"region"`
	// DynamoDBTable is an optional lock table; S3's native lock file is
	// always on.
	DynamoDBTable string `yaml:"dynamodb_table"`
	// KMSKeyID optionally encrypts state with a customer managed key.
	KMSKeyID string `yaml:"kms_key_id"`
	// ReplicaBucket and ReplicaRegion are the bucket's replica in another
	// region (the bootstrap stack's state_replica_bucket and
	// state_replica_region outputs).
	ReplicaBucket string `yaml:"replica_bucket"`
	ReplicaRegion string `yaml:"replica_region"`
	// UseReplica points the stacks at the replica: state failover when the
	// bucket's region is down. Every stack of the environment, and every
	// read of another stack's state, switches together.
	UseReplica bool `yaml:"use_replica"`
}

// Active is the bucket and region state is read from and written to: the
// replica's when UseReplica is set.
func (b *S3Backend) Active() (bucket, region string) {
	if b.UseReplica {
		return b.ReplicaBucket, b.ReplicaRegion
	}
	return b.Bucket, b.Region
}

// CloudBackend is an HCP Terraform organization; every stack gets a
// workspace named after the stack.
type CloudBackend struct {
	// Organization is the HCP Terraform organization.
	Organization string `yaml:"organization"`
	// Hostname defaults to app.terraform.io.
	Hostname string `yaml:"hostname"`
	// Project optionally groups the workspaces (HCP Terraform's "Default
	// Project" when unset).
	Project string `yaml:"project"`
	// RunRoleARN is the IAM role the workspaces' runs assume through
	// dynamic provider credentials: the bootstrap stack's output
	// run_role_arn_<customer>_<env>. Default: that role's ARN, which the
	// account and environment determine.
	RunRoleARN string `yaml:"run_role_arn"`
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
