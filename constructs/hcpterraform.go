package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamopenidconnectprovider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
)

// NewWorkloadIdentityProvider creates the IAM OIDC identity provider that
// lets runs on an HCP Terraform (or Terraform Enterprise) host assume roles
// with dynamic provider credentials, and returns its ARN. No thumbprint:
// IAM verifies such hosts through its library of trusted CAs.
func NewWorkloadIdentityProvider(scope cdk.Construct, id, hostname, audience string) *string {
	p := iamopenidconnectprovider.NewIamOpenidConnectProvider(scope, str(id), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
		Url:          str("https://" + hostname),
		ClientIdList: strs(audience),
		Tags:         nameTag(hostname),
	})
	return p.Arn()
}

// RunRoleProps configures the role the runs of one environment's workspaces
// assume.
type RunRoleProps struct {
	// Name of the role; ManagedPrefix is the name prefix of every IAM role
	// and policy the environment's stacks manage (<customer>-<env>-).
	Name, ManagedPrefix string
	Account             string
	// IdentityProviderArn and Hostname are the OIDC provider of the host.
	IdentityProviderArn *string
	Hostname, Audience  string
	// Subjects are the exact `sub` claims admitted: organization, project,
	// workspace and run phase (see config.CloudBackend.RunSubjects).
	Subjects []string
	// Services are the IAM service prefixes of everything the stacks
	// create besides IAM (PlatformServices), allowed only for requests to
	// Regions (the environment's two, and us-east-1, where global services
	// such as CloudFront, Route 53 and Budgets take requests).
	Services []string
	Regions  []string
	// StateObjects and StateKeys, when set, are the state object ARNs
	// (bucket/prefix*) and KMS keys of an S3 backend the runs use.
	StateBuckets, StateObjects, StateKeys []string
}

// PlatformServices are the IAM service prefixes of the resources the
// environment stacks create, IAM aside (its rights are narrower). A test
// maps every synthesized resource type to one of them.
var PlatformServices = []string{
	"acm", "application-autoscaling", "budgets", "cloudfront", "cloudtrail",
	"cloudwatch", "codebuild", "codecommit", "codepipeline", "ec2", "ecr",
	"ecs", "elasticloadbalancing", "events", "kms", "logs", "rds",
	"route53", "s3", "secretsmanager", "sns", "wafv2",
}

// NewRunRole creates the role and its permissions: the platform's services,
// IAM only on the environment's own roles and policies (never on this
// role), and state access when the backend is S3. Its trust policy admits
// exactly the given subjects with the given audience.
func NewRunRole(scope cdk.Construct, id string, p *RunRoleProps) *RunRole {
	c := cdk.NewConstruct(scope, str(id))
	role := iamrole.NewIamRole(c, str("role"), &iamrole.IamRoleConfig{
		Name:               str(p.Name),
		Description:        str("HCP Terraform runs of " + p.ManagedPrefix + "* workspaces"),
		AssumeRolePolicy:   RunRoleTrustPolicy(p.IdentityProviderArn, p.Hostname, p.Audience, p.Subjects).JSON(),
		MaxSessionDuration: num(3600),
		Tags:               nameTag(p.Name),
	})
	iamrolepolicy.NewIamRolePolicy(c, str("policy"), &iamrolepolicy.IamRolePolicyConfig{
		Role:   role.Id(),
		Name:   str("deploy"),
		Policy: RunRolePolicy(p).JSON(),
	})
	return &RunRole{Construct: c, Arn: role.Arn()}
}

// RunRole is an environment's HCP Terraform run role.
type RunRole struct {
	cdk.Construct
	Arn *string
}

// RunRoleTrustPolicy admits web identities of the provider whose audience
// and subject match exactly (plan and apply runs of named workspaces).
func RunRoleTrustPolicy(providerArn *string, hostname, audience string, subjects []string) PolicyDocument {
	return Policy(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Federated": *providerArn},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": {
			hostname + ":aud": audience,
			hostname + ":sub": subjects,
		}},
	})
}

// RunRolePolicy is the run role's permissions.
func RunRolePolicy(p *RunRoleProps) PolicyDocument {
	var actions []string
	for _, s := range p.Services {
		actions = append(actions, s+":*")
	}
	iamARN := func(kind string) string {
		return fmt.Sprintf("arn:aws:iam::%s:%s/%s*", p.Account, kind, p.ManagedPrefix)
	}
	// IAM takes a resource path of a kind (role/, policy/ ...), not the
	// account alone.
	iamAll := func(kind string) string { return fmt.Sprintf("arn:aws:iam::%s:%s/*", p.Account, kind) }
	self := fmt.Sprintf("arn:aws:iam::%s:role/%s", p.Account, p.Name)
	st := []Statement{
		// Resource "*": the stacks create resources whose ARNs exist only
		// after creation, and describe calls take no resource; the region
		// condition keeps the grant to the environment's regions.
		{Sid: "PlatformServices", Effect: "Allow", Action: actions, Resource: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"aws:RequestedRegion": p.Regions}}},
		{Sid: "ReadIAM", Effect: "Allow", Action: []string{"iam:Get*", "iam:List*"},
			Resource: []string{iamAll("role"), iamAll("policy"), iamAll("instance-profile"), "arn:aws:iam::aws:policy/*"}},
		{Sid: "EnvironmentIAM", Effect: "Allow", Action: []string{"iam:*"}, Resource: []string{iamARN("role"), iamARN("policy"), iamARN("instance-profile")}},
		{Sid: "ServiceLinkedRoles", Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole"},
			Resource: []string{fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/*", p.Account)}},
		{Sid: "NotItself", Effect: "Deny", Action: []string{"iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Tag*", "iam:Untag*", "iam:Update*"},
			Resource: []string{self}},
	}
	if len(p.StateObjects) > 0 {
		st = append(st,
			Statement{Sid: "StateList", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: p.StateBuckets},
			Statement{Sid: "StateObjects", Effect: "Allow", Action: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, Resource: p.StateObjects},
			Statement{Sid: "StateKeys", Effect: "Allow", Action: []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"}, Resource: p.StateKeys},
		)
	}
	return Policy(st...)
}
