// Package cost estimates what an environment costs a month from the plans
// of its stacks (terraform show -json): a priced bill of materials, from the
// price list shipped beside it (prices.yaml) and the environment's usage
// assumptions (config.Usage). What the plan fixes (task sizes and counts,
// instance classes, Multi-AZ, NAT gateways, endpoints, alarms, keys) is
// read from the plan; what depends on traffic (requests, GB, build minutes)
// comes from the usage assumptions.
package cost

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/multiregion/multiregion/config"
)

// HoursPerMonth is the month the estimate prices (AWS's own convention).
const HoursPerMonth = 730

// StackPlan is one stack's plan.
type StackPlan struct {
	Stack string
	Plan  *tfjson.Plan
}

// ReadPlan reads a plan JSON file (terraform show -json) of a stack.
func ReadPlan(stack, path string) (StackPlan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return StackPlan{}, err
	}
	var p tfjson.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return StackPlan{}, fmt.Errorf("plan of %s (%s): %w", stack, path, err)
	}
	return StackPlan{Stack: stack, Plan: &p}, nil
}

// Line is one priced item of the bill of materials.
type Line struct {
	Stack     string  `json:"stack"`
	Region    string  `json:"region"`
	Resource  string  `json:"resource"` // Terraform address in its stack
	Service   string  `json:"service"`  // what it is billed as, e.g. "NAT gateway"
	Item      string  `json:"item"`     // the billed dimension, e.g. "hours"
	Quantity  float64 `json:"quantity"`
	Unit      string  `json:"unit"`
	UnitPrice float64 `json:"unit_price"`
	Monthly   float64 `json:"monthly"`
	// FromUsage marks quantities that come from the usage assumptions,
	// not from the plan.
	FromUsage bool `json:"from_usage,omitempty"`
}

// Total is an amount per stack or per service.
type Total struct {
	Name    string  `json:"name"`
	Monthly float64 `json:"monthly"`
}

// Estimate is the monthly cost of one environment.
type Estimate struct {
	Env      string             `json:"environment"`
	Tier     string             `json:"tier,omitempty"`
	Monthly  float64            `json:"monthly_usd"`
	Stacks   []Total            `json:"stacks"`
	Services []Total            `json:"services"` // largest first: the cost drivers
	Lines    []Line             `json:"lines"`
	Usage    config.UsageValues `json:"usage"`
	Prices   *Prices            `json:"prices"` // read date and sources
	// Unpriced lists resource types of the plans that have no price and
	// are not known to be free: the estimate leaves them out.
	Unpriced []string `json:"unpriced,omitempty"`
}

// Top returns the n largest cost drivers (services).
func (e *Estimate) Top(n int) []Total { return e.Services[:min(n, len(e.Services))] }

// resource is one planned resource.
type resource struct {
	stack, addr, typ, region string
	values                   map[string]any
	refs                     map[string][]string // attribute -> referenced addresses (from the configuration)
}

func (r *resource) str(k string) string {
	s, _ := r.values[k].(string)
	return s
}

func (r *resource) num(k string) float64 {
	switch v := r.values[k].(type) {
	case float64:
		return v
	case json.Number:
		f, _ := v.Float64()
		return f
	case string:
		var f float64
		fmt.Sscan(v, &f)
		return f
	}
	return 0
}

// blocks returns a nested block attribute as a list of objects.
func (r *resource) blocks(k string) []map[string]any {
	var out []map[string]any
	switch v := r.values[k].(type) {
	case []any:
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case map[string]any:
		out = append(out, v)
	}
	return out
}

// refCount counts the distinct resources of type typ that attribute k refers to.
func (r *resource) refCount(k, typ string) int {
	seen := map[string]bool{}
	for _, a := range r.refs[k] {
		parts := strings.Split(a, ".")
		if len(parts) >= 2 && parts[0] == typ {
			seen[parts[0]+"."+parts[1]] = true
		}
	}
	return len(seen)
}

// Estimate prices the plans of one environment's stacks.
func EstimateEnv(env string, usage config.UsageValues, plans []StackPlan, prices *Prices) (*Estimate, error) {
	var all []*resource
	for _, sp := range plans {
		rs, err := planResources(sp)
		if err != nil {
			return nil, err
		}
		all = append(all, rs...)
	}
	b := &bill{usage: usage, prices: prices, all: all, unpriced: map[string]bool{}}
	for _, r := range all {
		price, ok := pricers[r.typ]
		switch {
		case ok:
			if err := price(b, r); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.stack, r.addr, err)
			}
		case !freeTypes[r.typ]:
			b.unpriced[r.typ] = true
		}
	}
	return b.estimate(env), nil
}

// planResources lists the managed resources a plan will have, with the
// region of each one's provider configuration and the references of its
// configuration.
func planResources(sp StackPlan) ([]*resource, error) {
	p := sp.Plan
	if p.PlannedValues == nil || p.PlannedValues.RootModule == nil {
		return nil, fmt.Errorf("plan of %s has no planned values", sp.Stack)
	}
	regions := map[string]string{}
	cfgs := map[string]*tfjson.ConfigResource{}
	if p.Config != nil {
		for key, pc := range p.Config.ProviderConfigs {
			if e, ok := pc.Expressions["region"]; ok && e != nil {
				if s, ok := e.ConstantValue.(string); ok {
					regions[key] = s
				}
			}
		}
		if p.Config.RootModule != nil {
			for _, c := range p.Config.RootModule.Resources {
				cfgs[c.Address] = c
			}
		}
	}
	var out []*resource
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		for _, r := range m.Resources {
			if r.Mode != tfjson.ManagedResourceMode {
				continue
			}
			res := &resource{stack: sp.Stack, addr: r.Address, typ: r.Type, values: r.AttributeValues, refs: map[string][]string{}}
			if c, ok := cfgs[r.Address]; ok {
				res.region = regions[c.ProviderConfigKey]
				collectRefs(c.Expressions, "", res.refs)
			}
			if res.region == "" {
				res.region = regions["aws"]
			}
			out = append(out, res)
		}
		for _, child := range m.ChildModules {
			walk(child)
		}
	}
	walk(p.PlannedValues.RootModule)
	return out, nil
}

// collectRefs flattens a configuration's references: attribute (nested
// blocks as block.attribute) -> referenced addresses.
func collectRefs(exprs map[string]*tfjson.Expression, prefix string, out map[string][]string) {
	for k, e := range exprs {
		if e == nil {
			continue
		}
		out[prefix+k] = append(out[prefix+k], e.References...)
		for _, nb := range e.NestedBlocks {
			collectRefs(nb, prefix+k+".", out)
		}
	}
}

// bill collects the lines of an estimate.
type bill struct {
	usage    config.UsageValues
	prices   *Prices
	all      []*resource
	lines    []Line
	unpriced map[string]bool
}

// add appends a line; quantity x unit price is its monthly amount.
func (b *bill) add(r *resource, service, item string, qty float64, unit string, price float64, fromUsage bool) {
	b.lines = append(b.lines, Line{Stack: r.stack, Region: r.region, Resource: r.addr, Service: service, Item: item,
		Quantity: round(qty, 4), Unit: unit, UnitPrice: price, Monthly: qty * price, FromUsage: fromUsage})
}

// count is how many resources of typ in region match keep (nil: all).
func (b *bill) count(typ, region string, keep func(*resource) bool) int {
	n := 0
	for _, r := range b.all {
		if r.typ == typ && (region == "" || r.region == region) && (keep == nil || keep(r)) {
			n++
		}
	}
	return n
}

func (b *bill) estimate(env string) *Estimate {
	e := &Estimate{Env: env, Lines: b.lines, Usage: b.usage, Prices: b.prices, Unpriced: slices.Sorted(maps.Keys(b.unpriced))}
	byStack, byService := map[string]float64{}, map[string]float64{}
	for _, l := range b.lines {
		e.Monthly += l.Monthly
		byStack[l.Stack] += l.Monthly
		byService[l.Service] += l.Monthly
	}
	for _, s := range slices.Sorted(maps.Keys(byStack)) {
		e.Stacks = append(e.Stacks, Total{Name: s, Monthly: byStack[s]})
	}
	for _, s := range slices.Sorted(maps.Keys(byService)) {
		e.Services = append(e.Services, Total{Name: s, Monthly: byService[s]})
	}
	slices.SortStableFunc(e.Services, func(a, b Total) int { return cmp.Compare(b.Monthly, a.Monthly) })
	return e
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}
