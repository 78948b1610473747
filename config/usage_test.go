package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
)

// Every usage rule, one bad file each: exactly one problem naming the file,
// the dotted field, the value and what is allowed.
func TestUsageBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"negative", "usage:\n  nat_processed_gb: -1\n", []string{"usage.nat_processed_gb", `"-1"`, "a number from 0 to 1e+07"}},
		{"too large", "usage:\n  requests_millions: 20000000\n", []string{"usage.requests_millions", `"2e+07"`, "docs/cost.md"}},
		{"not a number", "usage:\n  cdn_transfer_gb: lots\n", []string{"line 3", `"lots"`, "float64"}},
		{"unknown key", "usage:\n  visitors: 5\n", []string{"line 3", `"visitors"`, "allowed here: build_minutes, builds_per_month, cdn_transfer_gb"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectOneProblem(t, "acme-dev.yaml", minimal+tc.body, tc.want)
		})
	}
}

// Defaults fill what the file leaves out, the same at every tier; a zero
// is a setting, not "unset".
func TestUsageDefaults(t *testing.T) {
	dev := mustParse(t, minimal+"usage:\n  nat_processed_gb: 0\n  requests_millions: 2.5\n")
	prod := mustParse(t, minimal+"tier: production\n")
	want := UsageDefaults
	want.NATProcessedGB, want.RequestsMillions = 0, 2.5
	if got := dev.Usage.Values(); got != want {
		t.Errorf("usage %+v, want %+v", got, want)
	}
	if got := prod.Usage.Values(); got != UsageDefaults {
		t.Errorf("production usage %+v, want the defaults %+v", got, UsageDefaults)
	}
	if UsageDefaults.RequestsMillions <= 0 || UsageDefaults.BuildMinutes <= 0 || UsageDefaults.LoadBalancerLCUs <= 0 {
		t.Errorf("defaults %+v assume no traffic", UsageDefaults)
	}
}

// TestUsageDocumented: docs/cost.md's table of usage keys names every key
// once, with the default the code applies.
func TestUsageDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "cost.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ([0-9.]+) \\|")
	rows := row.FindAllStringSubmatch(string(data), -1)
	if n := reflect.TypeOf(Usage{}).NumField(); len(rows) != n {
		t.Fatalf("docs/cost.md documents %d usage keys, the config has %d", len(rows), n)
	}
	// The documented defaults, written as a file's usage section, must give
	// exactly the defaults (and every key must be a real one).
	body := minimal + "usage:\n"
	for _, r := range rows {
		body += "  " + r[1] + ": " + r[2] + "\n"
	}
	if got := mustParse(t, body).Usage.Values(); got != UsageDefaults {
		t.Errorf("documented defaults %+v, code's %+v", got, UsageDefaults)
	}
	// The documented example is a valid usage section.
	example := regexp.MustCompile("(?s)```yaml\n(usage:\n.*?)```").FindStringSubmatch(string(data))
	if example == nil {
		t.Fatal("docs/cost.md has no usage example")
	}
	if _, err := Parse("envs/acme-prod.yaml", []byte(minimal+example[1])); err != nil {
		t.Errorf("the documented example: %v", err)
	}
}
