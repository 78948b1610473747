package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// The summary prints each environment's designed failover time.
func TestPrintFailover(t *testing.T) {
	var envs []*config.Environment
	for _, f := range []struct{ name, body string }{
		{"acme-dev.yaml", "account_id: \"111111111111\"\n"},
		{"acme-prod.yaml", "account_id: \"111111111111\"\ndns:\n  domain: app.example.com\n  health_check:\n    interval_seconds: 30\n"},
	} {
		env, err := config.Parse(f.name, []byte(f.body))
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, env)
	}
	var out bytes.Buffer
	printFailover(&out, envs)
	for _, want := range []string{"acme-dev", "no global edge", "acme-prod", "150 s = http check every 30 s x 3 failures + 60 s TTL"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}
