package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// AlertTopicProps configures an SNS topic that CloudWatch alarms publish to.
type AlertTopicProps struct {
	// Name of the topic and of its key's alias.
	Name    string
	Account string
	Region  string
	// Provider creates the topic and its key in Region when that is not the
	// stack's region (nil: the stack's default provider).
	Provider cdktf.TerraformProvider
}

// AlertTopic is an SNS topic encrypted with its own KMS key, which only
// this account's CloudWatch alarms may publish to (besides the account).
type AlertTopic struct {
	cdk.Construct
	Arn    *string
	Key    *Key
	Region string
}

// NewAlertTopic creates the key, the topic and its policy.
func NewAlertTopic(scope cdk.Construct, id string, p *AlertTopicProps) *AlertTopic {
	c := cdk.NewConstruct(scope, str(id))
	// CloudWatch needs the key to publish to an encrypted topic.
	key := NewKey(c, "key", &KeyProps{
		Alias:             p.Name,
		Description:       fmt.Sprintf("SNS alert topic %s in %s", p.Name, p.Region),
		Account:           p.Account,
		Region:            p.Region,
		ServicePrincipals: []string{"cloudwatch.amazonaws.com"},
		Provider:          p.Provider,
	})
	topic := snstopic.NewSnsTopic(c, str("topic"), &snstopic.SnsTopicConfig{
		Name:           str(p.Name),
		KmsMasterKeyId: key.Arn,
		Tags:           nameTag(p.Name),
		Provider:       p.Provider,
	})
	snstopicpolicy.NewSnsTopicPolicy(c, str("policy"), &snstopicpolicy.SnsTopicPolicyConfig{
		Arn:      topic.Arn(),
		Policy:   AlertTopicPolicy(*topic.Arn(), p.Account, p.Region).JSON(),
		Provider: p.Provider,
	})
	return &AlertTopic{Construct: c, Arn: topic.Arn(), Key: key, Region: p.Region}
}

// AlertTopicPolicy lets the account manage the topic and this account's
// CloudWatch alarms of the region publish to it, over TLS only.
func AlertTopicPolicy(topicArn, account, region string) PolicyDocument {
	return Policy(
		Statement{
			Sid: "AccountManages", Effect: "Allow",
			Principal: map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", account)},
			Action: []string{"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
				"sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"},
			Resource: []string{topicArn},
		},
		Statement{
			Sid: "CloudWatchAlarmsPublish", Effect: "Allow",
			Principal: ServicePrincipal("cloudwatch.amazonaws.com"),
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicArn},
			Condition: map[string]map[string]any{
				"StringEquals": {"aws:SourceAccount": account},
				"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:*", region, account)},
			},
		},
		Statement{
			Sid: "DenyInsecureTransport", Effect: "Deny",
			Principal: map[string]any{"AWS": "*"},
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicArn},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		},
	)
}
