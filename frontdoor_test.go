package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/multiregion/multiregion/internal/testutil"
)

// The front door: the commands the README gives a user, run exactly as
// written (runDocumented) in a copy of the project, so no user output or
// state is touched. TestReadmeCommands checks that every command of the
// README's workflow sections is run by one of these calls.

// projectCopy copies the project (sources, config, cdktf.json, package
// files; not tests, golden files, output or state) into a temporary folder
// and links node_modules, which must exist (npm ci; make test runs it).
func projectCopy(t *testing.T) string { return copyProject(t, false) }

// copyProject is projectCopy, with the tests and golden files when withTests.
func copyProject(t *testing.T, withTests bool) string {
	t.Helper()
	if os.Getenv(nestedEnv) != "" {
		t.Fatalf("%s: a documented command ran a test that copies the project again", t.Name())
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(wd, "node_modules", ".bin", "cdktf")); err != nil {
		t.Fatalf("no cdktf CLI in node_modules: run npm ci --no-audit --no-fund (make test does): %v", err)
	}
	// The same path on every run (per project and test): the Go build cache
	// keys compiled packages by their directory, so a fresh path each time
	// would rebuild the whole app for every test.
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("multiregion-frontdoor-%x", sha256.Sum256([]byte(wd)))[:len("multiregion-frontdoor-")+12], t.Name())
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	skip := []string{".git", "node_modules", "cdktf.out", ".check", "state", ".gen"}
	if !withTests {
		skip = append(skip, "testdata")
	}
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
		if strings.HasSuffix(path, "_test.go") && !withTests || !d.Type().IsRegular() {
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

// nestedEnv marks the commands runDocumented runs, so that a command that
// runs this package's tests cannot recurse into another project copy.
const nestedEnv = "MULTIREGION_FRONTDOOR_COMMAND"

// runDocumented runs a README command exactly as written with sh in dir,
// with extra environment variables (the README's own variables are part
// of the command), stdin as given, and returns its combined output. The
// command must exit 0.
func runDocumented(t *testing.T, dir, command string, stdin string, env ...string) string {
	t.Helper()
	return startDocumented(t, dir, command, stdin, env...)()
}

// startDocumented is runDocumented in two halves: it starts the command and
// returns the wait for it.
func startDocumented(t *testing.T, dir, command string, stdin string, env ...string) (wait func() string) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "CHECKPOINT_DISABLE=1", "NO_COLOR=1", "FORCE_COLOR=0", nestedEnv+"=1")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer // read only after Wait
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	return func() string {
		t.Helper()
		err := cmd.Wait()
		t.Logf("%s: %.1fs", command, time.Since(start).Seconds())
		if err != nil {
			t.Fatalf("%s: %v\n%s", command, err, out.String())
		}
		return out.String()
	}
}

// shellLines is the input of a documented shell session (the emulator's):
// one command per argument, each a README command or the test's own.
func shellLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

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

// envStacks are the stacks a synth of the named environments writes:
// three each, and the bootstrap stack of each of their accounts.
func envStacks(envs ...string) []string {
	var out []string
	for _, e := range synthEnvs {
		if !slices.Contains(envs, e.ID()) {
			continue
		}
		out = append(out, e.StackNames()...)
		if !slices.Contains(out, e.Account.StackName()) {
			out = append(out, e.Account.StackName())
		}
	}
	slices.Sort(out)
	return out
}

// roleStacks are an environment's three stacks.
func roleStacks(env string) []string {
	return []string{env + "-primary", env + "-secondary", env + "-global"}
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
	app := testutil.Build(t, dir, ".")
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
	for _, stack := range roleStacks("acme-prod") {
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

// TestCustomerCheck: a customer added as the README says (a copied file),
// checked on its own: the check synthesizes, validates and plans that
// environment offline and leaves the user's output and state alone.
func TestCustomerCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: synthesizes and plans an environment (about a minute)")
	}
	t.Parallel()
	dir := projectCopy(t)
	unchanged := userOutput(t, dir)
	runDocumented(t, dir, "cp config/environments/acme-dev.yaml config/environments/globex-dev.yaml", "")
	out := runDocumented(t, dir, "go run ./cmd/check -envs globex-dev -skip-emulator", "")
	for _, stack := range roleStacks("globex-dev") {
		if !strings.Contains(out, stack) {
			t.Errorf("the check does not report %s:\n%s", stack, out)
		}
	}
	unchanged()
}

// TestReadmeRegeneratesGolden: the README's golden file command
// regenerates the golden files, and on this tree they come out as
// committed. (Its name must not match the command's -run TestGolden, or the
// command would run this test again in the copy.)
func TestReadmeRegeneratesGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs the package's tests in a copy")
	}
	t.Parallel()
	dir := copyProject(t, true)
	os.RemoveAll(filepath.Join(dir, "testdata", "acme-dev-primary.tf.json"))
	runDocumented(t, dir, "UPDATE_GOLDEN=1 go test . -run TestGolden", "")
	golden, _ := filepath.Glob("testdata/*.tf.json")
	if len(golden) == 0 {
		t.Fatal("no golden files in testdata")
	}
	for _, path := range golden {
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: regenerated differs from the committed one (%v)", path, err)
		}
	}
}

// coveredElsewhere are README commands no test can run as written, and
// what covers them instead.
var coveredElsewhere = map[string]string{
	"make test": ".ci/run, the CI job, runs exactly make test (checked below)",
	"make all": "setup is make test's first step; its job, go run ./cmd/check (checked below), runs in TestCustomerCheck " +
		"for one environment, and TestEveryStackValidatesAndPlansOffline and TestEmulatorDeploysAcmeLocal do its work for all",
	"npx cdktf diff acme-prod-primary": "needs credentials for acme-prod's account: TestEnvironmentGlobs, TestOfflineDiff (the same plan offline)",
	"npx cdktf deploy 'acme-prod-*'":   "needs credentials for acme-prod's account: TestEnvironmentGlobs (the CLI accepts the glob), TestEmulatorCLI (the same command on acme-local)",
	"npx cdktf destroy 'acme-prod-*'":  "needs credentials for acme-prod's account: TestEnvironmentGlobs, TestEmulatorCLI (the same command on acme-local)",
	"npx cdktf deploy acme-production-bootstrap": "needs credentials for acme-prod's account: TestEmulatorDeploysBootstrap applies, re-plans and destroys the emulator account's bootstrap stack, " +
		"TestBootstrapStacks checks what this one holds",
	"go run ./cmd/workspaces":                                    "needs an HCP Terraform token: cmd/workspaces' TestCommandDryRunThenApply runs the command's dry run against a fake of the API",
	"go run ./cmd/workspaces -apply":                             "needs an HCP Terraform token: cmd/workspaces' TestCommandDryRunThenApply runs it with -apply against a fake of the API",
	"go run ./cmd/dr status -env acme-local":                     "TestDRDrillOnEmulator runs it exactly as written (drill.command) on acme-local deployed on the emulator",
	"go run ./cmd/dr failover -env acme-local":                   "TestDRDrillOnEmulator runs it exactly as written (drill.command) on acme-local deployed on the emulator, before the failover it executes",
	"go run ./cmd/cost -env acme-prod -what-if-tier development": "cmd/cost's TestWhatIfCommand runs it exactly as written from the project root (minutes: a synth and an offline plan per tier)",
}

// TestReadmeCommands: every command in the README's sh blocks is run
// exactly as written by a test of this package (the command argument of
// runDocumented or startDocumented, or a line of shellLines), or is one of
// coveredElsewhere; help lists every one of them too.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	commands := shCommands(string(readme))
	if len(commands) < 8 {
		t.Fatalf("found %d commands in the README's sh blocks: %q", len(commands), commands)
	}
	run := documentedCommands(t)
	help, _ := os.ReadFile("help")
	for _, c := range commands {
		if !strings.Contains(string(help), c) {
			t.Errorf("help does not list the README command %q", c)
		}
		if run[c] {
			continue
		}
		if _, ok := coveredElsewhere[c]; !ok {
			t.Errorf("README command %q is run by no test: run it with runDocumented (exactly as written) or say in coveredElsewhere what covers it", c)
		}
	}
	for c := range coveredElsewhere {
		if !slices.Contains(commands, c) {
			t.Errorf("coveredElsewhere lists %q, which the README does not have", c)
		}
		if run[c] {
			t.Errorf("%q is run by a test: drop it from coveredElsewhere", c)
		}
	}
	// What coveredElsewhere claims.
	ci, _ := os.ReadFile(".ci/run")
	if !strings.Contains(string(ci), "\nmake test\n") {
		t.Errorf(".ci/run does not run make test:\n%s", ci)
	}
	makefile, _ := os.ReadFile("Makefile")
	for _, rule := range []string{"all: setup check\n", "check:\n\tgo run ./cmd/check\n", "test: setup\n"} {
		if !strings.Contains(string(makefile), rule) {
			t.Errorf("the Makefile has no %q", rule)
		}
	}
}

// shCommands are the lines of the sh blocks of a Markdown text, without
// trailing comments.
func shCommands(md string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
		case strings.HasPrefix(line, "```"):
			in = false
		case in:
			if i := strings.Index(line, " # "); i >= 0 {
				line = line[:i]
			}
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				out = append(out, line)
			}
		}
	}
	return out
}

// documentedCommands reads this package's tests for the commands they run
// as documented: string literals passed as the command of runDocumented and
// startDocumented and as lines of shellLines.
func documentedCommands(t *testing.T) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*_test.go")
	out := map[string]bool{}
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			var args []ast.Expr
			switch fn.Name {
			case "runDocumented", "startDocumented":
				if len(call.Args) > 2 {
					args = call.Args[2:3]
				}
			case "shellLines":
				args = call.Args
			}
			for _, a := range args {
				if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						out[s] = true
					}
				}
			}
			return true
		})
	}
	return out
}
