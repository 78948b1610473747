package constructs

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/budgetsbudget"
)

// BudgetProps configures a monthly cost budget.
type BudgetProps struct {
	// Name of the budget, unique per account, e.g. acme-prod-monthly.
	Name    string
	Account string
	// Amount per month in Currency.
	Amount   float64
	Currency string
	// TagFilters limit the budget to costs carrying these cost allocation
	// tags ("Environment" -> "prod"); empty counts the whole account.
	TagFilters map[string]string
	// TopicArn and Emails receive every notification.
	TopicArn *string
	Emails   []string
}

// Budget is a monthly cost budget that notifies when the actual cost
// passes 80 % and 100 % and when the forecast passes 100 %.
type Budget struct {
	cdk.Construct
	Name string
}

// budgetNotifications: an early warning, the limit reached, and the
// forecast that it will be.
var budgetNotifications = []struct {
	kind    string
	percent float64
}{{"ACTUAL", 80}, {"ACTUAL", 100}, {"FORECASTED", 100}}

// NewBudget creates the budget with its notifications.
func NewBudget(scope cdk.Construct, id string, p *BudgetProps) *Budget {
	if !(p.Amount > 0) || p.Currency == "" || p.TopicArn == nil && len(p.Emails) == 0 {
		panic(fmt.Sprintf("NewBudget %s: a positive amount, a currency and at least one subscriber are required", p.Name))
	}
	c := cdk.NewConstruct(scope, str(id))
	var filters []*budgetsbudget.BudgetsBudgetCostFilter
	for _, k := range slices.Sorted(maps.Keys(p.TagFilters)) {
		// The Budgets API's form of a tag filter: user:<key>$<value>.
		filters = append(filters, &budgetsbudget.BudgetsBudgetCostFilter{
			Name: str("TagKeyValue"), Values: strs(fmt.Sprintf("user:%s$%s", k, p.TagFilters[k])),
		})
	}
	var notifications []*budgetsbudget.BudgetsBudgetNotification
	for _, n := range budgetNotifications {
		bn := &budgetsbudget.BudgetsBudgetNotification{
			NotificationType:   str(n.kind),
			ComparisonOperator: str("GREATER_THAN"),
			Threshold:          numf(n.percent),
			ThresholdType:      str("PERCENTAGE"),
		}
		if p.TopicArn != nil {
			bn.SubscriberSnsTopicArns = &[]*string{p.TopicArn}
		}
		if len(p.Emails) > 0 {
			bn.SubscriberEmailAddresses = strs(p.Emails...)
		}
		notifications = append(notifications, bn)
	}
	cfg := &budgetsbudget.BudgetsBudgetConfig{
		Name:         str(p.Name),
		AccountId:    str(p.Account), // no account look-up at plan time
		BudgetType:   str("COST"),
		TimeUnit:     str("MONTHLY"),
		LimitAmount:  str(strconv.FormatFloat(p.Amount, 'f', 2, 64)),
		LimitUnit:    str(p.Currency),
		Notification: notifications,
		Tags:         nameTag(p.Name),
	}
	if len(filters) > 0 {
		cfg.CostFilter = filters
	}
	budgetsbudget.NewBudgetsBudget(c, str("budget"), cfg)
	return &Budget{Construct: c, Name: p.Name}
}
