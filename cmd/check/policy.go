package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
	"github.com/multiregion/multiregion/policy"
)

// runPolicy runs the policy pack on every planned stack's plan.json and
// prints the rules checked and the violations and waivers per stack; any
// violation is an error naming stack, rule and resource.
func runPolicy(ctx context.Context, w io.Writer, results []harness.Result, envs []*config.Environment) error {
	pack, err := policy.Load(nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\npolicy pack: %d rules on each plan\n", len(pack.Rules()))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "stack\tviolations\twaived")
	var errs []error
	for _, r := range results {
		if r.PlanJSON == "" || !r.Show.OK {
			fmt.Fprintf(tw, "%s\t-\t-\n", r.Stack) // no plan (-quick, or a failed step reported above)
			continue
		}
		c := policy.Context{Stack: r.Stack}
		if tier, regions, ok := config.Scope(envs, r.Stack); ok {
			c.Tier, c.Regions = string(tier), regions
		}
		rep, err := pack.EvaluateFile(ctx, r.PlanJSON, c)
		if err != nil {
			errs = append(errs, err)
			fmt.Fprintf(tw, "%s\tERROR\t-\n", r.Stack)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\n", r.Stack, len(rep.Violations), len(rep.Waived))
		for _, v := range rep.Violations {
			errs = append(errs, fmt.Errorf("policy %s: %s", r.Stack, v))
		}
	}
	tw.Flush()
	return errors.Join(errs...)
}
