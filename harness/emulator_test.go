package harness

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEmulator applies the fixture on moto_server, re-plans and destroys it.
// It re-runs itself inside a private network namespace (ReexecInNetns).
func TestEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("applies on moto_server (minutes); skipped with -short")
	}
	requireTerraform(t)
	switch {
	case os.Getenv(netnsEnv) != "" && !InPrivateNetns():
		t.Fatal("re-executed for a private network namespace, but not in one") // never re-exec again
	case !InPrivateNetns():
		for _, check := range []func() error{RequireMoto, UnshareAvailable} {
			if err := check(); err != nil {
				if os.Getenv("CI") == "" {
					t.Skip(err)
				}
				t.Fatal(err)
			}
		}
		cmd := ReexecInNetns([]string{os.Args[0], "-test.run=^TestEmulator$", "-test.v", "-test.timeout=15m"}, os.Environ())
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("TestEmulator in a private network namespace: %v", err)
		}
		return
	}

	port := freePort(t)
	stacks, err := ReadManifest(emulatorFixture(t, port))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	scratch := t.TempDir()
	rep, err := Emulate(ctx, Options{Scratch: scratch, Port: port, Log: testLog{t}}, stacks)
	t.Logf("emulator run: %s (moto start-up %s)", rep.Duration.Round(time.Millisecond), rep.Startup.Round(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Stacks) != 2 {
		t.Fatalf("report has %d stacks, want 2", len(rep.Stacks))
	}
	for _, e := range rep.Stacks {
		for step, s := range map[string]StepResult{"init": e.Init, "apply": e.Apply, "replan": e.Replan, "destroy": e.Destroy} {
			if !s.OK {
				t.Errorf("%s %s: %s\n%s", e.Stack, step, s.Status(), s.Output)
			}
			if _, err := os.Stat(s.Log); err != nil {
				t.Errorf("%s %s: no log: %v", e.Stack, step, err)
			}
		}
	}
	if got := rep.Stacks[0].Outputs["cross-stack-output-aws_vpcvpcid"]; got != "(sensitive)" {
		t.Errorf("fix-primary's sensitive output shown as %q", got)
	}
	if got := rep.Stacks[1].Outputs["vpc_id"]; !strings.HasPrefix(got, "vpc-") {
		t.Errorf("fix-secondary vpc_id = %q, want a VPC id from moto", got)
	}
	// State went to the scratch folder through the stacks' relative paths, and is empty again.
	for _, s := range stacks {
		data, err := os.ReadFile(filepath.Join(scratch, "state", s.Name+".tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		var state struct{ Resources []any }
		if err := json.Unmarshal(data, &state); err != nil || len(state.Resources) != 0 {
			t.Errorf("%s state after destroy: %d resources, err %v", s.Name, len(state.Resources), err)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// emulatorFixture is testdata/fixture turned into an emulator environment:
// local backends with relative paths, and providers pointing at moto on port
// with its test credentials and account.
func emulatorFixture(t *testing.T, port int) string {
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	return rewriteFixture(t, func(name string, stack map[string]any) {
		stack["terraform"].(map[string]any)["backend"] = map[string]any{
			"local": map[string]any{"path": "../../../state/" + name + ".tfstate"},
		}
		for _, p := range stack["provider"].(map[string]any)["aws"].([]any) {
			p := p.(map[string]any)
			p["access_key"], p["secret_key"] = "test", "test"
			p["allowed_account_ids"] = []string{"123456789012"}
			p["skip_credentials_validation"] = true
			p["skip_metadata_api_check"] = true
			p["endpoints"] = []any{map[string]any{"ec2": url, "iam": url, "sts": url}}
		}
	})
}
