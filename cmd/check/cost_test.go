package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
)

// The summary prices each environment's plans: total, stacks, top drivers,
// what has no price; and the JSON file holds the same estimates.
func TestPrintCost(t *testing.T) {
	fixture := filepath.Join("..", "..", "cost", "testdata")
	results := []harness.Result{
		{Stack: "acme-x-primary", PlanJSON: filepath.Join(fixture, "fix-primary.plan.json")},
		{Stack: "acme-x-global", PlanJSON: filepath.Join(fixture, "fix-global.plan.json")},
	}
	env := &config.Environment{Customer: "acme", Name: "x"}
	jsonPath := filepath.Join(t.TempDir(), "cost.json")
	var out strings.Builder
	if err := printCost(&out, results, []*config.Environment{env}, jsonPath); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"acme-x ", "  acme-x-primary ", "  acme-x-global ", "acme-x top cost drivers: RDS PostgreSQL $", "NOT PRICED (left out of the total): aws_instance", "prices read "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var estimates []struct {
		Env     string  `json:"environment"`
		Monthly float64 `json:"monthly_usd"`
	}
	if err := json.Unmarshal(data, &estimates); err != nil || len(estimates) != 1 || estimates[0].Env != "acme-x" || estimates[0].Monthly <= 0 {
		t.Errorf("cost.json %s (%v)", data, err)
	}
	// Without plans (-quick) the summary says so and fails nothing.
	out.Reset()
	if err := printCost(&out, []harness.Result{{Stack: "acme-x-primary"}}, []*config.Environment{env}, jsonPath); err != nil || !strings.Contains(out.String(), "cost estimate: none") {
		t.Errorf("quick run: %v, %q", err, out.String())
	}
}
