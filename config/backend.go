package config

import (
	"regexp"
	"slices"
	"strings"
)

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

func (e *Environment) applyBackendDefaults() {
	b := &e.Backend
	setDefault(&b.Type, BackendLocal)
	if b.S3 != nil {
		setDefault(&b.S3.Region, e.Primary.Region)
	}
	if b.Cloud != nil {
		setDefault(&b.Cloud.Hostname, DefaultHCPTerraformHost)
	}
}

var (
	bucketRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	orgRe    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
)

func (e *Environment) validateBackend(c *fileProblems) {
	b := e.Backend
	switch b.Type {
	case BackendLocal:
	case BackendS3:
		if b.S3 == nil {
			c.add("backend.s3", "", "required for backend type s3: bucket (the bootstrap stack's output state_bucket), and optionally %s", strings.Join(slices.DeleteFunc(yamlKeys("S3Backend"), func(k string) bool { return k == "bucket" }), ", "))
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
			c.add("backend.cloud", "", "required for backend type cloud: organization, and optionally %s (run_role_arn's default: the bootstrap stack's run role of the environment)", strings.Join(slices.DeleteFunc(yamlKeys("CloudBackend"), func(k string) bool { return k == "organization" }), ", "))
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
