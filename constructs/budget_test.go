package constructs

import (
	"fmt"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// The monthly budget counts the environment's tagged costs and warns the
// topic and the e-mails at 80 % and 100 % actual and 100 % forecast.
func TestBudgetNotifications(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewBudget(stack, "budget", &BudgetProps{
			Name: "acme-prod-monthly", Account: "111111111111", Amount: 800, Currency: "USD",
			TagFilters: map[string]string{"Environment": "prod"},
			TopicArn:   jsii.String(testTopic), Emails: []string{"ops@acme.example"},
		})
	})
	b := doc.only(t, "aws_budgets_budget")
	if b["budget_type"] != "COST" || b["time_unit"] != "MONTHLY" || b["limit_amount"] != "800.00" || b["limit_unit"] != "USD" || b["account_id"] != "111111111111" {
		t.Errorf("budget %v", b)
	}
	if got := fmt.Sprint(b["cost_filter"]); got != "[map[name:TagKeyValue values:[user:Environment$prod]]]" {
		t.Errorf("cost filter %s", got)
	}
	kinds := map[string]bool{}
	for _, n := range b["notification"].([]any) {
		n := n.(map[string]any)
		kinds[fmt.Sprintf("%v %v", n["notification_type"], n["threshold"])] = true
		if fmt.Sprint(n["subscriber_sns_topic_arns"]) != "["+testTopic+"]" || fmt.Sprint(n["subscriber_email_addresses"]) != "[ops@acme.example]" {
			t.Errorf("notification %v does not reach the topic and the e-mail", n)
		}
		if n["threshold_type"] != "PERCENTAGE" || n["comparison_operator"] != "GREATER_THAN" {
			t.Errorf("notification %v", n)
		}
	}
	for _, want := range []string{"ACTUAL 80", "ACTUAL 100", "FORECASTED 100"} {
		if !kinds[want] {
			t.Errorf("notifications %v lack %s", kinds, want)
		}
	}
}
