package constructs

import (
	"fmt"
	"strings"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
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
	// KeyArn encrypts the topic with a caller's CMK, whose policy must let
	// the publisher services use it (KeyProps.PublisherServices). When nil
	// the topic gets a CMK of its own (alias = Name) that does.
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
	t := &Topic{Construct: c, Name: p.Name, KeyArn: p.KeyArn}
	if t.KeyArn == nil {
		t.Key = NewKey(c, "key", &KeyProps{
			Alias:             p.Name,
			Description:       "SNS topic " + p.Name,
			Account:           p.Account,
			Region:            p.Region,
			PublisherServices: p.PublisherServices,
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
			// Confused-deputy guard: only this account's alarms, rules, budgets.
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": p.Account}},
		})
	}
	topic := snstopic.NewSnsTopic(c, str("topic"), &snstopic.SnsTopicConfig{
		Name:           str(p.Name),
		DisplayName:    optStr(p.DisplayName),
		KmsMasterKeyId: t.KeyArn,
		Policy:         Policy(statements...).JSON(),
		Tags:           nameTag(p.Name),
	})
	t.Arn = topic.Arn()
	for _, s := range p.Subscriptions {
		snstopicsubscription.NewSnsTopicSubscription(c, str(subscriptionID(s)), &snstopicsubscription.SnsTopicSubscriptionConfig{
			TopicArn: topic.Arn(),
			Protocol: str(s.Protocol),
			Endpoint: str(s.Endpoint),
		})
	}
	return t
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
