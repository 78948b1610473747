package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/internal/nodeenv"
)

// TestLazyProviderOutputIdentical guards the lazy loading of the AWS
// provider bundle (internal/nodeenv): the app run with it (and its debug
// report) and without it (MULTIREGION_LAZY_PROVIDER=0) writes byte-identical
// output, identical to this package's in-process synth (hook on), which
// TestGolden compares with the golden files. It also fails when the pinned
// bundle's index.js stops having the shape the hook knows, so an upgrade of
// the bindings cannot silently make every synth slow again.
func TestLazyProviderOutputIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app and synthesizes twice")
	}
	bin := filepath.Join(t.TempDir(), "multiregion")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	run := func(mode string) (dir, stderr string) {
		dir = filepath.Join(t.TempDir(), "cdktf.out")
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "CDKTF_OUTDIR="+dir, "MULTIREGION_ENVIRONMENTS=", "CDKTF_CONTEXT_JSON=", nodeenv.Switch+"="+mode)
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s=%s: %v\n%s", nodeenv.Switch, mode, err, errOut.String())
		}
		return dir, errOut.String()
	}
	lazy, report := run("debug")
	if !strings.Contains(report, "exports made lazy") || strings.Contains(report, "eagerly") {
		t.Errorf("the lazy loading did not engage on the pinned provider bundle; if its index.js changed shape, update internal/nodeenv/preload.js. Debug report:\n%s", report)
	}
	eager, report := run("0")
	if strings.Contains(report, "exports made lazy") {
		t.Errorf("%s=0 still loaded lazily:\n%s", nodeenv.Switch, report)
	}
	want := files(t, synthDir)
	for name, dir := range map[string]string{"lazy": lazy, "eager": eager} {
		got := files(t, dir)
		if len(got) != len(want) {
			t.Errorf("%s run wrote %d files, in-process synth %d", name, len(got), len(want))
		}
		for path, data := range want {
			if !bytes.Equal(got[path], data) {
				t.Errorf("%s run: %s differs from the in-process synth:\n%s", name, path, firstDiff(data, got[path]))
			}
		}
	}
}

// files reads every file under dir by relative path.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
