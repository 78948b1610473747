package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Who owns the service's task definition revision.
const (
	// DeployedByTerraform: every apply points the service at the revision
	// Terraform registered (image tag from service.image_tag).
	DeployedByTerraform = "terraform"
	// DeployedByPipeline: the delivery pipeline's ECS deploy action
	// registers revisions and points the service at them; Terraform ignores
	// the service's task_definition so an apply never rolls a release back.
	DeployedByPipeline = "pipeline"
)

// Service is the containerized application both regions run on ECS Fargate
// behind a load balancer.
type Service struct {
	// Name is the application's short name, part of every resource name
	// (ALB, target group, cluster, repository). Default app.
	Name string `yaml:"name"`
	// Port the container listens on. Default 8080.
	Port int `yaml:"port"`
	// ImageTag is the image Terraform deploys. Default latest.
	ImageTag string `yaml:"image_tag"`
	// DeployedBy is terraform (default) or pipeline: who owns the service's
	// task definition revision (see docs/containers.md).
	DeployedBy string `yaml:"deployed_by"`
	// CPU units and memory MiB of a task: a Fargate size.
	CPU    int `yaml:"cpu"`
	Memory int `yaml:"memory"`
	// DesiredCount is the task count of a fresh service; auto scaling keeps
	// it between MinCount and MaxCount afterwards.
	DesiredCount int `yaml:"desired_count"`
	MinCount     int `yaml:"min_count"`
	MaxCount     int `yaml:"max_count"`
	// HealthCheckPath is the target group's (and the container's) HTTP
	// health check path. Default /health.
	HealthCheckPath string `yaml:"health_check_path"`
	// HealthCheckGracePeriodSeconds lets new tasks start before the load
	// balancer's health checks count. Default 60.
	HealthCheckGracePeriodSeconds int `yaml:"health_check_grace_period_seconds"`
	// ContainerHealthCheck is the shell command the container's own health
	// check runs; "" turns it off (images without a shell or curl). Default
	// curl on the health check path.
	ContainerHealthCheck *string `yaml:"container_health_check"`
	// SpotPercent is the share of tasks on FARGATE_SPOT (0-100). Default 0
	// in production, 70 otherwise.
	SpotPercent *int `yaml:"spot_percent"`
	// Autoscaling switches the scalable target and its policies on.
	// Default true.
	Autoscaling *bool `yaml:"autoscaling"`
	// Auto scaling: target tracking on CPU, memory and ALB requests per
	// target, with these cooldowns.
	CPUTargetPercent        int `yaml:"cpu_target_percent"`
	MemoryTargetPercent     int `yaml:"memory_target_percent"`
	RequestsPerTarget       int `yaml:"requests_per_target"`
	ScaleInCooldownSeconds  int `yaml:"scale_in_cooldown_seconds"`
	ScaleOutCooldownSeconds int `yaml:"scale_out_cooldown_seconds"`
	// LogRetentionDays of the container log group. Default
	// monitoring.log_retention_days.
	LogRetentionDays int `yaml:"log_retention_days"`
	// ReadonlyRootFilesystem mounts the image read-only (a writable /tmp
	// volume is always there). Default true.
	ReadonlyRootFilesystem *bool `yaml:"readonly_root_filesystem"`
	// User the container runs as, uid or uid:gid, never root. Default 1000.
	User string `yaml:"user"`
	// Environment is plain (not secret) environment variables.
	Environment map[string]string `yaml:"environment"`
}

// Registry is the ECR repository of the service's images.
type Registry struct {
	// RepositoryName defaults to <customer>-<env>/<service.name>.
	RepositoryName string `yaml:"repository_name"`
	// ImmutableTags forbids overwriting a tag. Default true, except outside
	// production for a service deployed by Terraform with image_tag "latest".
	ImmutableTags *bool `yaml:"immutable_tags"`
	// KeepTaggedImages is how many tagged images the lifecycle policy keeps.
	KeepTaggedImages int `yaml:"keep_tagged_images"`
	// UntaggedExpiryDays expires untagged images after this many days.
	UntaggedExpiryDays int `yaml:"untagged_expiry_days"`
	// Replication sends every pushed image to the secondary region's
	// repository. Default true.
	Replication *bool `yaml:"replication"`
}

// LoadBalancer is the Application Load Balancer in front of each region.
type LoadBalancer struct {
	// DeletionProtection default true in production.
	DeletionProtection *bool `yaml:"deletion_protection"`
	// AccessLogRetentionDays before access logs expire. Default 365 in
	// production, 30 otherwise.
	AccessLogRetentionDays int `yaml:"access_log_retention_days"`
	// IdleTimeoutSeconds default 60.
	IdleTimeoutSeconds int `yaml:"idle_timeout_seconds"`
	// DeregistrationDelaySeconds lets in-flight requests finish. Default 30.
	DeregistrationDelaySeconds int `yaml:"deregistration_delay_seconds"`
	// SSLPolicy of the HTTPS listener. Default ELBSecurityPolicy-TLS13-1-2-2021-06.
	SSLPolicy string `yaml:"ssl_policy"`
	// CertificateARNs are existing ACM certificates, by stack role
	// (primary, secondary), each in its region.
	CertificateARNs map[string]string `yaml:"certificate_arns"`
	// Certificate requests an ACM certificate in each region, DNS-validated
	// in an existing Route 53 zone.
	Certificate *Certificate `yaml:"certificate"`
}

// Certificate is an ACM certificate validated through DNS records in a
// hosted zone that exists before the regional stacks deploy.
type Certificate struct {
	// DomainName is the certificate's name, e.g. origin.acme.example.com.
	DomainName string `yaml:"domain_name"`
	// AlternativeNames are further names it covers.
	AlternativeNames []string `yaml:"alternative_names"`
	// ZoneID is the existing Route 53 zone its DNS validation records go in.
	ZoneID string `yaml:"zone_id"`
}

// HTTPS reports whether the load balancers get a certificate (and HTTP
// redirects to HTTPS).
func (l *LoadBalancer) HTTPS() bool { return len(l.CertificateARNs) > 0 || l.Certificate != nil }

// ShortRegion abbreviates a region for names: us-east-1 -> use1,
// ap-southeast-2 -> apse2.
func ShortRegion(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := map[string]string{"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
		"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}[parts[1]]
	if dir == "" {
		dir = parts[1][:1]
	}
	return parts[0][:2] + dir + parts[2]
}

// Prefix names the resources of one region: <customer>-<env>-<short region>.
func (e *Environment) Prefix(region string) string {
	return fmt.Sprintf("%s-%s", e.ID(), ShortRegion(region))
}

// ServicePrefix is Prefix plus the service name: the name of the region's
// cluster, service, load balancer and roles.
func (e *Environment) ServicePrefix(region string) string {
	return e.Prefix(region) + "-" + e.Service.Name
}

// LoadBalancerName is the region's ALB name (32 characters at most).
func (e *Environment) LoadBalancerName(region string) string { return e.ServicePrefix(region) }

// TargetGroupName is the region's target group name (32 characters at
// most). It carries the port: a port change creates a new group before the
// old one goes.
func (e *Environment) TargetGroupName(region string) string {
	return fmt.Sprintf("%s-%d", e.ServicePrefix(region), e.Service.Port)
}

// RepositoryName is the ECR repository, the same name in both regions.
func (e *Environment) RepositoryName() string {
	if e.Registry.RepositoryName != "" {
		return e.Registry.RepositoryName
	}
	return e.ID() + "/" + e.Service.Name
}

// ExecutionRoleName is the region's task execution role (IAM names are
// global, so the region is part of it).
func (e *Environment) ExecutionRoleName(region string) string {
	return e.ServicePrefix(region) + "-exec"
}

// TaskRoleName is the region's task role.
func (e *Environment) TaskRoleName(region string) string { return e.ServicePrefix(region) + "-task" }

// ServiceNames addresses a region's container service by the names config
// determines: the stack that builds the service and a pipeline that
// deploys to it from another environment (its staging target) derive them
// here, so neither reads the other's state.
type ServiceNames struct {
	Account, Region string
	// Cluster, Service and Container are the ECS cluster, service and
	// container names.
	Cluster, Service, Container string
	// Repository is the ECR repository the service pulls from.
	Repository string
	// ExecutionRole and TaskRole are the task's IAM role names.
	ExecutionRole, TaskRole string
}

// ServiceNames returns the names of the service in region.
func (e *Environment) ServiceNames(region string) ServiceNames {
	return ServiceNames{
		Account:       e.AccountID,
		Region:        region,
		Cluster:       e.Prefix(region),
		Service:       e.Service.Name,
		Container:     e.Service.Name,
		Repository:    e.RepositoryName(),
		ExecutionRole: e.ExecutionRoleName(region),
		TaskRole:      e.TaskRoleName(region),
	}
}

// RepositoryURL is the repository's image URL.
func (n ServiceNames) RepositoryURL() string {
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", n.Account, n.Region, n.Repository)
}

// RepositoryArn is the repository's ARN.
func (n ServiceNames) RepositoryArn() string {
	return fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", n.Region, n.Account, n.Repository)
}

// RoleArn is the ARN of the account's IAM role name.
func (n ServiceNames) RoleArn(name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", n.Account, name)
}

// fargateMemory lists the memory sizes (MiB) Fargate accepts per CPU size
// (AWS docs, "Task CPU and memory").
func fargateMemory(cpu int) []int {
	span := func(from, to, step int) []int {
		var out []int
		for m := from; m <= to; m += step {
			out = append(out, m)
		}
		return out
	}
	switch cpu {
	case 256:
		return []int{512, 1024, 2048}
	case 512:
		return span(1024, 4096, 1024)
	case 1024:
		return span(2048, 8192, 1024)
	case 2048:
		return span(4096, 16384, 1024)
	case 4096:
		return span(8192, 30720, 1024)
	case 8192:
		return span(16384, 61440, 4096)
	case 16384:
		return span(32768, 122880, 8192)
	}
	return nil
}

// fargateCPUs are the task CPU sizes Fargate accepts.
var fargateCPUs = []int{256, 512, 1024, 2048, 4096, 8192, 16384}

// sslPolicies are the ALB TLS policies allowed: TLS 1.2 and 1.3 only, no
// CBC-heavy legacy suites.
var sslPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
}

// ReplicationRule replicates the named repositories of a registry to a
// destination region.
type ReplicationRule struct {
	Region       string
	Repositories []string
}

// assignReplication gives each registry (account and primary region) one
// owner. ECR has one replication configuration per registry, so two
// environments of one account and region (staging and prod, say) would
// overwrite each other's rules: the environment with the smallest id owns
// the configuration and lists every replicating repository of the
// registry; the others get none.
func assignReplication(envs []*Environment) {
	type registry struct{ account, region string }
	owners := map[registry]*Environment{}
	members := map[registry][]*Environment{}
	for _, e := range envs {
		e.RegistryReplication = nil
		if e.Registry.Replication == nil || !*e.Registry.Replication {
			continue
		}
		k := registry{e.AccountID, e.Primary.Region}
		if o := owners[k]; o == nil || e.ID() < o.ID() {
			owners[k] = e
		}
		members[k] = append(members[k], e)
	}
	for k, owner := range owners {
		byRegion := map[string][]string{}
		for _, e := range members[k] {
			byRegion[e.Secondary.Region] = append(byRegion[e.Secondary.Region], e.RepositoryName())
		}
		for _, region := range slices.Sorted(maps.Keys(byRegion)) {
			repos := byRegion[region]
			slices.Sort(repos)
			owner.RegistryReplication = append(owner.RegistryReplication, ReplicationRule{Region: region, Repositories: slices.Compact(repos)})
		}
	}
}
