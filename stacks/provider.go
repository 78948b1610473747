package stacks

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
)

// providerConstraint lets a registry or mirror AWS provider newer than the
// bindings (5.99.1) satisfy the stacks.
const providerConstraint = "~> 5.99"

// newStack creates a stack with its backend and the provider constraint.
func newStack(app cdktf.App, env *config.Environment, role string) cdktf.TerraformStack {
	name := env.StackName(role)
	stack := cdktf.NewTerraformStack(app, jsii.String(name))
	configureBackend(stack, env, name)
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(providerConstraint))
	adaptToEmulator(stack, env.Emulator)
	return stack
}

// newProvider configures the AWS provider of a region: pinned to the
// environment's account so wrong credentials stop before anything is
// touched, and tagging every resource (the Tier tag also tells the policy
// pack which rules of production apply). alias "" is the stack's default.
func newProvider(stack cdktf.TerraformStack, env *config.Environment, region, alias string) provider.AwsProvider {
	cfg := &provider.AwsProviderConfig{
		Region:            jsii.String(region),
		AllowedAccountIds: jsii.Strings(env.AccountID),
		DefaultTags: &[]*provider.AwsProviderDefaultTags{{Tags: &map[string]*string{
			"Customer":    jsii.String(env.Customer),
			"Environment": jsii.String(env.Name),
			"ManagedBy":   jsii.String("cdktf-multiregion"),
			"CostCenter":  jsii.String(env.CostCenter),
			"Tier":        jsii.String(string(env.Tier)),
		}}},
	}
	id := "aws"
	if alias != "" {
		cfg.Alias = jsii.String(alias)
		id = "aws-" + alias
	}
	return provider.NewAwsProvider(stack, jsii.String(id), cfg)
}

// configureBackend stores the stack's state as the environment says. Local
// paths are relative to the stack's folder (cdktf.out/stacks/<stack>), so
// they land in <project>/state/ and no machine's absolute path is written.
func configureBackend(stack cdktf.TerraformStack, env *config.Environment, name string) {
	switch b := env.Backend; b.Type {
	case config.BackendS3:
		// The replica when use_replica is set; cdktf gives every
		// terraform_remote_state of another stack the same settings.
		bucket, region := b.S3.Active()
		cfg := &cdktf.S3BackendConfig{
			Bucket:  jsii.String(bucket),
			Key:     jsii.String(name + "/terraform.tfstate"),
			Region:  jsii.String(region),
			Encrypt: jsii.Bool(true),
		}
		if b.S3.DynamoDBTable != "" {
			cfg.DynamodbTable = jsii.String(b.S3.DynamoDBTable)
		}
		if b.S3.KMSKeyID != "" {
			cfg.KmsKeyId = jsii.String(b.S3.KMSKeyID)
		}
		cdktf.NewS3Backend(stack, cfg)
		// S3-native locking (Terraform 1.10+); the binding predates it.
		stack.AddOverride(jsii.String("terraform.backend.s3.use_lockfile"), jsii.Bool(true))
	case config.BackendCloud:
		var project *string
		if b.Cloud.Project != "" {
			project = jsii.String(b.Cloud.Project)
		}
		cdktf.NewCloudBackend(stack, &cdktf.CloudBackendConfig{
			Organization: jsii.String(b.Cloud.Organization),
			Hostname:     jsii.String(b.Cloud.Hostname),
			Workspaces:   cdktf.NewNamedCloudWorkspace(jsii.String(name), project),
		})
	default:
		cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{
			Path: jsii.String(fmt.Sprintf("../../../state/%s.tfstate", name)),
		})
	}
}

// shortRegion abbreviates a region for names: us-east-1 -> use1.
func shortRegion(region string) string { return config.ShortRegion(region) }
