package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestWhatIfCommand runs the README's command exactly as written, from the
// project root: acme-prod as configured and with development defaults,
// each synthesized and planned offline, and the difference between them.
func TestWhatIfCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("two synths and two offline plans of an environment (about two minutes)")
	}
	// A provider cache of its own: other tests may be installing into the
	// project's at the same time, and concurrent installs are not safe.
	t.Setenv("TF_PLUGIN_CACHE_DIR", t.TempDir())
	cmd := exec.Command("go", "run", "./cmd/cost", "-env", "acme-prod", "-what-if-tier", "development")
	cmd.Dir = "../.."
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./cmd/cost: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"acme-prod-primary", "acme-prod-secondary", "acme-prod-global", "acme-prod top cost drivers:", "with tier: development defaults:", "Interface endpoints", "NAT gateways"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	m := regexp.MustCompile(`(?m)^difference: ([+-])\$([0-9,]+\.[0-9]{2}) a month$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no difference line:\n%s", text)
	}
	diff, _ := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
	if m[1] != "+" || diff <= 0 {
		t.Errorf("production hardening costs %s%s: want a positive difference", m[1], m[2])
	}
	if strings.Contains(text, "NOT PRICED") {
		t.Errorf("unpriced resources:\n%s", text)
	}
}
