package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventtarget"
)

// EventNotificationProps configures an EventBridge rule that sends
// matching events to a topic as a readable message.
type EventNotificationProps struct {
	// Name of the rule, unique per region and event bus.
	Name        string
	Description string
	// Pattern is the event pattern, e.g. {"source": ["aws.codepipeline"]}.
	Pattern map[string]any
	// TopicArn receives the message; its policy must admit
	// PublisherEventBridge and its key must let EventBridge use it.
	TopicArn *string
	// InputPaths name parts of the event (JSONPath) that Template uses as
	// <name>.
	InputPaths map[string]string
	// Template is the message text, e.g. "Pipeline <pipeline> <state>".
	Template string
}

// EventNotification is the rule and its topic target.
type EventNotification struct {
	cdk.Construct
	RuleName *string
	RuleArn  *string
}

// NewEventNotification creates the rule and its target.
func NewEventNotification(scope cdk.Construct, id string, p *EventNotificationProps) *EventNotification {
	c := cdk.NewConstruct(scope, str(id))
	pattern := jsonText(p.Pattern)
	rule := cloudwatcheventrule.NewCloudwatchEventRule(c, str("rule"), &cloudwatcheventrule.CloudwatchEventRuleConfig{
		Name:         str(p.Name),
		Description:  optStr(p.Description),
		EventPattern: str(pattern),
		Tags:         nameTag(p.Name),
	})
	// A JSON string template makes SNS deliver plain text to e-mail.
	template := jsonText(p.Template)
	paths := map[string]*string{}
	for k, v := range p.InputPaths {
		paths[k] = str(v)
	}
	cloudwatcheventtarget.NewCloudwatchEventTarget(c, str("target"), &cloudwatcheventtarget.CloudwatchEventTargetConfig{
		Rule:     rule.Name(),
		TargetId: str("topic"),
		Arn:      p.TopicArn,
		InputTransformer: &cloudwatcheventtarget.CloudwatchEventTargetInputTransformer{
			InputPaths:    &paths,
			InputTemplate: str(template),
		},
	})
	return &EventNotification{Construct: c, RuleName: rule.Name(), RuleArn: rule.Arn()}
}
