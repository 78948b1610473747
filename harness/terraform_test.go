package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/internal/testutil"
)

// requireTerraform skips a test when terraform is missing, except in CI
// (CI set), where a missing terraform must fail.
func requireTerraform(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("terraform is not installed (in CI this fails)")
		}
		t.Fatal(RequireTerraform())
	}
}

// testLog sends the harness's progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestChildEnv(t *testing.T) {
	env := childEnv([]string{
		"PATH=/bin", "AWS_PROFILE=prod", "AWS_ACCESS_KEY_ID=AKIAREAL", "AWS_ENDPOINT_URL=https://x",
		"TF_WORKSPACE=prod", "TF_CLI_ARGS_plan=-destroy", "TF_TOKEN_app_terraform_io=secret", "TF_VAR_x=1",
	}, "/scratch/terraformrc")
	joined := "\n" + strings.Join(env, "\n") + "\n"
	for _, gone := range []string{"AWS_PROFILE=", "AKIAREAL", "AWS_ENDPOINT_URL=", "TF_WORKSPACE=", "TF_CLI_ARGS_plan", "TF_TOKEN_"} {
		if strings.Contains(joined, gone) {
			t.Errorf("child env keeps %s", gone)
		}
	}
	for _, kept := range []string{"PATH=/bin", "TF_VAR_x=1", "AWS_ACCESS_KEY_ID=" + fakeAccessKey, "AWS_SECRET_ACCESS_KEY=fake",
		"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull, "AWS_EC2_METADATA_DISABLED=true",
		"TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0", "TF_CLI_CONFIG_FILE=/scratch/terraformrc"} {
		if !strings.Contains(joined, "\n"+kept+"\n") {
			t.Errorf("child env lacks %s", kept)
		}
	}
}

func TestChildEnvProviderLogs(t *testing.T) {
	has := func(env []string, kv string) bool {
		for _, e := range env {
			if e == kv {
				return true
			}
		}
		return false
	}
	quiet := childEnv([]string{"PATH=/bin"}, "/rc")
	for _, kv := range quietProviderLogs {
		if !has(quiet, kv) {
			t.Errorf("without a log level the child env lacks %s", kv)
		}
	}
	// A user who asks for logs gets them: none of the off switches is added.
	for _, user := range []string{"TF_LOG=trace", "TF_LOG_PROVIDER=debug", "TF_LOG_SDK_PROTO=trace"} {
		env := childEnv([]string{"PATH=/bin", user}, "/rc")
		if !has(env, user) {
			t.Errorf("with %s: the user's setting is dropped", user)
		}
		for _, kv := range quietProviderLogs {
			if kv != user && has(env, kv) {
				t.Errorf("with %s the child env still sets %s", user, kv)
			}
		}
	}
}

func TestCLIConfig(t *testing.T) {
	with := string(cliConfig("/c", "/opt/tf-plugins"))
	for _, want := range []string{`plugin_cache_dir = "/c"`, `path = "/opt/tf-plugins"`, `exclude = ["registry.terraform.io/hashicorp/aws"]`} {
		if !strings.Contains(with, want) {
			t.Errorf("CLI config with mirror lacks %s:\n%s", want, with)
		}
	}
	if without := string(cliConfig("/c", "")); strings.Contains(without, "provider_installation") {
		t.Errorf("CLI config without mirror must use the registry:\n%s", without)
	}
}

func TestDropLockHashes(t *testing.T) {
	dir := t.TempDir()
	lock := `provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = "~> 5.99"
  hashes = [
    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",
  ]
}
`
	os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), []byte(lock), 0o644)
	if err := dropLockHashes(dir); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	want := "provider \"registry.terraform.io/hashicorp/aws\" {\n  version     = \"5.100.0\"\n  constraints = \"~> 5.99\"\n}\n"
	if string(got) != want {
		t.Errorf("lock without hashes:\n%s\nwant:\n%s", got, want)
	}
}

var readJSON = testutil.ReadJSON

func TestScratchMustBeDedicated(t *testing.T) {
	project := t.TempDir()
	os.WriteFile(filepath.Join(project, "go.mod"), []byte("module x\n"), 0o644)
	if _, err := newTerraform(&Options{Scratch: project}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a non-empty folder the harness did not make was accepted as scratch: %v", err)
	}
	requireTerraform(t)
	scratch := filepath.Join(t.TempDir(), "scratch")
	for range 2 { // new, then made by the harness
		if _, err := newTerraform(&Options{Scratch: scratch}); err != nil {
			t.Fatal(err)
		}
	}
}
