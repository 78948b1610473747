package constructs

import (
	"fmt"
	"strings"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
)

// TopicProps configures an encrypted SNS topic with e-mail subscribers.
type TopicProps struct {
	// Name of the topic.
	Name    string
	Account string
	// KeyArn encrypts messages at rest; the key must admit every service in
	// PublisherServices (KeyProps.ServicePrincipals).
	KeyArn *string
	// Emails are subscribed (each confirms by mail).
	Emails []string
	// PublisherServices may publish, only on behalf of this account, e.g.
	// events.amazonaws.com for EventBridge rules.
	PublisherServices []string
}

// Topic is an SNS topic encrypted with a CMK, reachable only over TLS.
type Topic struct {
	cdk.Construct
	Arn  *string
	Name *string
}

// NewTopic creates the topic, its policy and the e-mail subscriptions.
func NewTopic(scope cdk.Construct, id string, p *TopicProps) *Topic {
	c := cdk.NewConstruct(scope, str(id))
	topic := snstopic.NewSnsTopic(c, str("topic"), &snstopic.SnsTopicConfig{
		Name:           str(p.Name),
		KmsMasterKeyId: p.KeyArn,
		Tags:           nameTag(p.Name),
	})
	arn := *topic.Arn()
	statements := []Statement{{
		Sid: "AccountManages", Effect: "Allow",
		Principal: map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", p.Account)},
		Action: []string{"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
			"sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"},
		Resource: []string{arn},
	}}
	for _, svc := range p.PublisherServices {
		statements = append(statements, Statement{
			Sid: "PublishBy" + sidOf(svc), Effect: "Allow",
			Principal: ServicePrincipal(svc),
			Action:    []string{"sns:Publish"},
			Resource:  []string{arn},
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": p.Account}},
		})
	}
	statements = append(statements, Statement{
		Sid: "DenyInsecureTransport", Effect: "Deny",
		Principal: map[string]any{"AWS": "*"},
		Action:    []string{"sns:Publish"},
		Resource:  []string{arn},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	})
	snstopicpolicy.NewSnsTopicPolicy(c, str("policy"), &snstopicpolicy.SnsTopicPolicyConfig{
		Arn:    topic.Arn(),
		Policy: Policy(statements...).JSON(),
	})
	// Keyed by address: reordering the list moves no subscription.
	for _, email := range p.Emails {
		snstopicsubscription.NewSnsTopicSubscription(c, str("email-"+idOf(email)), &snstopicsubscription.SnsTopicSubscriptionConfig{
			TopicArn: topic.Arn(),
			Protocol: str("email"),
			Endpoint: str(email),
		})
	}
	return &Topic{Construct: c, Arn: topic.Arn(), Name: topic.Name()}
}

// idOf turns free text (an e-mail address) into a construct id fragment.
func idOf(s string) string {
	out := []byte{}
	for _, r := range []byte(strings.ToLower(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			out = append(out, r)
		} else if len(out) > 0 && out[len(out)-1] != '-' {
			out = append(out, '-')
		}
	}
	return strings.TrimRight(string(out), "-")
}
