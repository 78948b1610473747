package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// EventPattern is an EventBridge event pattern, built in Go.
type EventPattern struct {
	Source     []string       `json:"source"`
	DetailType []string       `json:"detail-type"`
	Resources  []string       `json:"resources,omitempty"`
	Detail     map[string]any `json:"detail,omitempty"`
}

// JSON renders the pattern; tokens inside strings are kept as they are.
func (p EventPattern) JSON() *string {
	return str(jsonText(p))
}

// eventRule is an EventBridge rule with one target. A nil roleArn targets
// a resource whose own policy admits EventBridge (an SNS topic).
type eventRule struct {
	name, description string
	pattern           EventPattern
	targetArn         *string
	roleArn           *string
	transformer       *cloudwatcheventtarget.CloudwatchEventTargetInputTransformer
	provider          cdktf.TerraformProvider
}

// add creates the rule (id) and its target (id-target).
func (r eventRule) add(c cdk.Construct, id string) cloudwatcheventrule.CloudwatchEventRule {
	rule := cloudwatcheventrule.NewCloudwatchEventRule(c, str(id), &cloudwatcheventrule.CloudwatchEventRuleConfig{
		Provider:     r.provider,
		Name:         str(r.name),
		Description:  str(r.description),
		EventPattern: r.pattern.JSON(),
		Tags:         nameTag(r.name),
	})
	cloudwatcheventtarget.NewCloudwatchEventTarget(c, str(id+"-target"), &cloudwatcheventtarget.CloudwatchEventTargetConfig{
		Provider:         r.provider,
		Rule:             rule.Name(),
		TargetId:         str("target"),
		Arn:              r.targetArn,
		RoleArn:          r.roleArn,
		InputTransformer: r.transformer,
	})
	return rule
}

// serviceRole is an IAM role that only the given service of the account can
// assume, with one inline policy.
func serviceRole(c cdk.Construct, id, name, description, service, account string, policy PolicyDocument) iamrole.IamRole {
	role := iamrole.NewIamRole(c, str(id), &iamrole.IamRoleConfig{
		Name:             str(name),
		Description:      str(description),
		AssumeRolePolicy: AssumeRolePolicy(service, account).JSON(),
		Tags:             nameTag(name),
	})
	iamrolepolicy.NewIamRolePolicy(c, str(id+"-policy"), &iamrolepolicy.IamRolePolicyConfig{
		Role:   role.Id(),
		Name:   str(id),
		Policy: policy.JSON(),
	})
	return role
}
