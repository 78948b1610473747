package constructs

import (
	"fmt"
	"strings"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// AWS services that publish to topics.
const (
	PublisherCloudWatch    = "cloudwatch.amazonaws.com"
	PublisherEventBridge   = "events.amazonaws.com"
	PublisherBudgets       = "budgets.amazonaws.com"
	PublisherNotifications = "codestar-notifications.amazonaws.com"
)

// Subscription protocols.
const (
	ProtocolEmail = "email"
	ProtocolHTTPS = "https"
)

// Subscription is one endpoint of a topic.
type Subscription struct {
	// Protocol is email or https.
	Protocol string
	// Endpoint is the address or URL; it confirms the subscription once.
	Endpoint string
}

// TopicProps configures an encrypted SNS topic.
type TopicProps struct {
	// Name of the topic, unique per account and region.
	Name        string
	DisplayName string
	Account     string
	Region      string
	// Provider creates the topic (and its key) in Region when that is not
	// the stack's region (nil: the stack's default provider).
	Provider cdktf.TerraformProvider
	// KeyArn encrypts the topic with a caller's CMK, whose policy must let
	// the publisher services use it (PublishersKeyStatement). When nil the
	// topic gets a CMK of its own (alias = Name) that does.
	KeyArn *string
	// PublisherServices may publish, only on behalf of Account, e.g.
	// PublisherCloudWatch.
	PublisherServices []string
	Subscriptions     []Subscription
}

// Topic is an SNS topic encrypted with a customer managed key that only
// the named AWS services of the account (and the account's own
// principals, through IAM) may publish to, over TLS.
type Topic struct {
	cdk.Construct
	Arn  *string
	Name string
	// Region the topic is in: alarms and rules that notify it must be too.
	Region string
	// KeyArn encrypts the topic (the caller's or its own).
	KeyArn *string
	// Key is the topic's own key; nil when the caller brought one.
	Key *Key
}

// NewTopic creates the topic (and its key unless given), its policy and
// its subscriptions.
func NewTopic(scope cdk.Construct, id string, p *TopicProps) *Topic {
	checkTopicProps(p)
	c := cdk.NewConstruct(scope, str(id))
	t := &Topic{Construct: c, Name: p.Name, Region: p.Region, KeyArn: p.KeyArn}
	if t.KeyArn == nil {
		var statements []Statement
		if len(p.PublisherServices) > 0 {
			statements = append(statements, PublishersKeyStatement(p.PublisherServices...))
		}
		t.Key = NewKey(c, "key", &KeyProps{
			Alias:       p.Name,
			Description: fmt.Sprintf("SNS topic %s in %s", p.Name, p.Region),
			Account:     p.Account,
			Region:      p.Region,
			Statements:  statements,
			Provider:    p.Provider,
		})
		t.KeyArn = t.Key.Arn
	}
	arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", p.Region, p.Account, p.Name)
	statements := []Statement{{
		// Services deliver over TLS; so must everyone else.
		Sid: "DenyInsecureTransport", Effect: "Deny",
		Principal: map[string]any{"AWS": "*"},
		Action:    []string{"sns:Publish"},
		Resource:  []string{arn},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	}}
	for _, svc := range p.PublisherServices {
		statements = append(statements, Statement{
			Sid: "Publish" + sidOf(svc), Effect: "Allow",
			Principal: ServicePrincipal(svc),
			Action:    []string{"sns:Publish"},
			Resource:  []string{arn},
			Condition: publisherCondition(svc, p.Account, p.Region),
		})
	}
	topic := snstopic.NewSnsTopic(c, str("topic"), &snstopic.SnsTopicConfig{
		Name:           str(p.Name),
		DisplayName:    optStr(p.DisplayName),
		KmsMasterKeyId: t.KeyArn,
		Policy:         Policy(statements...).JSON(),
		Tags:           nameTag(p.Name),
		Provider:       p.Provider,
	})
	t.Arn = topic.Arn()
	for _, s := range p.Subscriptions {
		snstopicsubscription.NewSnsTopicSubscription(c, str(subscriptionID(s)), &snstopicsubscription.SnsTopicSubscriptionConfig{
			TopicArn: topic.Arn(),
			Protocol: str(s.Protocol),
			Endpoint: str(s.Endpoint),
			Provider: p.Provider,
		})
	}
	return t
}

// publisherCondition is the confused-deputy guard of a publisher: only
// this account's alarms, rules and budgets, and for regional publishers
// only those of the topic's region (the only ones that can reach it).
func publisherCondition(svc, account, region string) map[string]map[string]any {
	cond := map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}}
	var source string
	switch svc {
	case PublisherCloudWatch:
		source = fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:*", region, account)
	case PublisherEventBridge:
		source = fmt.Sprintf("arn:aws:events:%s:%s:rule/*", region, account)
	case PublisherBudgets:
		source = fmt.Sprintf("arn:aws:budgets::%s:*", account)
	}
	if source != "" {
		cond["ArnLike"] = map[string]any{"aws:SourceArn": source}
	}
	return cond
}

// PublishersKeyStatement lets AWS services use a key to publish to the SNS
// topics it encrypts. Unconditioned, as AWS documents it: some publishers
// (EventBridge) send no aws:SourceAccount to KMS, so the topic policy is
// where publishers are limited to the account.
func PublishersKeyStatement(services ...string) Statement {
	return Statement{
		Sid: "PublishersEncrypt", Effect: "Allow",
		Principal: map[string]any{"Service": services},
		Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
		Resource:  []string{"*"},
	}
}

// checkTopicProps reports every problem with the props at once: a
// programming error, since config validation ran before.
func checkTopicProps(p *TopicProps) {
	var bad []string
	if p.Name == "" || len(p.Name) > 256 {
		bad = append(bad, fmt.Sprintf("name %q: 1 to 256 characters", p.Name))
	}
	if p.Account == "" || p.Region == "" {
		bad = append(bad, "account and region are required (they name the topic in its policy)")
	}
	seen := map[string]bool{}
	for _, s := range p.Subscriptions {
		if s.Protocol != ProtocolEmail && s.Protocol != ProtocolHTTPS {
			bad = append(bad, fmt.Sprintf("subscription %q: protocol %q is not email or https", s.Endpoint, s.Protocol))
		}
		if id := subscriptionID(s); seen[id] {
			bad = append(bad, fmt.Sprintf("subscription %q twice", s.Endpoint))
		} else {
			seen[id] = true
		}
	}
	if len(bad) > 0 {
		panic("NewTopic: " + strings.Join(bad, "; "))
	}
}

// subscriptionID derives a construct id from the endpoint, so removing one
// subscription does not replace the others (they would all have to
// confirm again).
func subscriptionID(s Subscription) string {
	var b strings.Builder
	b.WriteString(s.Protocol + "-")
	for _, r := range strings.ToLower(strings.TrimPrefix(s.Endpoint, "https://")) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '@':
			b.WriteString("-at-")
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return str(s)
}
