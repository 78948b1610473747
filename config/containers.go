package config

import (
	"fmt"
	"maps"
	"regexp"
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
	// Default true; false keeps desired_count tasks.
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

// Prefix names the resources of one region: <customer>-<env>-<short region>.
func (e *Environment) Prefix(region string) string {
	return fmt.Sprintf("%s-%s", e.ID(), ShortRegion(region))
}

// ServicePrefix is Prefix plus the service name: the name of the region's
// cluster, service, load balancer and roles.
func (e *Environment) ServicePrefix(region string) string {
	return e.Prefix(region) + "-" + e.Service.Name
}

// ImageRepositoryName is the ECR repository of the service's images, the
// same name in both regions; the source repository is SourceRepositoryName.
func (e *Environment) ImageRepositoryName() string {
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

func (e *Environment) applyServiceDefaults() {
	s, prod := &e.Service, e.Production()
	setDefault(&s.Name, "app")
	setDefault(&s.Port, 8080)
	setDefault(&s.ImageTag, "latest")
	setDefault(&s.DeployedBy, DeployedByTerraform)
	setDefault(&s.CPU, pick(prod, 512, 256))
	memory := pick(prod, 1024, 512)
	if m := fargateMemory(s.CPU); len(m) > 0 {
		memory = max(memory, m[0]) // the smallest size the configured CPU allows
	}
	setDefault(&s.Memory, memory)
	setDefault(&s.DesiredCount, pick(prod, 2, 1))
	minCount := s.DesiredCount
	if s.MaxCount != 0 {
		minCount = min(minCount, s.MaxCount) // report the desired count, not a default
	}
	setDefault(&s.MinCount, minCount)
	setDefault(&s.MaxCount, max(pick(prod, 10, 4), s.DesiredCount))
	setDefault(&s.HealthCheckPath, "/health")
	setDefault(&s.HealthCheckGracePeriodSeconds, 60)
	setDefault(&s.ContainerHealthCheck, ptr(fmt.Sprintf("curl -fsS -o /dev/null http://127.0.0.1:%d%s || exit 1", s.Port, s.HealthCheckPath)))
	setDefault(&s.SpotPercent, ptr(pick(prod, 0, 70)))
	setDefault(&s.Autoscaling, ptr(true))
	setDefault(&s.CPUTargetPercent, 70)
	setDefault(&s.MemoryTargetPercent, 75)
	setDefault(&s.RequestsPerTarget, 1000)
	setDefault(&s.ScaleInCooldownSeconds, 300)
	setDefault(&s.ScaleOutCooldownSeconds, 60)
	setDefault(&s.LogRetentionDays, e.Monitoring.LogRetentionDays)
	setDefault(&s.ReadonlyRootFilesystem, ptr(true))
	setDefault(&s.User, "1000")
}

func (e *Environment) applyRegistryDefaults() {
	r, prod := &e.Registry, e.Production()
	// A tag names one image for good (the pipeline pushes one tag per
	// commit), except the moving tag "latest" that a service deployed by
	// Terraform re-pulls after each push.
	moving := e.Service.DeployedBy == DeployedByTerraform && e.Service.ImageTag == "latest"
	setDefault(&r.ImmutableTags, ptr(prod || !moving))
	setDefault(&r.KeepTaggedImages, pick(prod, 50, 10))
	setDefault(&r.UntaggedExpiryDays, pick(prod, 7, 1))
	setDefault(&r.Replication, ptr(true))
}

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
		Repository:    e.ImageRepositoryName(),
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

var (
	serviceNameRe = regexp.MustCompile(`^[a-z][a-z0-9]{0,19}$`)
	imageTagRe    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	healthPathRe  = regexp.MustCompile(`^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$`)
	userRe        = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)
	envVariableRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	ecrRepoNameRe = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
)

func (e *Environment) validateService(c *fileProblems) {
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
	c.between("service.scale_in_cooldown_seconds", s.ScaleInCooldownSeconds, 0, 3600, "seconds")
	c.between("service.scale_out_cooldown_seconds", s.ScaleOutCooldownSeconds, 0, 3600, "seconds")
	e.validateLogRetention(c, "service.log_retention_days", s.LogRetentionDays)
	if !userRe.MatchString(s.User) || s.User == "0" || strings.HasPrefix(s.User, "0:") {
		c.add("service.user", s.User, "a numeric uid or uid:gid other than 0 (containers never run as root)")
	}
	for _, name := range slices.Sorted(maps.Keys(s.Environment)) {
		if !envVariableRe.MatchString(name) || strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "ECS_") {
			c.add("service.environment."+name, s.Environment[name], "a variable name of letters, digits and _, not starting with a digit, AWS_ or ECS_")
		}
	}
}

func (e *Environment) validateRegistry(c *fileProblems) {
	r := e.Registry
	// The default <customer>-<env>/<service> is valid whenever its parts are.
	if name := r.RepositoryName; name != "" && (len(name) < 2 || len(name) > 256 || !ecrRepoNameRe.MatchString(name)) {
		c.add("registry.repository_name", name, "an ECR repository name: 2-256 lower-case letters, digits and . _ - separated path parts (/)")
	}
	c.between("registry.keep_tagged_images", r.KeepTaggedImages, 1, 10000, "images")
	c.between("registry.untagged_expiry_days", r.UntaggedExpiryDays, 1, 3650, "days")
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
			byRegion[e.Secondary.Region] = append(byRegion[e.Secondary.Region], e.ImageRepositoryName())
		}
		for _, region := range slices.Sorted(maps.Keys(byRegion)) {
			repos := byRegion[region]
			slices.Sort(repos)
			owner.RegistryReplication = append(owner.RegistryReplication, ReplicationRule{Region: region, Repositories: slices.Compact(repos)})
		}
	}
}
