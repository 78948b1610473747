package constructs

import (
	"fmt"
	"slices"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
)

// ApproverRoleProps configures the role people assume to approve releases.
type ApproverRoleProps struct {
	Name    string
	Account string
	Region  string
	// Principals (IAM ARNs) that may assume the role.
	Principals []string
	// Pipeline, Stage and Action name the one approval action.
	Pipeline string
	Stage    string
	Action   string
}

// ApproverRole may approve or reject one pipeline's approval action and
// read that pipeline, nothing else.
type ApproverRole struct {
	cdk.Construct
	Arn  *string
	Name *string
}

// NewApproverRole creates the role and its policy.
func NewApproverRole(scope cdk.Construct, id string, p *ApproverRoleProps) *ApproverRole {
	c := cdk.NewConstruct(scope, str(id))
	principals := slices.Clone(p.Principals)
	slices.Sort(principals)
	role := iamrole.NewIamRole(c, str("role"), &iamrole.IamRoleConfig{
		Name:        str(p.Name),
		Description: str("Approves or rejects releases of the pipeline " + p.Pipeline),
		AssumeRolePolicy: Policy(Statement{
			Effect: "Allow", Principal: map[string]any{"AWS": principals}, Action: []string{"sts:AssumeRole"},
		}).JSON(),
		MaxSessionDuration: num(3600),
		Tags:               nameTag(p.Name),
	})
	iamrolepolicy.NewIamRolePolicy(c, str("policy"), &iamrolepolicy.IamRolePolicyConfig{
		Role:   role.Id(),
		Name:   str("approve"),
		Policy: ApproverPolicy(p.Region, p.Account, p.Pipeline, p.Stage, p.Action).JSON(),
	})
	return &ApproverRole{Construct: c, Arn: role.Arn(), Name: role.Name()}
}

// ApproverPolicy allows PutApprovalResult on exactly one action and the
// read calls the console needs to show the pipeline.
func ApproverPolicy(region, account, pipeline, stage, action string) PolicyDocument {
	arn := fmt.Sprintf("arn:aws:codepipeline:%s:%s:%s", region, account, pipeline)
	return Policy(
		Allow([]string{"codepipeline:PutApprovalResult"}, fmt.Sprintf("%s/%s/%s", arn, stage, action)),
		Allow([]string{"codepipeline:GetPipeline", "codepipeline:GetPipelineState", "codepipeline:GetPipelineExecution",
			"codepipeline:ListPipelineExecutions", "codepipeline:ListActionExecutions"}, arn),
	)
}
