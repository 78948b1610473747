package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
)

// The verification ladder's upper rungs on the real AWS provider: every
// synthesized stack validates and plans offline, and acme-local deploys on
// moto_server, re-plans clean and destroys. Both work on copies in scratch
// folders; the synthesized output and any real state stay untouched.

// TestEmulatorDeploysAcmeLocal applies acme-local's three stacks on
// moto_server in DAG order with real remote state between them, re-plans
// (no changes allowed) and destroys. It re-runs itself inside a private
// network namespace (unshare -rn) so a missed endpoint fails instead of
// reaching out. The deploy takes minutes, nearly all of it the AWS provider's
// fixed waiters, so the child starts first and runs while the package's other
// tests do (t.Parallel after Start); its log is printed in one piece at the end.
func TestEmulatorDeploysAcmeLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys on moto_server (minutes)")
	}
	if !runInPrivateNetns(t, "TestEmulatorDeploysAcmeLocal", 25*time.Minute) {
		return
	}

	all, err := harness.ReadManifest(synthDir)
	if err != nil {
		t.Fatal(err)
	}
	var local []harness.Stack
	for _, s := range all {
		if strings.HasPrefix(s.Name, "acme-local-") {
			local = append(local, s)
		}
	}
	if len(local) != 3 {
		t.Fatalf("acme-local has %d stacks, want 3", len(local))
	}
	port, err := harness.EmulatorPort(local)
	if err != nil || port == 0 {
		t.Fatalf("acme-local's providers point at no local emulator (port %d): %v", port, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	rep, err := harness.Emulate(ctx, harness.Options{Scratch: filepath.Join(t.TempDir(), "emulator"), Port: port, Log: testWriter{t}}, local)
	t.Logf("emulator round trip: %s", rep.Duration.Round(time.Second))
	if err != nil {
		t.Error(err)
	}
	if len(rep.Stacks) != 3 {
		t.Fatalf("the emulator report has %d stacks, want 3", len(rep.Stacks))
	}
	for _, s := range rep.Stacks {
		for step, r := range map[string]harness.StepResult{"apply": s.Apply, "replan": s.Replan, "destroy": s.Destroy} {
			if !r.OK {
				t.Errorf("%s %s: %s\n%s", s.Stack, step, r.Status(), r.Output)
			}
		}
	}
	if vpc := rep.Stacks[0].Outputs["vpc_id"]; !strings.HasPrefix(vpc, "vpc-") {
		t.Errorf("acme-local-primary's vpc_id output is %q, want a VPC id from the emulator", vpc)
	}
}

// runInPrivateNetns re-runs the test named in a private network namespace
// (unshare -rn) and reports whether the caller is already inside one (then
// it does the work). Outside, the child starts first and runs while the
// package's other tests do (t.Parallel after Start); its log is printed in
// one piece at the end, and false comes back.
func runInPrivateNetns(t *testing.T, name string, timeout time.Duration) bool {
	t.Helper()
	if harness.InPrivateNetns() {
		return true
	}
	if os.Getenv("MULTIREGION_NETNS") != "" {
		t.Fatal("re-executed for a private network namespace, but not in one")
	}
	for _, check := range []func() error{harness.RequireTerraform, harness.RequireMoto, harness.UnshareAvailable} {
		if err := check(); err != nil {
			t.Fatal(err)
		}
	}
	cmd := harness.ReexecInNetns([]string{os.Args[0], "-test.run=^" + name + "$", "-test.v", "-test.timeout=" + timeout.String()}, os.Environ())
	var out bytes.Buffer // read only after Wait
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s in a private network namespace: %v", name, err)
	}
	t.Parallel()
	err := cmd.Wait()
	t.Logf("%s in a private network namespace:\n%s", name, out.String())
	if err != nil {
		t.Fatalf("%s in a private network namespace: %v", name, err)
	}
	return false
}

// TestEmulatorDeploysBootstrap applies the emulator account's bootstrap
// stack on moto_server (its own, in its own network namespace, beside the
// acme-local round trip): state bucket and replica with replication, keys,
// the HCP Terraform identity provider and the run role; re-plans it (no
// changes allowed) and destroys it.
func TestEmulatorDeploysBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys on moto_server (minutes)")
	}
	if !runInPrivateNetns(t, "TestEmulatorDeploysBootstrap", 25*time.Minute) {
		return
	}
	all, err := harness.ReadManifest(synthDir)
	if err != nil {
		t.Fatal(err)
	}
	var boot []harness.Stack
	for _, a := range synthAccounts() {
		if a.Emulator == nil {
			continue
		}
		for _, s := range all {
			if s.Name == a.StackName() {
				boot = append(boot, s)
			}
		}
	}
	if len(boot) != 1 {
		t.Fatalf("%d emulated bootstrap stacks, want 1", len(boot))
	}
	port, err := harness.EmulatorPort(boot)
	if err != nil || port == 0 {
		t.Fatalf("%s's providers point at no local emulator (port %d): %v", boot[0].Name, port, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	rep, err := harness.Emulate(ctx, harness.Options{Scratch: filepath.Join(t.TempDir(), "emulator"), Port: port, Log: testWriter{t}}, boot)
	t.Logf("emulator round trip: %s", rep.Duration.Round(time.Second))
	if err != nil {
		t.Error(err)
	}
	if len(rep.Stacks) != 1 {
		t.Fatalf("the emulator report has %d stacks, want 1", len(rep.Stacks))
	}
	s := rep.Stacks[0]
	for step, r := range map[string]harness.StepResult{"apply": s.Apply, "replan": s.Replan, "destroy": s.Destroy} {
		if !r.OK {
			t.Errorf("%s %s: %s\n%s", s.Stack, step, r.Status(), r.Output)
		}
	}
	for _, out := range []string{"state_bucket", "state_replica_bucket", "run_role_arn_acme_local"} {
		if s.Outputs[out] == "" {
			t.Errorf("%s: output %s is empty after apply (outputs %v)", s.Stack, out, s.Outputs)
		}
	}
	if arn := s.Outputs["run_role_arn_acme_local"]; arn != "" && arn != "arn:aws:iam::123456789012:role/acme-local-hcp-terraform-run" {
		t.Errorf("run role ARN %s, want the acme-local run role in the emulator's account", arn)
	}
}

// TestEmulatorCLI: acme-local deploys through the cdktf CLI on the
// emulator exactly as the README tells a user (the emulator's shell, then
// cdktf deploy and destroy), re-plans with no changes in between, and
// leaves no resource in its state. It runs in a copy of the project, beside
// TestEmulatorDeploysAcmeLocal (each with its own moto_server in its own
// namespace).
func TestEmulatorCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys on moto_server through the cdktf CLI (minutes)")
	}
	dir := projectCopy(t)
	stacks := []string{"acme-local-primary", "acme-local-secondary", "acme-local-global"}
	script := shellLines(
		"set -e",
		"npx cdktf deploy 'acme-local-*' --auto-approve --skip-provider-lock",
		// Re-plan every deployed stack, side by side: exit code 2 would
		// mean changes.
		"for s in "+strings.Join(stacks, " ")+"; do (cd cdktf.out/stacks/$s && terraform plan -detailed-exitcode -input=false -no-color >../../../replan-$s.log 2>&1 || echo \"REPLAN-NOT-CLEAN $s\") & done; wait",
		"npx cdktf destroy 'acme-local-*' --auto-approve --skip-provider-lock",
	)
	wait := startDocumented(t, dir, "go run ./cmd/emulator", script)
	t.Parallel()
	out := wait()
	for _, s := range stacks {
		if strings.Contains(out, "REPLAN-NOT-CLEAN "+s) {
			log, _ := os.ReadFile(filepath.Join(dir, "replan-"+s+".log"))
			t.Errorf("%s: the re-plan after the CLI deploy is not clean:\n%s", s, lastLines(string(log), 60))
		}
		var state struct {
			Resources []any `json:"resources"`
		}
		data, err := os.ReadFile(filepath.Join(dir, "state", s+".tfstate"))
		if err != nil {
			t.Errorf("%s: no state after the deploy: %v", s, err)
			continue
		}
		if err := json.Unmarshal(data, &state); err != nil || len(state.Resources) != 0 {
			t.Errorf("%s: %d resources left in state after destroy (%v)", s, len(state.Resources), err)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestEveryStackValidatesAndPlansOffline runs terraform plan -refresh=false
// (fake credentials, stub upstream state), which validates first, on every
// stack of every example environment (terraform validate runs only after a
// failed plan); then the policy pack and the secret check read the plans.
func TestEveryStackValidatesAndPlansOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform on every stack")
	}
	if err := harness.RequireTerraform(); err != nil {
		t.Fatal(err)
	}
	stacks, err := harness.ReadManifest(synthDir)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3*len(synthEnvs) + len(synthAccounts()); len(stacks) != want {
		t.Fatalf("%d stacks in the manifest, want %d (3 per environment, a bootstrap per account)", len(stacks), want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	results, err := harness.Offline(ctx, harness.Options{Scratch: filepath.Join(t.TempDir(), "offline"), Parallel: runtime.NumCPU()}, stacks)
	if err != nil {
		t.Error(err)
	}
	if len(results) != len(stacks) {
		t.Fatalf("%d results for %d stacks", len(results), len(stacks))
	}
	for _, r := range results {
		if !r.Validate.OK || !r.Plan.OK {
			t.Errorf("%s: validate %s, plan %s\n%s%s", r.Stack, r.Validate.Status(), r.Plan.Status(), r.Validate.Output, r.Plan.Output)
			continue
		}
		// A regional stack that plans nothing would mean its constructs
		// vanished; a bootstrap stack has two buckets of 8 resources each.
		switch {
		case strings.HasSuffix(r.Stack, "-bootstrap") && r.Adds < 20:
			t.Errorf("%s plans only %d additions", r.Stack, r.Adds)
		case !strings.HasSuffix(r.Stack, "-bootstrap") && !strings.HasSuffix(r.Stack, "-"+config.RoleGlobal) && r.Adds < 30:
			t.Errorf("%s plans only %d additions", r.Stack, r.Adds)
		}
		if r.Changes != 0 || r.Destroys != 0 {
			t.Errorf("%s: a plan on empty state changes %d and destroys %d", r.Stack, r.Changes, r.Destroys)
		}
	}
	// The same plans, read by the policy pack and for secrets in clear text.
	t.Run("policy", func(t *testing.T) { checkPolicy(t, results) })
	t.Run("secrets", func(t *testing.T) { checkSecretsSensitive(t, results) })
}

// testWriter sends harness progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
