package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The front door: the commands the README gives a user, run exactly as
// written (runDocumented) in a copy of the project, so no user output or
// state is touched. TestReadmeCommands checks that every command of the
// README's workflow sections is run by one of these calls.

// projectCopy copies the project (sources, config, cdktf.json, package
// files; not tests, golden files, output or state) into a temporary folder
// and links node_modules, which must exist (npm ci; make test runs it).
func projectCopy(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(wd, "node_modules", ".bin", "cdktf")); err != nil {
		t.Fatalf("no cdktf CLI in node_modules: run npm ci --no-audit --no-fund (make test does): %v", err)
	}
	dir := t.TempDir()
	skip := []string{".git", "node_modules", "cdktf.out", ".check", "state", "testdata", ".gen"}
	err = filepath.WalkDir(wd, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(wd, path)
		if d.IsDir() && (slices.Contains(skip, d.Name()) || strings.HasPrefix(d.Name(), "cdktf.out.")) && rel != "." {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		if strings.HasSuffix(path, "_test.go") || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(filepath.Join(dir, rel), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(wd, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runDocumented runs a README command exactly as written with sh in dir,
// with extra environment variables (the README's own variables are part
// of the command), stdin as given, and returns its combined output. The
// command must exit 0.
func runDocumented(t *testing.T, dir, command string, stdin string, env ...string) string {
	t.Helper()
	start := time.Now()
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "CHECKPOINT_DISABLE=1", "NO_COLOR=1", "FORCE_COLOR=0")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Logf("%s: %.1fs", command, time.Since(start).Seconds())
	if err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out.String())
	}
	return out.String()
}

// stackDirs lists the stack folders of a cdktf output.
func stackDirs(t *testing.T, outdir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(outdir, "stacks"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func envStacks(envs ...string) []string {
	var out []string
	for _, e := range envs {
		out = append(out, e+"-global", e+"-primary", e+"-secondary")
	}
	slices.Sort(out)
	return out
}

// TestCLISynth: `npx cdktf synth` with a selection after a synth of
// everything, and after that with another selection through the CLI's
// context (cdktf.json), exits 0 and leaves exactly the selected stacks; a stack's
// Terraform working folder survives a synth that keeps the stack.
func TestCLISynth(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs the cdktf CLI (about a minute)")
	}
	t.Parallel()
	dir := projectCopy(t)
	out := filepath.Join(dir, "cdktf.out")
	runDocumented(t, dir, "npx cdktf synth", "")
	if got, want := stackDirs(t, out), envStacks("acme-dev", "acme-local", "acme-prod", "acme-staging"); !slices.Equal(got, want) {
		t.Fatalf("after a full synth: stacks %v, want %v", got, want)
	}
	marker := filepath.Join(out, "stacks", "acme-dev-primary", ".terraform", "marker")
	os.MkdirAll(filepath.Dir(marker), 0o755)
	os.WriteFile(marker, []byte("init"), 0o644)

	runDocumented(t, dir, "MULTIREGION_ENVIRONMENTS=acme-dev npx cdktf synth", "")
	if got, want := stackDirs(t, out), envStacks("acme-dev"); !slices.Equal(got, want) {
		t.Errorf("after selecting acme-dev: stacks %v, want %v", got, want)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("acme-dev-primary's .terraform did not survive the synth: %v", err)
	}

	// The CLI hands the app cdktf.json's context (CDKTF_CONTEXT_JSON).
	cfg := filepath.Join(dir, "cdktf.json")
	data, _ := os.ReadFile(cfg)
	selected := strings.Replace(string(data), `"context": {}`, `"context": {"environments": "acme-local"}`, 1)
	if selected == string(data) {
		t.Fatalf("cdktf.json has no empty context to fill:\n%s", data)
	}
	os.WriteFile(cfg, []byte(selected), 0o644)
	runDocumented(t, dir, "npx cdktf synth", "")
	if got, want := stackDirs(t, out), envStacks("acme-local"); !slices.Equal(got, want) {
		t.Errorf("after selecting acme-local in cdktf.json's context: stacks %v, want %v", got, want)
	}
	noDebris(t, dir)
}

// noDebris fails when a synth left a fresh or old output folder behind.
func noDebris(t *testing.T, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, "cdktf.out.*"))
	if len(left) > 0 {
		t.Errorf("synth left %v behind", left)
	}
}

// TestSynthInterrupted: Ctrl-C during a synth (SIGINT to the app's process
// group, as a terminal sends it) leaves the earlier output byte for byte
// and no fresh folder.
func TestSynthInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs the app")
	}
	t.Parallel()
	dir := projectCopy(t)
	app := filepath.Join(dir, "app")
	build := exec.Command("go", "build", "-o", app, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	old := filepath.Join(dir, "cdktf.out", "manifest.json")
	os.MkdirAll(filepath.Dir(old), 0o755)
	os.WriteFile(old, []byte(`{"earlier":"output"}`), 0o644)

	cmd := exec.Command(app)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the fresh folder, then give the kernel a moment to start.
	deadline := time.Now().Add(time.Minute)
	for {
		if fresh, _ := filepath.Glob(filepath.Join(dir, "cdktf.out.new-*")); len(fresh) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no cdktf.out.new-* appeared\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	err := cmd.Wait()
	if err == nil {
		t.Errorf("the interrupted synth exited 0\n%s", out.String())
	}
	if data, _ := os.ReadFile(old); string(data) != `{"earlier":"output"}` {
		t.Errorf("the earlier output changed: manifest.json is now %.80q", data)
	}
	noDebris(t, dir)
}

// userOutput puts a stand-in for a user's synthesized output and state
// into dir and returns a check that both are unchanged.
func userOutput(t *testing.T, dir string) (unchanged func()) {
	t.Helper()
	files := map[string]string{
		filepath.Join(dir, "cdktf.out", "manifest.json"):                                 `{"user":"output"}`,
		filepath.Join(dir, "cdktf.out", "stacks", "acme-dev-primary", ".terraform", "x"): "init",
		filepath.Join(dir, "state", "acme-dev-primary.tfstate"):                          `{"user":"state"}`,
	}
	for path, content := range files {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte(content), 0o644)
	}
	return func() {
		t.Helper()
		for path, content := range files {
			if data, err := os.ReadFile(path); err != nil || string(data) != content {
				t.Errorf("%s changed: %q, %v", path, data, err)
			}
		}
		if entries, _ := os.ReadDir(filepath.Join(dir, "cdktf.out", "stacks")); len(entries) != 1 {
			t.Errorf("cdktf.out/stacks has %d entries, want the user's one", len(entries))
		}
	}
}

// TestOfflineDiff: the offline diff of one environment prints Terraform's
// plan of each of its stacks and leaves the user's output and state alone.
func TestOfflineDiff(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: synthesizes and plans an environment (about a minute)")
	}
	t.Parallel()
	dir := projectCopy(t)
	unchanged := userOutput(t, dir)
	out := runDocumented(t, dir, "go run ./cmd/diff acme-prod", "")
	for _, stack := range envStacks("acme-prod") {
		i := strings.Index(out, "===== "+stack+" =====")
		if i < 0 {
			t.Errorf("no plan of %s in the output", stack)
			continue
		}
		if rest := out[i:]; !strings.Contains(rest, "Terraform will perform the following actions") || !strings.Contains(rest, "Plan: ") {
			t.Errorf("%s: no Terraform plan after its heading", stack)
		}
	}
	if strings.Contains(out, "===== acme-staging-") || strings.Contains(out, "===== acme-dev-") {
		t.Errorf("the diff of acme-prod planned other environments' stacks")
	}
	unchanged()
}

// TestCustomerCheck: the per-environment check a user runs after adding a
// customer file synthesizes, validates and plans that environment offline
// and leaves the user's output and state alone.
func TestCustomerCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: synthesizes and plans an environment (about a minute)")
	}
	t.Parallel()
	dir := projectCopy(t)
	unchanged := userOutput(t, dir)
	out := runDocumented(t, dir, "go run ./cmd/check -envs acme-dev -skip-emulator", "")
	for _, stack := range envStacks("acme-dev") {
		if !strings.Contains(out, stack) {
			t.Errorf("the check does not report %s:\n%s", stack, out)
		}
	}
	unchanged()
}
