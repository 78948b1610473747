package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/workspaces"
	"github.com/multiregion/multiregion/workspaces/tfetest"
)

// TestCommandDryRunThenApply runs the two commands docs/hcp-terraform.md
// gives, `go run ./cmd/workspaces` and `go run ./cmd/workspaces -apply`, in
// a project whose cdktf.out/workspaces.json names acme-dev's stacks, against
// a local fake of the API (TFE_ADDRESS, TFE_TOKEN).
func TestCommandDryRunThenApply(t *testing.T) {
	fake, srv := tfetest.NewServer(t)
	t.Setenv("TFE_ADDRESS", srv.URL)
	t.Setenv("TFE_TOKEN", tfetest.Token)
	project := t.TempDir()
	os.MkdirAll(filepath.Join(project, "cdktf.out"), 0o755)
	file := `{"workspaces": [
  {"name": "acme-dev-primary", "organization": "acme", "hostname": "app.terraform.io", "project": "acme-dev", "working_directory": "cdktf.out/stacks/acme-dev-primary", "execution_mode": "remote",
   "depends_on": [], "remote_state_consumers": ["acme-dev-secondary"],
   "variables": [{"key": "TFC_AWS_PROVIDER_AUTH", "value": "true", "category": "env"}, {"key": "TFC_AWS_RUN_ROLE_ARN", "value": "arn:aws:iam::222222222222:role/acme-dev-hcp-terraform-run", "category": "env"}]},
  {"name": "acme-dev-secondary", "organization": "acme", "hostname": "app.terraform.io", "project": "acme-dev", "working_directory": "cdktf.out/stacks/acme-dev-secondary", "execution_mode": "remote",
   "depends_on": ["acme-dev-primary"], "remote_state_consumers": [],
   "variables": [{"key": "TFC_AWS_PROVIDER_AUTH", "value": "true", "category": "env"}, {"key": "TFC_AWS_RUN_ROLE_ARN", "value": "arn:aws:iam::222222222222:role/acme-dev-hcp-terraform-run", "category": "env"}]}
]}`
	os.WriteFile(filepath.Join(project, "cdktf.out", workspaces.FileName), []byte(file), 0o644)
	t.Chdir(project)

	var out bytes.Buffer
	if err := run(context.Background(), nil, &out); err != nil {
		t.Fatal(err)
	}
	if len(fake.Writes) != 0 || !strings.Contains(out.String(), "would create workspace acme-dev-secondary") || !strings.Contains(out.String(), "dry run: nothing changed") {
		t.Errorf("dry run wrote %v and printed:\n%s", fake.Writes, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"-apply"}, &out); err != nil {
		t.Fatal(err)
	}
	if fake.WS["acme-dev-secondary"] == nil || len(fake.WS["acme-dev-primary"].Consumers) != 1 {
		t.Errorf("-apply left workspaces %v:\n%s", fake.WS, out.String())
	}
	out.Reset()
	if err := run(context.Background(), nil, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "would ") {
		t.Errorf("a dry run after -apply still finds changes:\n%s", out.String())
	}
}

// TestCommandNeedsAToken: without TFE_TOKEN, TF_TOKEN_<host> or a terraform
// login, the command says how to get one; a token terraform login saved is
// found.
func TestCommandNeedsAToken(t *testing.T) {
	t.Setenv("TFE_TOKEN", "")
	t.Setenv("TF_TOKEN_app_terraform_io", "")
	t.Setenv("HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "workspaces.json")
	os.WriteFile(path, []byte(`{"workspaces": [{"name": "acme-dev-primary", "hostname": "app.terraform.io"}]}`), 0o644)
	err := run(context.Background(), []string{"-file", path}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "terraform login app.terraform.io") {
		t.Errorf("err = %v, want it to say terraform login app.terraform.io", err)
	}
	home := os.Getenv("HOME")
	os.MkdirAll(filepath.Join(home, ".terraform.d"), 0o700)
	os.WriteFile(filepath.Join(home, ".terraform.d", "credentials.tfrc.json"), []byte(`{"credentials": {"app.terraform.io": {"token": "saved"}}}`), 0o600)
	if tok, err := workspaces.Token("app.terraform.io"); tok != "saved" || err != nil {
		t.Errorf("token %q, %v; want the one terraform login saved", tok, err)
	}
}
