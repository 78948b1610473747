package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
)

// printOutputs prints the outputs of every stack deployed on the emulator.
func printOutputs(reports []envReport) {
	for _, r := range reports {
		for _, s := range r.Report.Stacks {
			if len(s.Outputs) == 0 {
				continue
			}
			fmt.Printf("\noutputs of %s (emulator):\n", s.Stack)
			for _, name := range slices.Sorted(maps.Keys(s.Outputs)) {
				fmt.Printf("  %s = %s\n", name, s.Outputs[name])
			}
		}
	}
}

// printSummary prints one row per stack: offline validate and plan, the
// emulator's apply/replan/destroy, and the seconds spent on the stack.
func printSummary(w io.Writer, results []harness.Result, reports []envReport) {
	emulated := map[string]harness.EmulatedStack{}
	for _, r := range reports {
		for _, s := range r.Report.Stacks {
			emulated[s.Stack] = s
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "stack\tvalidate\tplan\temulator apply/replan/destroy\tseconds")
	for _, r := range results {
		plan := r.Plan.Status()
		if r.Plan.OK {
			plan = fmt.Sprintf("ok +%d ~%d -%d", r.Adds, r.Changes, r.Destroys)
			if r.Show.Ran && !r.Show.OK {
				plan += ", show FAIL"
			}
		}
		total := r.Init.Duration + r.Validate.Duration + r.Plan.Duration + r.Show.Duration
		emu := "-"
		if e, ok := emulated[r.Stack]; ok {
			emu = e.Apply.Status() + "/" + e.Replan.Status() + "/" + e.Destroy.Status()
			if !e.Init.OK && e.Init.Ran {
				emu = "init FAIL"
			}
			total += e.Init.Duration + e.Apply.Duration + e.Replan.Duration + e.Destroy.Duration
		}
		validate := r.Validate.Status()
		if r.Init.Ran && !r.Init.OK {
			validate = "init FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.1f\n", r.Stack, validate, plan, emu, total.Seconds())
	}
	tw.Flush()
}

// printFailover prints each environment's designed DNS failover time:
// health check interval x failure threshold + the failover records' TTL.
func printFailover(w io.Writer, envs []*config.Environment) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "environment\tDNS failover (designed)")
	for _, e := range envs {
		if !e.Edge() {
			fmt.Fprintf(tw, "%s\tno global edge (no dns.domain)\n", e.ID())
			continue
		}
		h := e.DNS.HealthCheck
		fmt.Fprintf(tw, "%s\t%d s = %s check every %d s x %d failures + %d s TTL\n", e.ID(), e.FailoverSeconds(),
			h.Type, h.IntervalSeconds, h.FailureThreshold, config.FailoverTTLSeconds)
	}
	tw.Flush()
}

// printFailures prints the end of the output of every failed step, so a CI
// log shows the cause without the files under .check.
func printFailures(w io.Writer, results []harness.Result, reports []envReport) {
	show := func(stack, step string, s harness.StepResult) {
		if s.Ran && !s.OK {
			fmt.Fprintf(w, "\n--- %s %s failed (full log: %s)\n%s\n", stack, step, s.Log, lastLines(s.Output, 25))
		}
	}
	for _, r := range results {
		show(r.Stack, "init", r.Init)
		show(r.Stack, "validate", r.Validate)
		show(r.Stack, "plan", r.Plan)
		show(r.Stack, "show", r.Show)
	}
	for _, r := range reports {
		for _, s := range r.Report.Stacks {
			show(s.Stack, "emulator init", s.Init)
			show(s.Stack, "emulator apply", s.Apply)
			show(s.Stack, "emulator replan", s.Replan)
			show(s.Stack, "emulator destroy", s.Destroy)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
