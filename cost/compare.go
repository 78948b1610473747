package cost

import (
	"fmt"
	"io"
	"maps"
	"slices"
)

// Comparison is an environment's estimate beside the same environment at
// another tier: the difference is the price of that tier's defaults.
type Comparison struct {
	Env        string    `json:"environment"`
	AsIs       *Estimate `json:"as_configured"`
	Tier       string    `json:"what_if_tier"`
	WhatIf     *Estimate `json:"what_if"`
	Difference float64   `json:"difference_usd"` // as configured minus what if
	// Services are the per-service differences, largest first.
	Services []Total `json:"service_differences"`
}

// Compare sets two estimates of one environment side by side.
func Compare(asIs, whatIf *Estimate, tier string) *Comparison {
	c := &Comparison{Env: asIs.Env, AsIs: asIs, Tier: tier, WhatIf: whatIf, Difference: asIs.Monthly - whatIf.Monthly}
	diff := map[string]float64{}
	for _, s := range asIs.Services {
		diff[s.Name] += s.Monthly
	}
	for _, s := range whatIf.Services {
		diff[s.Name] -= s.Monthly
	}
	for _, name := range slices.Sorted(maps.Keys(diff)) {
		if d := diff[name]; d > 0.005 || d < -0.005 {
			c.Services = append(c.Services, Total{Name: name, Monthly: d})
		}
	}
	slices.SortStableFunc(c.Services, func(a, b Total) int {
		switch {
		case abs(a.Monthly) > abs(b.Monthly):
			return -1
		case abs(a.Monthly) < abs(b.Monthly):
			return 1
		}
		return 0
	})
	return c
}

func abs(v float64) float64 { return max(v, -v) }

// WriteComparison prints the difference and where it comes from.
func WriteComparison(w io.Writer, c *Comparison) {
	fmt.Fprintf(w, "%s as configured: %s a month; with tier: %s defaults: %s a month\n", c.Env, money(c.AsIs.Monthly), c.Tier, money(c.WhatIf.Monthly))
	fmt.Fprintf(w, "difference: %s a month\n", signed(c.Difference))
	for _, s := range c.Services {
		fmt.Fprintf(w, "  %-32s %12s\n", s.Name, signed(s.Monthly))
	}
}

func signed(v float64) string {
	if v < 0 {
		return "-" + money(-v)
	}
	return "+" + money(v)
}
