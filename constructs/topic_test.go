package constructs

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func alertTopicProps() *TopicProps {
	return &TopicProps{
		Name:              "acme-prod-use1-alerts",
		Account:           "111111111111",
		Region:            "us-east-1",
		PublisherServices: []string{PublisherCloudWatch, PublisherEventBridge, PublisherBudgets},
		Subscriptions: []Subscription{
			{Protocol: ProtocolEmail, Endpoint: "ops@acme.example"},
			{Protocol: ProtocolHTTPS, Endpoint: "https://alerts.acme.example/sns"},
		},
	}
}

// policyOf parses a policy document attribute.
func policyOf(t *testing.T, r map[string]any, attr string) PolicyDocument {
	t.Helper()
	var d PolicyDocument
	if err := json.Unmarshal([]byte(r[attr].(string)), &d); err != nil {
		t.Fatalf("%s does not parse: %v", attr, err)
	}
	return d
}

// The topic is encrypted with its own rotating CMK that lets exactly the
// publisher services use it; the topic policy lets them publish only for
// this account and only over TLS.
func TestTopicEncryptedAndPublishersScoped(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) { NewTopic(stack, "alerts", alertTopicProps()) })
	topic := doc.only(t, "aws_sns_topic")
	keys := doc.resources("aws_kms_key")
	if len(keys) != 1 {
		t.Fatalf("%d keys, want the topic's own", len(keys))
	}
	for name, key := range keys {
		if topic["kms_master_key_id"] != ref("aws_kms_key", name, "arn") {
			t.Errorf("topic key %v, want its own key %s", topic["kms_master_key_id"], name)
		}
		if key["enable_key_rotation"] != true {
			t.Error("key rotation is off")
		}
		var publishers []string
		for _, s := range policyOf(t, key, "policy").Statement {
			if s.Sid != "PublishersEncrypt" {
				continue
			}
			for _, p := range s.Principal["Service"].([]any) {
				publishers = append(publishers, p.(string))
			}
			if !slices.Equal(s.Action, []string{"kms:Decrypt", "kms:GenerateDataKey*"}) {
				t.Errorf("publishers may %v, want only Decrypt and GenerateDataKey*", s.Action)
			}
		}
		if !slices.Equal(publishers, []string{PublisherCloudWatch, PublisherEventBridge, PublisherBudgets}) {
			t.Errorf("key admits publishers %v", publishers)
		}
	}
	if doc.only(t, "aws_kms_alias")["name"] != "alias/acme-prod-use1-alerts" {
		t.Errorf("key alias %v", doc.only(t, "aws_kms_alias")["name"])
	}
	const arn = "arn:aws:sns:us-east-1:111111111111:acme-prod-use1-alerts"
	allowed := map[string]bool{}
	denyTLS := false
	for _, s := range policyOf(t, topic, "policy").Statement {
		switch s.Effect {
		case "Allow":
			if !slices.Equal(s.Action, []string{"sns:Publish"}) || !slices.Equal(s.Resource, []string{arn}) {
				t.Errorf("statement %s allows %v on %v, want sns:Publish on the topic only", s.Sid, s.Action, s.Resource)
			}
			if s.Condition["StringEquals"]["aws:SourceAccount"] != "111111111111" {
				t.Errorf("statement %s has no aws:SourceAccount guard: %v", s.Sid, s.Condition)
			}
			if src, _ := s.Condition["ArnLike"]["aws:SourceArn"].(string); !strings.HasPrefix(src, "arn:aws:") || !strings.Contains(src, ":111111111111:") {
				t.Errorf("statement %s has no aws:SourceArn guard: %v", s.Sid, s.Condition)
			}
			if s.Principal["Service"] == PublisherCloudWatch && s.Condition["ArnLike"]["aws:SourceArn"] != "arn:aws:cloudwatch:us-east-1:111111111111:alarm:*" {
				t.Errorf("CloudWatch may publish for %v, want this region's alarms", s.Condition["ArnLike"])
			}
			allowed[s.Principal["Service"].(string)] = true
		case "Deny":
			denyTLS = s.Condition["Bool"]["aws:SecureTransport"] == "false"
		}
	}
	if len(allowed) != 3 || !allowed[PublisherCloudWatch] || !allowed[PublisherEventBridge] || !allowed[PublisherBudgets] {
		t.Errorf("topic policy lets %v publish", allowed)
	}
	if !denyTLS {
		t.Error("topic policy does not deny publishing without TLS")
	}
	subs := map[string]string{}
	for name, s := range doc.resources("aws_sns_topic_subscription") {
		subs[s["protocol"].(string)] = s["endpoint"].(string)
		if !strings.Contains(s["topic_arn"].(string), "aws_sns_topic.") {
			t.Errorf("subscription %s is not on the topic: %v", name, s["topic_arn"])
		}
	}
	if subs["email"] != "ops@acme.example" || subs["https"] != "https://alerts.acme.example/sns" {
		t.Errorf("subscriptions %v", subs)
	}
}

// With a provider of another region, the topic, its key and its
// subscriptions are all created there (the global stack's topic lives in
// us-east-1 with the Route 53 health-check metrics).
func TestTopicInAnotherRegion(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		p := alertTopicProps()
		p.Provider = aliasProvider(stack, "us-east-1", "us-east-1")
		NewTopic(stack, "alerts", p)
	})
	for _, typ := range []string{"aws_sns_topic", "aws_kms_key", "aws_kms_alias", "aws_sns_topic_subscription"} {
		for name, r := range doc.resources(typ) {
			if r["provider"] != "aws.us-east-1" {
				t.Errorf("%s.%s provider %v, want aws.us-east-1", typ, name, r["provider"])
			}
		}
	}
}

// A caller's key is used as it is; no second key appears.
func TestTopicWithCallersKey(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		p := alertTopicProps()
		p.KeyArn = jsii.String("arn:aws:kms:us-east-1:111111111111:key/shared")
		p.Subscriptions = nil
		NewTopic(stack, "approvals", p)
	})
	if n := len(doc.resources("aws_kms_key")); n != 0 {
		t.Errorf("%d keys created, want none", n)
	}
	if got := doc.only(t, "aws_sns_topic")["kms_master_key_id"]; got != "arn:aws:kms:us-east-1:111111111111:key/shared" {
		t.Errorf("topic key %v", got)
	}
}

// Subscription ids come from the endpoint: removing one address keeps the
// others' Terraform addresses (no re-confirmation for everyone).
func TestSubscriptionIDsStable(t *testing.T) {
	a := subscriptionID(Subscription{ProtocolEmail, "Ops.Team@acme.example"})
	if a != "email-ops-team-at-acme-example" {
		t.Errorf("id %q", a)
	}
	if b := subscriptionID(Subscription{ProtocolHTTPS, "https://alerts.acme.example/sns"}); b != "https-alerts-acme-example-sns" {
		t.Errorf("id %q", b)
	}
}

func TestTopicBadProps(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		for _, want := range []string{"account and region", `protocol "sms"`, `"ops@acme.example" twice`} {
			if !strings.Contains(msg, want) {
				t.Errorf("panic %q lacks %q", msg, want)
			}
		}
	}()
	checkTopicProps(&TopicProps{Name: "x", Subscriptions: []Subscription{
		{ProtocolEmail, "ops@acme.example"}, {ProtocolEmail, "ops@acme.example"}, {"sms", "+15550100"},
	}})
}
