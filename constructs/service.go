package constructs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// ServiceProps configures a Fargate service behind a load balancer target
// group, its task definition, roles, logs and auto scaling.
type ServiceProps struct {
	// Name of the service and its container, e.g. app.
	Name string
	// Family of the task definition; also names the log group, e.g.
	// acme-prod-use1-app.
	Family  string
	Account string
	Region  string

	ClusterName *string
	ClusterArn  *string

	// RepositoryURL and RepositoryArn are the image repository of this
	// region (its replica in the secondary); ImageTag the tag to run.
	RepositoryURL *string
	RepositoryArn *string
	ImageTag      string

	ContainerPort int
	// CPU units and memory MiB: a Fargate size (config checks).
	CPU    int
	Memory int
	// ContainerHealthCheck is a shell command; "" for none.
	ContainerHealthCheck   string
	ReadonlyRootFilesystem bool
	// User is a numeric uid or uid:gid, never 0.
	User string

	// Environment holds plain variables; Secrets maps a variable to a
	// Secrets Manager secret ARN, or ARN:json-key:: for one key of a JSON
	// secret. The execution role may read exactly those secrets and decrypt
	// with exactly SecretKeyArns (no statement when empty).
	Environment   map[string]*string
	Secrets       map[string]*string
	SecretKeyArns []*string

	// ExecutionRoleName and TaskRoleName are fixed names, so that policies
	// elsewhere can name the roles before they exist.
	ExecutionRoleName string
	TaskRoleName      string

	LogRetentionDays int
	// LogsKeyArn encrypts the log group; the key must admit CloudWatch Logs.
	LogsKeyArn *string

	// SubnetIDs are private subnets; SecurityGroupIDs the app tier's group.
	SubnetIDs        []*string
	SecurityGroupIDs []*string
	// TargetGroupArn receives the tasks; Listener attaches the group to the
	// load balancer, which ECS requires before the service exists.
	TargetGroupArn *string
	Listener       cdktf.ITerraformDependable

	DesiredCount int
	MinCount     int
	MaxCount     int
	// SpotPercent of the tasks run on FARGATE_SPOT.
	SpotPercent                   int
	HealthCheckGracePeriodSeconds int
	// PipelineDeploys: the delivery pipeline owns the running task
	// definition revision, so Terraform ignores the service's
	// task_definition (an apply would otherwise roll a release back).
	PipelineDeploys bool

	// Autoscaling adds the scalable target and the policies below.
	Autoscaling bool
	// Target tracking: CPU and memory utilization percent, ALB requests per
	// target per minute. RequestCountLabel is
	// <load balancer ARN suffix>/<target group ARN suffix>.
	CPUTargetPercent        int
	MemoryTargetPercent     int
	RequestsPerTarget       int
	RequestCountLabel       *string
	ScaleInCooldownSeconds  int
	ScaleOutCooldownSeconds int
}

// Service is a Fargate service with its task definition and auto scaling.
type Service struct {
	cdk.Construct
	Name              *string
	ContainerName     string
	ExecutionRoleArn  *string
	ExecutionRoleName *string
	TaskRoleArn       *string
	TaskRoleName      *string
}

// NewService creates the log group, the task execution role (image pull,
// logs, the configured secrets), the task role, the task definition, the
// service in private subnets and its auto scaling.
func NewService(scope cdk.Construct, id string, p *ServiceProps) *Service {
	c := cdk.NewConstruct(scope, str(id))
	out := &Service{Construct: c, ContainerName: p.Name}

	logs := cloudwatchloggroup.NewCloudwatchLogGroup(c, str("logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            str("/ecs/" + p.Family),
		RetentionInDays: num(p.LogRetentionDays),
		KmsKeyId:        p.LogsKeyArn,
		Tags:            nameTag(p.Family),
	})

	// The execution role is what ECS and Fargate use to start the task.
	exec := iamrole.NewIamRole(c, str("execution-role"), &iamrole.IamRoleConfig{
		Name:             str(p.ExecutionRoleName),
		Description:      str(p.Family + ": ECS task execution (image pull, logs, secrets)"),
		AssumeRolePolicy: AssumeRolePolicy("ecs-tasks.amazonaws.com", p.Account).JSON(),
		Tags:             nameTag(p.ExecutionRoleName),
	})
	iamrolepolicy.NewIamRolePolicy(c, str("execution-policy"), &iamrolepolicy.IamRolePolicyConfig{
		Role:   exec.Id(),
		Name:   str("task-execution"),
		Policy: ExecutionPolicy(p.RepositoryArn, logs.Arn(), p.Secrets, p.SecretKeyArns).JSON(),
	})
	out.ExecutionRoleArn, out.ExecutionRoleName = exec.Arn(), exec.Name()

	// The task role is what the application itself may do: nothing yet;
	// features that need AWS APIs attach their own narrow policies.
	task := iamrole.NewIamRole(c, str("task-role"), &iamrole.IamRoleConfig{
		Name:             str(p.TaskRoleName),
		Description:      str(p.Family + ": the application's own AWS permissions"),
		AssumeRolePolicy: AssumeRolePolicy("ecs-tasks.amazonaws.com", p.Account).JSON(),
		Tags:             nameTag(p.TaskRoleName),
	})
	out.TaskRoleArn, out.TaskRoleName = task.Arn(), task.Name()

	td := ecstaskdefinition.NewEcsTaskDefinition(c, str("task-definition"), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  str(p.Family),
		RequiresCompatibilities: strs("FARGATE"),
		NetworkMode:             str("awsvpc"),
		Cpu:                     str(fmt.Sprint(p.CPU)),
		Memory:                  str(fmt.Sprint(p.Memory)),
		RuntimePlatform: &ecstaskdefinition.EcsTaskDefinitionRuntimePlatform{
			OperatingSystemFamily: str("LINUX"),
			CpuArchitecture:       str("X86_64"),
		},
		ExecutionRoleArn:     exec.Arn(),
		TaskRoleArn:          task.Arn(),
		ContainerDefinitions: ContainerDefinitions(p, logs.Name()),
		// A writable scratch volume for /tmp: the root filesystem is read-only.
		Volume: &[]*ecstaskdefinition.EcsTaskDefinitionVolume{{Name: str("tmp")}},
		Tags:   nameTag(p.Family),
	})

	var strategy []*ecsservice.EcsServiceCapacityProviderStrategy
	for _, s := range CapacityStrategy(p.SpotPercent) {
		strategy = append(strategy, &ecsservice.EcsServiceCapacityProviderStrategy{
			CapacityProvider: str(s.Provider), Weight: num(s.Weight), Base: num(s.Base),
		})
	}
	// Auto scaling owns the running count once the service exists.
	ignore := []string{"desired_count"}
	if p.PipelineDeploys {
		ignore = append(ignore, "task_definition")
	}
	svc := ecsservice.NewEcsService(c, str("service"), &ecsservice.EcsServiceConfig{
		Name:                     str(p.Name),
		Cluster:                  p.ClusterArn,
		TaskDefinition:           td.Arn(),
		DesiredCount:             num(p.DesiredCount),
		CapacityProviderStrategy: &strategy,
		PlatformVersion:          str("LATEST"),
		// Start new tasks before stopping old ones; roll back a deployment
		// whose tasks never become healthy.
		DeploymentMaximumPercent:        num(200),
		DeploymentMinimumHealthyPercent: num(100),
		DeploymentCircuitBreaker: &ecsservice.EcsServiceDeploymentCircuitBreaker{
			Enable:   boolp(true),
			Rollback: boolp(true),
		},
		HealthCheckGracePeriodSeconds: num(p.HealthCheckGracePeriodSeconds),
		NetworkConfiguration: &ecsservice.EcsServiceNetworkConfiguration{
			Subnets:        &p.SubnetIDs,
			SecurityGroups: &p.SecurityGroupIDs,
			AssignPublicIp: boolp(false),
		},
		LoadBalancer: &[]*ecsservice.EcsServiceLoadBalancer{{
			TargetGroupArn: p.TargetGroupArn,
			ContainerName:  str(p.Name),
			ContainerPort:  num(p.ContainerPort),
		}},
		PropagateTags:        str("SERVICE"),
		EnableEcsManagedTags: boolp(true),
		Tags:                 nameTag(p.Family),
		Lifecycle:            &cdktf.TerraformResourceLifecycle{IgnoreChanges: strs(ignore...)},
		DependsOn:            &[]cdktf.ITerraformDependable{p.Listener},
	})
	out.Name = svc.Name()

	if p.Autoscaling {
		scaling(c, p, svc)
	}
	return out
}

// scaling keeps the task count between MinCount and MaxCount with three
// target tracking policies: scale out when any metric is above its target,
// in only when all are below.
func scaling(c cdk.Construct, p *ServiceProps, svc ecsservice.EcsService) {
	target := appautoscalingtarget.NewAppautoscalingTarget(c, str("scaling-target"), &appautoscalingtarget.AppautoscalingTargetConfig{
		ServiceNamespace:  str("ecs"),
		ResourceId:        str(fmt.Sprintf("service/%s/%s", *p.ClusterName, *svc.Name())),
		ScalableDimension: str("ecs:service:DesiredCount"),
		MinCapacity:       num(p.MinCount),
		MaxCapacity:       num(p.MaxCount),
		Tags:              nameTag(p.Family),
	})
	for _, m := range []struct {
		id, metric string
		value      int
		label      *string
	}{
		{"cpu", "ECSServiceAverageCPUUtilization", p.CPUTargetPercent, nil},
		{"memory", "ECSServiceAverageMemoryUtilization", p.MemoryTargetPercent, nil},
		{"requests", "ALBRequestCountPerTarget", p.RequestsPerTarget, p.RequestCountLabel},
	} {
		appautoscalingpolicy.NewAppautoscalingPolicy(c, str("scale-on-"+m.id), &appautoscalingpolicy.AppautoscalingPolicyConfig{
			Name:              str(p.Family + "-" + m.id),
			PolicyType:        str("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace(),
			ResourceId:        target.ResourceId(),
			ScalableDimension: target.ScalableDimension(),
			TargetTrackingScalingPolicyConfiguration: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration{
				TargetValue:      num(m.value),
				ScaleInCooldown:  num(p.ScaleInCooldownSeconds),
				ScaleOutCooldown: num(p.ScaleOutCooldownSeconds),
				PredefinedMetricSpecification: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification{
					PredefinedMetricType: str(m.metric),
					ResourceLabel:        m.label,
				},
			},
		})
	}
}

// ExecutionPolicy lets ECS pull the image from this repository, write to
// this log group, and read exactly the given secrets with exactly the given
// keys.
func ExecutionPolicy(repositoryArn, logGroupArn *string, secrets map[string]*string, keyArns []*string) PolicyDocument {
	statements := []Statement{
		{Sid: "AuthenticateToRegistry", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}}, // has no resource-level form
		{Sid: "PullImage", Effect: "Allow", Action: PullActions, Resource: []string{*repositoryArn}},
		{Sid: "WriteLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{*logGroupArn + ":*"}},
	}
	if arns := secretArns(secrets); len(arns) > 0 {
		statements = append(statements, Statement{Sid: "ReadSecrets", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"}, Resource: arns})
	}
	if len(keyArns) > 0 {
		var keys []string
		for _, k := range keyArns {
			keys = append(keys, *k)
		}
		slices.Sort(keys)
		statements = append(statements, Statement{Sid: "DecryptSecrets", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: slices.Compact(keys)})
	}
	return Policy(statements...)
}

// secretArns are the secrets behind the secrets' valueFrom references,
// sorted and without duplicates. A reference is a secret ARN
// (arn:aws:secretsmanager:<region>:<account>:secret:<name>, seven
// colon-separated parts) optionally followed by :json-key:version-stage:
// version-id, so the secret is the first seven parts: cut in Go for literal
// ARNs and for a reference that starts with another resource's ARN
// attribute (the common case: <secret arn>:password::); anything else is
// cut by Terraform.
func secretArns(secrets map[string]*string) []string {
	var out []string
	for _, ref := range secrets {
		if !*cdktf.Token_IsUnresolved(ref) {
			parts := strings.Split(*ref, ":")
			out = append(out, strings.Join(parts[:min(7, len(parts))], ":"))
			continue
		}
		frags := cdktf.Tokenization_ReverseString(ref)
		if first := frags.FirstToken(); len(*frags.Tokens()) == 1 && first != nil {
			arn := cdktf.Token_AsString(first, nil)
			if rest, ok := strings.CutPrefix(*ref, *arn); ok && (rest == "" || strings.HasPrefix(rest, ":")) {
				out = append(out, *arn)
				continue
			}
		}
		out = append(out, *cdktf.Fn_Join(str(":"), cdktf.Token_AsList(cdktf.Fn_Slice(cdktf.Fn_Split(str(":"), ref), num(0), num(7)), nil)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// containerDefinition is the one container of the task, as ECS's JSON.
type containerDefinition struct {
	Name                   string           `json:"name"`
	Image                  string           `json:"image"`
	Essential              bool             `json:"essential"`
	User                   string           `json:"user"`
	ReadonlyRootFilesystem bool             `json:"readonlyRootFilesystem"`
	PortMappings           []portMapping    `json:"portMappings"`
	Environment            []nameValue      `json:"environment,omitempty"`
	Secrets                []nameValueFrom  `json:"secrets,omitempty"`
	MountPoints            []mountPoint     `json:"mountPoints"`
	LinuxParameters        linuxParameters  `json:"linuxParameters"`
	LogConfiguration       logConfiguration `json:"logConfiguration"`
	HealthCheck            *healthCheck     `json:"healthCheck,omitempty"`
}

type portMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type nameValueFrom struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type mountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type linuxParameters struct {
	InitProcessEnabled bool                `json:"initProcessEnabled"`
	Capabilities       map[string][]string `json:"capabilities"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

type healthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

// ContainerDefinitions renders the task's container: the region's image,
// non-root, read-only root with a writable /tmp, no Linux capabilities, an
// init process that reaps zombies, logs to the encrypted group.
func ContainerDefinitions(p *ServiceProps, logGroup *string) *string {
	def := containerDefinition{
		Name:                   p.Name,
		Image:                  *p.RepositoryURL + ":" + p.ImageTag,
		Essential:              true,
		User:                   p.User,
		ReadonlyRootFilesystem: p.ReadonlyRootFilesystem,
		PortMappings:           []portMapping{{ContainerPort: p.ContainerPort, HostPort: p.ContainerPort, Protocol: "tcp"}},
		MountPoints:            []mountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp", ReadOnly: false}},
		LinuxParameters: linuxParameters{
			InitProcessEnabled: true,
			Capabilities:       map[string][]string{"drop": {"ALL"}},
		},
		LogConfiguration: logConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group":         *logGroup,
			"awslogs-region":        p.Region,
			"awslogs-stream-prefix": p.Name,
		}},
	}
	for _, k := range slices.Sorted(maps.Keys(p.Environment)) {
		def.Environment = append(def.Environment, nameValue{k, *p.Environment[k]})
	}
	for _, k := range slices.Sorted(maps.Keys(p.Secrets)) {
		def.Secrets = append(def.Secrets, nameValueFrom{k, *p.Secrets[k]})
	}
	if p.ContainerHealthCheck != "" {
		def.HealthCheck = &healthCheck{
			Command:  []string{"CMD-SHELL", p.ContainerHealthCheck},
			Interval: 30, Timeout: 5, Retries: 3,
			StartPeriod: min(max(p.HealthCheckGracePeriodSeconds, 0), 300),
		}
	}
	return str(jsonText([]containerDefinition{def})) // && and <> in commands stay readable
}
