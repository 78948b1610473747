package stacks

import (
	"fmt"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Containers is the container platform of one region: the image
// repository (the source in the primary, the replica in the secondary), the
// ECS cluster, the load balancer and the service.
type Containers struct {
	// RegistryKey encrypts the region's repository.
	RegistryKey  *constructs.Key
	Repository   *constructs.Repository
	Cluster      *constructs.Cluster
	LoadBalancer *constructs.LoadBalancer
	Service      *constructs.Service
}

// AppInputs are what other capabilities hand the application: plain
// environment variables, secrets (variable -> secret ARN or
// ARN:json-key::) and the KMS keys those secrets are encrypted with.
type AppInputs struct {
	Environment   map[string]*string
	Secrets       map[string]*string
	SecretKeyArns []*string
}

// buildContainers adds the container platform to a regional stack. Role
// is primary or secondary; in carries what other capabilities built before
// it (the database's connection settings).
func buildContainers(stack cdktf.TerraformStack, env *config.Environment, role string, r *Regional, in AppInputs) *Containers {
	region := r.Region
	prefix := env.Prefix(region)
	names := env.ServiceNames(region) // a staging pipeline derives the same
	family := env.ServicePrefix(region)
	prod := env.Production()
	out := &Containers{}

	out.RegistryKey = constructs.NewKey(stack, "registry-key", &constructs.KeyProps{
		Alias:       prefix + "-ecr",
		Description: fmt.Sprintf("%s: container images in %s", env.ID(), region),
		Account:     env.AccountID,
		Region:      region,
	})
	// The primary's repository is the source the pipeline pushes to; the
	// secondary's has the same name and receives the registry's
	// replication, so each region's tasks pull in their own region. Both
	// execution roles may pull from the source.
	pullers := []string{names.RoleArn(names.ExecutionRole)}
	if role == config.RolePrimary {
		pullers = append(pullers, names.RoleArn(env.ExecutionRoleName(env.Secondary.Region)))
	}
	out.Repository = constructs.NewRepository(stack, "repository", &constructs.RepositoryProps{
		Name:               names.Repository,
		Account:            env.AccountID,
		KmsKeyArn:          out.RegistryKey.Arn,
		ImmutableTags:      *env.Registry.ImmutableTags,
		KeepTaggedImages:   env.Registry.KeepTaggedImages,
		UntaggedExpiryDays: env.Registry.UntaggedExpiryDays,
		ForceDelete:        !prod,
		PullerRoleArns:     pullers,
	})

	out.Cluster = constructs.NewCluster(stack, "cluster", &constructs.ClusterProps{
		Name:        names.Cluster,
		SpotPercent: *env.Service.SpotPercent,
	})

	lbProps := &constructs.LoadBalancerProps{
		Name:                       env.LoadBalancerName(region),
		TargetGroupName:            env.TargetGroupName(region),
		Account:                    env.AccountID,
		Region:                     region,
		VpcID:                      r.Network.VpcID,
		SubnetIDs:                  r.Network.PublicSubnetIDs,
		SecurityGroupID:            r.SecurityGroups.LoadBalancerID,
		TargetPort:                 env.Service.Port,
		HealthCheckPath:            env.Service.HealthCheckPath,
		DeletionProtection:         *env.LoadBalancer.DeletionProtection,
		IdleTimeoutSeconds:         env.LoadBalancer.IdleTimeoutSeconds,
		DeregistrationDelaySeconds: env.LoadBalancer.DeregistrationDelaySeconds,
		AccessLogBucket:            fmt.Sprintf("%s-alb-logs-%s", prefix, env.AccountID),
		AccessLogRetentionDays:     env.LoadBalancer.AccessLogRetentionDays,
		ForceDestroyLogs:           !prod,
		SSLPolicy:                  env.LoadBalancer.SSLPolicy,
		CertificateArn:             env.LoadBalancer.CertificateARNs[role],
	}
	if cert := env.LoadBalancer.Certificate; cert != nil {
		lbProps.Certificate = &constructs.CertificateRequest{DomainName: cert.DomainName, AlternativeNames: cert.AlternativeNames, ZoneID: cert.ZoneID}
	}
	out.LoadBalancer = constructs.NewLoadBalancer(stack, "load-balancer", lbProps)

	s := env.Service
	environment := map[string]*string{}
	for k, v := range s.Environment {
		environment[k] = &v
	}
	for k, v := range in.Environment {
		environment[k] = v // other capabilities' settings win over the file's
	}
	// The primary region serves only while its instance is the writer: its
	// stack cannot name the secondary's writer (the DAG points the other
	// way), and tasks there must not write to a detached former writer.
	desired, minCount, maxCount := s.DesiredCount, s.MinCount, s.MaxCount
	if role == config.RolePrimary && env.Database.Writer != config.RolePrimary {
		desired, minCount, maxCount = 0, 0, 0
	}
	out.Service = constructs.NewService(stack, "service", &constructs.ServiceProps{
		Name:                          names.Service,
		Family:                        family,
		Account:                       env.AccountID,
		Region:                        region,
		ClusterName:                   out.Cluster.Name,
		ClusterArn:                    out.Cluster.Arn,
		RepositoryURL:                 out.Repository.URL,
		RepositoryArn:                 out.Repository.Arn,
		ImageTag:                      s.ImageTag,
		ContainerPort:                 s.Port,
		CPU:                           s.CPU,
		Memory:                        s.Memory,
		ContainerHealthCheck:          *s.ContainerHealthCheck,
		ReadonlyRootFilesystem:        *s.ReadonlyRootFilesystem,
		User:                          s.User,
		Environment:                   environment,
		Secrets:                       in.Secrets,
		SecretKeyArns:                 in.SecretKeyArns,
		ExecutionRoleName:             names.ExecutionRole,
		TaskRoleName:                  names.TaskRole,
		LogRetentionDays:              s.LogRetentionDays,
		LogsKeyArn:                    r.LogsKey.Arn,
		SubnetIDs:                     r.Network.PrivateSubnetIDs,
		SecurityGroupIDs:              []*string{r.SecurityGroups.AppID},
		TargetGroupArn:                out.LoadBalancer.TargetGroupArn,
		Listener:                      out.LoadBalancer.ForwardingListener,
		DesiredCount:                  desired,
		MinCount:                      minCount,
		MaxCount:                      maxCount,
		SpotPercent:                   *s.SpotPercent,
		HealthCheckGracePeriodSeconds: s.HealthCheckGracePeriodSeconds,
		PipelineDeploys:               s.DeployedBy == config.DeployedByPipeline,
		Autoscaling:                   *s.Autoscaling,
		CPUTargetPercent:              s.CPUTargetPercent,
		MemoryTargetPercent:           s.MemoryTargetPercent,
		RequestsPerTarget:             s.RequestsPerTarget,
		RequestCountLabel:             str(*out.LoadBalancer.ArnSuffix + "/" + *out.LoadBalancer.TargetGroupArnSuffix),
		ScaleInCooldownSeconds:        s.ScaleInCooldownSeconds,
		ScaleOutCooldownSeconds:       s.ScaleOutCooldownSeconds,
	})

	output(stack, "load_balancer_dns_name", "DNS name of the region's load balancer", out.LoadBalancer.DNSName)
	output(stack, "cluster_name", "ECS cluster of the region", out.Cluster.Name)
	output(stack, "service_name", "ECS service of the region", out.Service.Name)
	output(stack, "repository_url", "image repository of the region", out.Repository.URL)
	return out
}

// buildReplication gives the primary stack the registry's replication
// configuration when this environment owns it (config decides; see
// config.assignReplication).
func buildReplication(stack cdktf.TerraformStack, env *config.Environment) *constructs.RegistryReplication {
	if len(env.RegistryReplication) == 0 {
		return nil
	}
	var rules []constructs.ReplicationRule
	for _, r := range env.RegistryReplication {
		rules = append(rules, constructs.ReplicationRule{Region: r.Region, Prefixes: r.Repositories})
	}
	return constructs.NewRegistryReplication(stack, "registry-replication", &constructs.RegistryReplicationProps{
		Account: env.AccountID,
		Rules:   rules,
	})
}

func str(s string) *string { return &s }
