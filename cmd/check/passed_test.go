package main

import (
	"slices"
	"testing"

	"github.com/multiregion/multiregion/harness"
)

// TestPassedOffline: only environments whose every stack planned offline
// are deployed on the emulator; one without results did not pass.
func TestPassedOffline(t *testing.T) {
	result := func(stack string, ok bool) harness.Result {
		return harness.Result{Stack: stack, Plan: harness.StepResult{Ran: true, OK: ok}}
	}
	results := []harness.Result{result("a-primary", true), result("a-global", true), result("b-primary", true), result("b-global", false)}
	got := passedOffline([]string{"a", "b", "c"}, results)
	if !slices.Equal(got, []string{"a"}) {
		t.Errorf("passedOffline = %q, want [a] (b failed a stack, c has none)", got)
	}
}
