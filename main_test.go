package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/internal/testutil"
)

// The app is synthesized once for the whole package (a synth costs seconds);
// every test reads that output.
var (
	synthDir  string
	synthEnvs []*config.Environment
)

func TestMain(m *testing.M) {
	testutil.JSIIMain(m, func(tmp string) (err error) {
		if synthEnvs, err = config.LoadDir(config.DefaultDir, nil); err != nil {
			return err
		}
		synthDir = filepath.Join(tmp, "cdktf.out")
		return synthesize(synthDir, synthEnvs, false)
	})
}

// stackNames lists every synthesized stack.
func stackNames(t *testing.T) []string {
	t.Helper()
	var m struct {
		Stacks map[string]struct {
			Dependencies []string `json:"dependencies"`
		} `json:"stacks"`
	}
	readJSON(t, filepath.Join(synthDir, "manifest.json"), &m)
	var names []string
	for n := range m.Stacks {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

var readJSON = testutil.ReadJSON

func stackPath(name string) string { return filepath.Join(synthDir, "stacks", name, "cdk.tf.json") }

// stack is a synthesized stack as generic JSON.
type stack map[string]any

func loadStack(t *testing.T, name string) stack {
	t.Helper()
	var s stack
	readJSON(t, stackPath(name), &s)
	return s
}

// resources returns the resources of one type, by name.
func (s stack) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	res, _ := s["resource"].(map[string]any)
	byName, _ := res[typ].(map[string]any)
	for name, r := range byName {
		out[name] = r.(map[string]any)
	}
	return out
}

// TestGolden compares every stack of every example environment with its
// reviewed golden file. UPDATE_GOLDEN=1 go test . rewrites them; review the diff.
func TestGolden(t *testing.T) {
	update := os.Getenv("UPDATE_GOLDEN") == "1"
	names := stackNames(t)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			got, err := os.ReadFile(stackPath(name))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".tf.json")
			if update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("no golden file (run UPDATE_GOLDEN=1 go test . and review it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s\nIf the change is intended: UPDATE_GOLDEN=1 go test . and review the diff.", name, golden, firstDiff(want, got))
			}
		})
	}
	// A golden file without a stack is a stack that disappeared.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.tf.json"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".tf.json")
		if !slices.Contains(names, name) {
			if update {
				os.Remove(f)
			} else {
				t.Errorf("%s has no synthesized stack any more", f)
			}
		}
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  golden: %s\n  synth:  %s", i+1, wl, gl)
		}
	}
	return "(same lines, different bytes)"
}

// TestStackGraph: three stacks per environment, secondary -> primary,
// global -> both and nothing else (no stack reads another environment's);
// no cycles by construction.
func TestStackGraph(t *testing.T) {
	var m struct {
		Stacks map[string]struct {
			Dependencies []string `json:"dependencies"`
		} `json:"stacks"`
	}
	readJSON(t, filepath.Join(synthDir, "manifest.json"), &m)
	if want := 3*len(synthEnvs) + len(synthAccounts()); len(m.Stacks) != want {
		t.Fatalf("%d stacks, want %d (3 per environment, a bootstrap per account)", len(m.Stacks), want)
	}
	for _, a := range synthAccounts() {
		// Applied first, by hand: nothing reads it, it reads nothing.
		if st, ok := m.Stacks[a.StackName()]; !ok || len(st.Dependencies) != 0 {
			t.Errorf("bootstrap stack %s: present %v, depends on %v, want present and on nothing", a.StackName(), ok, st.Dependencies)
		}
	}
	for _, env := range synthEnvs {
		p, s, g := env.StackName(config.RolePrimary), env.StackName(config.RoleSecondary), env.StackName(config.RoleGlobal)
		if deps := m.Stacks[p].Dependencies; len(deps) != 0 {
			t.Errorf("%s depends on %v, want nothing", p, deps)
		}
		if deps := m.Stacks[s].Dependencies; !slices.Equal(deps, []string{p}) {
			t.Errorf("%s depends on %v, want [%s]", s, deps, p)
		}
		if deps := slices.Sorted(slices.Values(m.Stacks[g].Dependencies)); !slices.Equal(deps, []string{p, s}) {
			t.Errorf("%s depends on %v, want [%s %s]", g, deps, p, s)
		}
	}
	// No cycles: every stack can be deployed after its dependencies.
	done := map[string]bool{}
	for len(done) < len(m.Stacks) {
		progress := false
		for name, st := range m.Stacks {
			if done[name] {
				continue
			}
			ready := true
			for _, d := range st.Dependencies {
				ready = ready && done[d]
			}
			if ready {
				done[name], progress = true, true
			}
		}
		if !progress {
			t.Fatalf("the stack graph has a cycle among the stacks not yet deployable (deployed: %v)", slices.Sorted(maps.Keys(done)))
		}
	}
}

// TestEnvironmentGlobs: `cdktf deploy '<customer>-<env>-*'` and `cdktf
// destroy` with the same glob are accepted by the CLI for every example
// environment. The CLI selects stacks by minimatch on their names (for
// these names path.Match agrees) and refuses a deploy when a selected
// stack's dependency is not selected, and a destroy when a stack depending
// on a selected one is not.
func TestEnvironmentGlobs(t *testing.T) {
	var m struct {
		Stacks map[string]struct {
			Dependencies []string `json:"dependencies"`
		} `json:"stacks"`
	}
	readJSON(t, filepath.Join(synthDir, "manifest.json"), &m)
	for _, env := range synthEnvs {
		glob := env.ID() + "-*"
		var selected []string
		for name := range m.Stacks {
			if ok, _ := path.Match(glob, name); ok {
				selected = append(selected, name)
			}
		}
		slices.Sort(selected)
		want := []string{env.StackName(config.RoleGlobal), env.StackName(config.RolePrimary), env.StackName(config.RoleSecondary)}
		if !slices.Equal(selected, want) {
			t.Errorf("%q selects %v, want %v", glob, selected, want)
		}
		for name, st := range m.Stacks {
			for _, d := range st.Dependencies {
				in, depIn := slices.Contains(selected, name), slices.Contains(selected, d)
				if in && !depIn {
					t.Errorf("cdktf deploy %q: %s depends on %s, which the glob does not select", glob, name, d)
				}
				if depIn && !in {
					t.Errorf("cdktf destroy %q: %s depends on %s but the glob does not select it", glob, name, d)
				}
			}
		}
	}
}

// TestProviders: every provider is pinned to the environment's account,
// tags by default, and the constraint lets a newer 5.x satisfy it.
func TestProviders(t *testing.T) {
	for _, env := range synthEnvs {
		for _, role := range []string{config.RolePrimary, config.RoleSecondary, config.RoleGlobal} {
			name := env.StackName(role)
			s := loadStack(t, name)
			tf := s["terraform"].(map[string]any)
			version := tf["required_providers"].(map[string]any)["aws"].(map[string]any)["version"]
			if version != "~> 5.99" {
				t.Errorf("%s: aws provider constraint %v, want ~> 5.99", name, version)
			}
			providers := s["provider"].(map[string]any)["aws"].([]any)
			for _, p := range providers {
				p := p.(map[string]any)
				ids := fmt.Sprint(p["allowed_account_ids"])
				if ids != fmt.Sprintf("[%s]", env.AccountID) {
					t.Errorf("%s: provider %v allowed_account_ids %s, want [%s]", name, p["alias"], ids, env.AccountID)
				}
				tags := p["default_tags"].([]any)[0].(map[string]any)["tags"].(map[string]any)
				for _, k := range []string{"Customer", "Environment", "ManagedBy", "CostCenter", "Tier"} {
					if tags[k] == nil || tags[k] == "" {
						t.Errorf("%s: provider %v has no default tag %s", name, p["alias"], k)
					}
				}
				if _, emulated := p["endpoints"]; emulated != (env.Emulator != nil) {
					t.Errorf("%s: provider endpoints set = %v, want %v (emulator only)", name, emulated, env.Emulator != nil)
				}
			}
		}
	}
}

// TestNoAbsolutePaths: synthesized stacks are portable: no path of the
// machine that synthesized them.
func TestNoAbsolutePaths(t *testing.T) {
	wd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	abs := regexp.MustCompile(`"(/(tmp|home|root|work|Users|var)/[^"]*)"`)
	for _, name := range stackNames(t) {
		data, err := os.ReadFile(stackPath(name))
		if err != nil {
			t.Fatal(err)
		}
		// Paths below the temp folder, not the bare folder: /tmp is also
		// where containers get their writable scratch volume.
		for _, bad := range []string{wd, home, synthDir, strings.TrimSuffix(os.TempDir(), "/") + "/"} {
			if bad != "" && bytes.Contains(data, []byte(bad)) {
				t.Errorf("%s contains the machine path %s", name, bad)
			}
		}
		if m := abs.FindSubmatch(data); m != nil {
			t.Errorf("%s contains the absolute path %s", name, m[1])
		}
	}
}

// TestLocalStatePaths: local backends and remote-state inputs use the
// project-relative state folder.
func TestLocalStatePaths(t *testing.T) {
	for _, name := range stackNames(t) {
		s := loadStack(t, name)
		backend, _ := s["terraform"].(map[string]any)["backend"].(map[string]any) // none with a cloud block
		local, ok := backend["local"].(map[string]any)
		if !ok {
			continue
		}
		if want := "../../../state/" + name + ".tfstate"; local["path"] != want {
			t.Errorf("%s: local state path %v, want %s", name, local["path"], want)
		}
	}
}

// TestBadConfigWritesNothing runs the app on a project with one bad file:
// it must exit non-zero, name file, field and value, and leave an earlier
// cdktf.out byte for byte as it was.
func TestBadConfigWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the app")
	}
	bin := testutil.Build(t, ".", ".")
	project := t.TempDir()
	envDir := filepath.Join(project, config.DefaultDir)
	os.MkdirAll(envDir, 0o755)
	os.WriteFile(filepath.Join(envDir, "acme-dev.yaml"), []byte("account_id: \"222222222222\"\n"), 0o644)
	os.WriteFile(filepath.Join(envDir, "beta-prod.yaml"), []byte("account_id: \"333333333333\"\nprimary:\n  cidr: 10.0.0.0/33\nsecondary:\n  cidr: 10.0.0.0/16\n  colour: blue\n"), 0o644)
	earlier := filepath.Join(project, "cdktf.out", "manifest.json")
	os.MkdirAll(filepath.Dir(earlier), 0o755)
	os.WriteFile(earlier, []byte(`{"earlier":true}`), 0o644)

	cmd := exec.Command(bin)
	cmd.Dir = project
	cmd.Env = append(os.Environ(), "CDKTF_OUTDIR=", "MULTIREGION_ENVIRONMENTS=")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the app accepted a bad config:\n%s", out)
	}
	for _, want := range []string{"beta-prod.yaml", "colour", "allowed here"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("error output lacks %q:\n%s", want, out)
		}
	}
	if got, _ := os.ReadFile(earlier); string(got) != `{"earlier":true}` {
		t.Errorf("earlier cdktf.out was changed: %s", got)
	}
	if left, _ := filepath.Glob(filepath.Join(project, "cdktf.out.*")); len(left) > 0 {
		t.Errorf("left temporary output behind: %v", left)
	}

	// Once the file is fixed the same project synthesizes and replaces the output.
	os.WriteFile(filepath.Join(envDir, "beta-prod.yaml"), []byte("account_id: \"333333333333\"\nprimary:\n  cidr: 10.40.0.0/16\nsecondary:\n  cidr: 10.41.0.0/16\n"), 0o644)
	cmd = exec.Command(bin)
	cmd.Dir = project
	cmd.Env = append(os.Environ(), "CDKTF_OUTDIR=", "MULTIREGION_ENVIRONMENTS=beta-prod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fixed config failed: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(project, "cdktf.out", "stacks", "beta-prod-global", "cdk.tf.json")); err != nil {
		t.Errorf("fixed config did not synthesize beta-prod: %v", err)
	}
	if _, err := os.Stat(filepath.Join(project, "cdktf.out", "stacks", "acme-dev-primary")); err == nil {
		t.Errorf("selection MULTIREGION_ENVIRONMENTS=beta-prod synthesized acme-dev too")
	}
}
