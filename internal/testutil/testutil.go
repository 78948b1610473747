// Package testutil holds the helpers the project's tests share.
package testutil

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/multiregion/multiregion/internal/nodeenv"
)

// JSIIMain runs the tests of a package that calls jsii, with the project's
// node and the preload (nodeenv). setup, when set, runs first with a
// temporary folder that is removed at the end; if it fails, no test runs.
// The jsii kernel is closed before the exit (os.Exit skips defers, and an
// open kernel leaks /tmp/jsii-runtime.*).
func JSIIMain(m *testing.M, setup func(tmp string) error) {
	os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	nodeenv.Setup()
	code := 1
	if tmp, err := os.MkdirTemp("", "multiregion-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		if setup != nil {
			err = setup(tmp)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "test setup failed:", err)
		} else {
			code = m.Run()
		}
		os.RemoveAll(tmp)
	}
	jsii.Close()
	os.Exit(code)
}

// ReadJSON decodes the JSON file at path into v.
func ReadJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Build builds the main package pkg of the module in dir into a temporary
// folder and returns the binary's path.
func Build(t testing.TB, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "app")
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}
