package stacks

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Bootstrap is the stack an operator applies once per AWS account, with
// local state, before the account's environments: the state bucket and its
// replica, the HCP Terraform identity provider and the run roles.
type Bootstrap struct {
	cdktf.TerraformStack
	Account *config.Account
	State   *constructs.StateBuckets
	// RunRoles are the run role ARNs by environment id.
	RunRoles map[string]*string
}

// NewBootstrap builds the bootstrap stack of an account. Its outputs are
// what the environment files name: state_bucket, state_region,
// state_replica_bucket, state_replica_region and a run_role_arn_<env> per
// environment that HCP Terraform runs.
func NewBootstrap(app cdktf.App, a *config.Account) *Bootstrap {
	name := a.StackName()
	stack := cdktf.NewTerraformStack(app, jsii.String(name))
	// Applied once by an operator: its own state cannot live in the bucket
	// it creates.
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String(fmt.Sprintf("../../../state/%s.tfstate", name))})
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(providerConstraint))
	adaptToEmulator(stack, a.Emulator)
	// The providers tag like an environment's, as environment "bootstrap" of
	// the account's tier.
	tagged := &config.Environment{Customer: a.Customer, Name: "bootstrap", AccountID: a.ID, CostCenter: a.Environments[0].CostCenter, Tier: a.Tier()}
	newProvider(stack, tagged, a.State.Region, "")
	replica := newProvider(stack, tagged, a.State.ReplicaRegion, "replica")
	b := &Bootstrap{TerraformStack: stack, Account: a, RunRoles: map[string]*string{}}

	b.State = constructs.NewStateBuckets(stack, "state", &constructs.StateBucketsProps{
		Bucket:              a.StateBucket(a.State.Region),
		ReplicaBucket:       a.StateBucket(a.State.ReplicaRegion),
		Account:             a.ID,
		Region:              a.State.Region,
		ReplicaRegion:       a.State.ReplicaRegion,
		ReplicaProvider:     replica,
		KeyAlias:            a.Customer + "-tfstate",
		NoncurrentDays:      a.State.NoncurrentVersionDays,
		AccessLogDays:       365, // who read or wrote state, for a year
		ForceDestroyLogs:    a.Tier() != config.TierProduction,
		ReplicationRoleName: fmt.Sprintf("%s-%s-tfstate-replication", a.Customer, a.Alias),
	})
	// What the environment files of the account name (backend.s3.*).
	output(stack, "state_bucket", "the state bucket: backend.s3.bucket", b.State.Primary.Name)
	output(stack, "state_region", "the state bucket's region: backend.s3.region", a.State.Region)
	output(stack, "state_replica_bucket", "its replica: backend.s3.replica_bucket", b.State.Replica.Name)
	output(stack, "state_replica_region", "the replica's region: backend.s3.replica_region", a.State.ReplicaRegion)

	roles := a.RunRoles()
	providers := map[string]*string{}
	for _, r := range roles {
		if providers[r.Cloud.Hostname] == nil {
			providers[r.Cloud.Hostname] = constructs.NewWorkloadIdentityProvider(stack, "workload-identity-"+r.Cloud.Hostname, r.Cloud.Hostname, config.WorkloadIdentityAudience)
		}
	}
	for _, r := range roles {
		env := r.Env
		props := &constructs.RunRoleProps{
			Name:                config.RunRoleName(env),
			ManagedPrefix:       env.ID() + "-",
			Account:             a.ID,
			IdentityProviderArn: providers[r.Cloud.Hostname],
			Hostname:            r.Cloud.Hostname,
			Audience:            config.WorkloadIdentityAudience,
			Subjects:            r.Cloud.RunSubjects(env.StackNames()),
			Services:            constructs.PlatformServices,
			Regions:             runRegions(env),
		}
		if env.Backend.Type == config.BackendS3 {
			for _, ref := range []constructs.BucketRef{b.State.Primary, b.State.Replica} {
				props.StateBuckets = append(props.StateBuckets, *ref.Arn)
				props.StateObjects = append(props.StateObjects, *ref.Arn+"/"+env.ID()+"-*")
				props.StateKeys = append(props.StateKeys, *ref.KeyArn)
			}
		}
		role := constructs.NewRunRole(stack, "run-role-"+env.ID(), props)
		b.RunRoles[env.ID()] = role.Arn
		output(stack, config.RunRoleOutput(env), "TFC_AWS_RUN_ROLE_ARN of "+env.ID()+"'s workspaces: backend.cloud.run_role_arn", role.Arn)
	}
	return b
}

// runRegions are the regions an environment's runs send requests to: its
// two, and us-east-1, where global services (CloudFront, Route 53, IAM,
// Budgets, ACM for CloudFront) take theirs.
func runRegions(env *config.Environment) []string {
	out := []string{env.Primary.Region, env.Secondary.Region}
	if !slices.Contains(out, "us-east-1") {
		out = append(out, "us-east-1")
	}
	return out
}

// accountsOf returns the accounts of envs, once each, by stack name.
func accountsOf(envs []*config.Environment) []*config.Account {
	byName := map[string]*config.Account{}
	for _, e := range envs {
		if e.Account != nil {
			byName[e.Account.StackName()] = e.Account
		}
	}
	var out []*config.Account
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[n])
	}
	return out
}
