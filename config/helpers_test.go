package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minimal is the smallest valid file: everything else has a default.
const minimal = "account_id: \"111111111111\"\n"

// testFile is the name parseEnv gives a body: customer acme, environment test.
const testFile = "acme-test.yaml"

// parseEnv parses body as the file acme-test.yaml and returns the
// environment and its problems; an error other than Problems fails the test.
func parseEnv(t *testing.T, body string) (*Environment, Problems) {
	t.Helper()
	env, err := Parse(testFile, []byte(body))
	var ps Problems
	if err != nil && !errors.As(err, &ps) {
		t.Fatalf("not a Problems error: %v", err)
	}
	return env, ps
}

// mustParse parses body as the file acme-test.yaml and fails the test on
// any problem.
func mustParse(t *testing.T, body string) *Environment {
	t.Helper()
	env, ps := parseEnv(t, body)
	if len(ps) > 0 {
		t.Fatalf("unexpected problems:\n%v", ps)
	}
	return env
}

// expectOneProblem parses body as envs/<file> and wants exactly one problem
// whose message starts with the file name and contains every want.
func expectOneProblem(t *testing.T, file, body string, want []string) {
	t.Helper()
	_, err := Parse("envs/"+file, []byte(body))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v, want Problems", err)
	}
	if len(ps) != 1 {
		t.Fatalf("%d problems, want 1:\n%v", len(ps), err)
	}
	msg := ps[0].String()
	if !strings.HasPrefix(msg, "envs/"+file+": ") {
		t.Errorf("%q does not start with the file name", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%q lacks %q", msg, w)
		}
	}
}

// expectProblem parses body as acme-test.yaml and wants exactly one
// problem: of that file, on field, with value, saying every want of what is
// allowed.
func expectProblem(t *testing.T, body, field, value string, want []string) {
	t.Helper()
	_, ps := parseEnv(t, body)
	if len(ps) != 1 {
		t.Fatalf("%d problems, want 1:\n%v", len(ps), ps)
	}
	p := ps[0]
	if p.File != testFile || p.Field != field || p.Value != value {
		t.Errorf("problem %s, want file %s, field %s, value %q", p, testFile, field, value)
	}
	for _, w := range want {
		if !strings.Contains(p.Want, w) {
			t.Errorf("problem %q lacks %q", p.Want, w)
		}
	}
}

// problemsOf returns the problems of a LoadDir error, failing the test when
// it is not one.
func problemsOf(t *testing.T, err error) Problems {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v, want Problems", err)
	}
	return ps
}

// writeFiles writes name -> body files into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// loadFiles writes environment files into a new folder and loads them all.
func loadFiles(t *testing.T, files map[string]string) ([]*Environment, error) {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	return LoadDir(dir, nil)
}

// loadProject writes environment files into <root>/environments and account
// files into <root>/accounts, and loads them.
func loadProject(t *testing.T, envs, accounts map[string]string) ([]*Environment, error) {
	t.Helper()
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "environments"), envs)
	writeFiles(t, filepath.Join(root, AccountsDirName), accounts)
	return LoadDir(filepath.Join(root, "environments"), nil)
}

// shipped loads the example environments, by id.
func shipped(t *testing.T) map[string]*Environment {
	t.Helper()
	envs, err := LoadDir("environments", nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Environment{}
	for _, e := range envs {
		byID[e.ID()] = e
	}
	return byID
}
