package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistenerrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// OriginSecretProps configures the origin header secret.
type OriginSecretProps struct {
	// Version: a new value generates a new secret (rotation).
	Version int
}

// OriginSecret is the value CloudFront sends in OriginHeaderName and the
// load balancers require. Terraform generates it at the first apply
// (uuid(): 122 random bits, no provider needed), keeps it in a
// terraform_data resource and hands it on marked sensitive: no config,
// code or synthesized file holds it. CloudFront's and ELB's APIs return
// it, so the state of every stack that uses it does hold it, like any
// secret Terraform passes to a resource without write-only arguments.
type OriginSecret struct {
	cdk.Construct
	// Value is the secret (a sensitive token).
	Value *string
}

// NewOriginSecret creates the secret.
func NewOriginSecret(scope cdk.Construct, id string, p *OriginSecretProps) *OriginSecret {
	c := cdk.NewConstruct(scope, str(id))
	// terraform_data is Terraform's built-in resource: no provider to install.
	data := cdktf.NewTerraformResource(c, str("value"), &cdktf.TerraformResourceConfig{
		TerraformResourceType: str("terraform_data"),
	})
	data.AddOverride(str("input"), "${sensitive(uuid())}")
	data.AddOverride(str("triggers_replace"), []int{p.Version})
	// uuid() changes on every plan; the first value is kept until Version
	// changes (which replaces the resource and draws a new one).
	data.AddOverride(str("lifecycle.ignore_changes"), []string{"input"})
	return &OriginSecret{Construct: c, Value: data.GetStringAttribute(str("output"))}
}

// sensitive marks a value sensitive where it is used. A stack that reads
// the secret through terraform_remote_state gets it unmarked (remote state
// outputs lose their sensitivity), so each use marks it again and every
// plan shows (sensitive value) instead of the secret.
func sensitive(v *string) *string {
	return cdktf.Token_AsString(cdktf.Fn_Sensitive(v), nil)
}

// OriginGuardProps configures the listener rules that admit only CloudFront.
type OriginGuardProps struct {
	// ListenerArn is the load balancer's forwarding listener,
	// TargetGroupArn the service's target group.
	ListenerArn    *string
	TargetGroupArn *string
	// Secret is the OriginSecret value CloudFront sends in OriginHeaderName.
	Secret *string
	// HealthCheckPath, when set, is forwarded without the header: Route 53
	// health checkers cannot send it.
	HealthCheckPath string
}

// OriginGuard puts rules in front of the listener's default action:
// requests with the secret header go to the service, the health check
// path too, everything else gets a 403.
type OriginGuard struct {
	cdk.Construct
}

// Listener rule priorities of the guard (lower runs first).
const (
	guardPriorityHeader = 1
	guardPriorityHealth = 2
	guardPriorityDeny   = 50000 // ALB's highest priority: runs last
)

// NewOriginGuard creates the rules.
func NewOriginGuard(scope cdk.Construct, id string, p *OriginGuardProps) *OriginGuard {
	c := cdk.NewConstruct(scope, str(id))
	forward := &[]*lblistenerrule.LbListenerRuleAction{{Type: str("forward"), TargetGroupArn: p.TargetGroupArn}}
	lblistenerrule.NewLbListenerRule(c, str("from-cloudfront"), &lblistenerrule.LbListenerRuleConfig{
		ListenerArn: p.ListenerArn,
		Priority:    num(guardPriorityHeader),
		Action:      forward,
		Condition: &[]*lblistenerrule.LbListenerRuleCondition{{
			HttpHeader: &lblistenerrule.LbListenerRuleConditionHttpHeader{
				HttpHeaderName: str(OriginHeaderName),
				Values:         &[]*string{sensitive(p.Secret)},
			},
		}},
	})
	if p.HealthCheckPath != "" {
		lblistenerrule.NewLbListenerRule(c, str("health-check"), &lblistenerrule.LbListenerRuleConfig{
			ListenerArn: p.ListenerArn,
			Priority:    num(guardPriorityHealth),
			Action:      forward,
			Condition: &[]*lblistenerrule.LbListenerRuleCondition{{
				PathPattern: &lblistenerrule.LbListenerRuleConditionPathPattern{Values: strs(p.HealthCheckPath)},
			}},
		})
	}
	lblistenerrule.NewLbListenerRule(c, str("deny-direct"), &lblistenerrule.LbListenerRuleConfig{
		ListenerArn: p.ListenerArn,
		Priority:    num(guardPriorityDeny),
		Action: &[]*lblistenerrule.LbListenerRuleAction{{
			Type: str("fixed-response"),
			FixedResponse: &lblistenerrule.LbListenerRuleActionFixedResponse{
				ContentType: str("text/plain"),
				MessageBody: str("Forbidden"),
				StatusCode:  str("403"),
			},
		}},
		Condition: &[]*lblistenerrule.LbListenerRuleCondition{{
			PathPattern: &lblistenerrule.LbListenerRuleConditionPathPattern{Values: strs("*")},
		}},
	})
	return &OriginGuard{Construct: c}
}
