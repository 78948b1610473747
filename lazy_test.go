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
	"github.com/multiregion/multiregion/internal/testutil"
)

// TestPreloadOutputIdentical guards the jsii kernel preload
// (internal/nodeenv: lazy provider bundle, no creation stacks, the kernel
// started without jsii's relay process): the app run with it (and its debug
// report), with the relay kept (MULTIREGION_JSII_DIRECT=0) and without it
// (MULTIREGION_JSII_PRELOAD=0) writes byte-identical output, identical to this package's in-process synth
// (preload on), which TestGolden compares with the golden files. It also
// fails when the pinned bundle's index.js or cdktf's stack-trace module stop
// having the shape the preload knows, so an upgrade of the bindings cannot
// silently make every synth slow again.
func TestPreloadOutputIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app and synthesizes twice")
	}
	bin := testutil.Build(t, ".", ".")
	run := func(mode string, env ...string) (dir, stderr string) {
		dir = filepath.Join(t.TempDir(), "cdktf.out")
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "CDKTF_OUTDIR="+dir, "MULTIREGION_ENVIRONMENTS=", "CDKTF_CONTEXT_JSON=", nodeenv.Switch+"="+mode)
		cmd.Env = append(cmd.Env, env...)
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s=%s: %v\n%s", nodeenv.Switch, mode, err, errOut.String())
		}
		return dir, errOut.String()
	}
	lazy, report := run("debug")
	for _, want := range []string{"exports made lazy", "creation stacks off", "kernel started directly"} {
		if !strings.Contains(report, want) {
			t.Errorf("the preload did not engage (%q missing); if the provider bundle's index.js or cdktf changed shape, update internal/nodeenv/preload.js. Debug report:\n%s", want, report)
		}
	}
	eager, report := run("0")
	if strings.Contains(report, "jsii preload") {
		t.Errorf("%s=0 still preloaded:\n%s", nodeenv.Switch, report)
	}
	relay, report := run("debug", nodeenv.DirectSwitch+"=0")
	if strings.Contains(report, "kernel started directly") || !strings.Contains(report, "exports made lazy") {
		t.Errorf("%s=0: want the preload through jsii's relay process:\n%s", nodeenv.DirectSwitch, report)
	}
	want := files(t, synthDir)
	for name, dir := range map[string]string{"lazy": lazy, "eager": eager, "relay": relay} {
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
