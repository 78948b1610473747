package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSelectedEnvironments(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	os.Chdir(dir)
	os.WriteFile(filepath.Join(dir, "cdktf.json"), []byte(`{"app":"go run .","context":{"environments":["acme-dev"]}}`), 0o644)

	for _, tc := range []struct {
		name, envVar, ctxJSON string
		want                  []string
		wantErr               bool
	}{
		{name: "cdktf.json context", want: []string{"acme-dev"}},
		{name: "CLI context list", ctxJSON: `{"environments":["acme-prod","acme-staging"]}`, want: []string{"acme-prod", "acme-staging"}},
		{name: "CLI context string", ctxJSON: `{"environments":"acme-prod, acme-staging"}`, want: []string{"acme-prod", "acme-staging"}},
		{name: "CLI context without selection", ctxJSON: `{"other":1}`, want: nil},
		{name: "environment variable wins", envVar: "acme-local", ctxJSON: `{"environments":["acme-prod"]}`, want: []string{"acme-local"}},
		{name: "bad context value", ctxJSON: `{"environments":42}`, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(selectionEnv, tc.envVar)
			t.Setenv("CDKTF_CONTEXT_JSON", tc.ctxJSON)
			got, err := selectedEnvironments()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
