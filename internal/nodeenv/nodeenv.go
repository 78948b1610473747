// Package nodeenv prepares the environment of the Node.js process that runs
// the jsii kernel: which node runs it, a preload (preload.js) that loads
// the AWS provider's JavaScript bundle lazily and skips cdktf's JavaScript
// creation stacks, and a direct start of the kernel without jsii's relay
// process.
//
// jsii-runtime-go prepares the kernel process, environment included, at
// package init (the first RegisterClass), and starts it at the first jsii
// call. Setup changes the environment and then closes that prepared, not yet
// started client (jsii.Close), so the first jsii call starts a kernel with
// the new environment: no re-exec and no launcher needed.
package nodeenv

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/aws/jsii-runtime-go"
)

// Switch names the environment variable that controls the preload: unset or
// 1 = on, 0 = off (the kernel runs exactly as without this package),
// debug = on, and report on stderr what happened.
const Switch = "MULTIREGION_JSII_PRELOAD"

// defaultOptions go into NODE_OPTIONS when the environment has none:
// jsii-runtime-go's own default (which setting NODE_OPTIONS replaces), and a
// young generation of 2 MB semi-spaces instead of 16: the kernel's garbage
// is short-lived, so this cuts its peak memory by about 30 MB at no
// measurable cost in time (see docs/speed.md).
const defaultOptions = "--max-old-space-size=4069 --max-semi-space-size=2"

// Preload is the preload script (preload.js).
//
//go:embed preload.js
var Preload []byte

// Setup points the jsii kernel at the project's pinned Node.js (unless
// JSII_NODE is set) and adds the preload to NODE_OPTIONS
// (unless switched off). Call it before the first jsii call (creating the
// app): it closes the jsii client. Only the first call in a process does
// anything, so a kernel that is running stays up. It never fails: whatever
// it cannot do, the kernel does the standard way, only slower.
func Setup() { setupOnce.Do(setup) }

var setupOnce sync.Once

func setup() {
	mode := os.Getenv(Switch)
	var notes []string
	if os.Getenv("JSII_NODE") == "" {
		if node := ProjectNode(); node != "" {
			os.Setenv("JSII_NODE", node)
			notes = append(notes, "node "+node)
		}
	} else {
		notes = append(notes, "node "+os.Getenv("JSII_NODE")+" (JSII_NODE)")
	}
	switch strings.ToLower(mode) {
	case "0", "off", "false", "no":
		// A parent's Setup may have left its preload and direct start in the
		// environment this process inherited.
		os.Setenv("NODE_OPTIONS", withoutPreload(os.Getenv("NODE_OPTIONS")))
		dropDirect()
		notes = append(notes, "preload off ("+Switch+"="+mode+")")
	default:
		path, err := WritePreload(cacheDir())
		if err != nil {
			notes = append(notes, "preload off: "+err.Error())
			break
		}
		os.Setenv("NODE_OPTIONS", withRequire(os.Getenv("NODE_OPTIONS"), path))
		notes = append(notes, "preload "+path)
		notes = append(notes, direct())
	}
	if mode == "debug" {
		fmt.Fprintln(os.Stderr, "multiregion: jsii kernel:", strings.Join(notes, "; "))
	}
	// Drop the client that package init prepared with the old environment;
	// the next jsii call prepares and starts one with the new environment.
	jsii.Close()
}

// ProjectNode returns the node binary that npm installed for the module this
// process runs in (package.json pins node@22 as a devDependency), found from
// the working directory up to the folder with go.mod; "" when there is none
// (then jsii uses the node on PATH).
func ProjectNode() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			node := filepath.Join(dir, "node_modules", ".bin", "node")
			if fi, err := os.Stat(node); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return node
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// cacheDir is where the preload is written: the user's cache folder, else
// the temporary folder.
func cacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "multiregion")
	}
	return filepath.Join(os.TempDir(), "multiregion")
}

// WritePreload writes the preload into dir under a name derived from its
// content (so versions never mix and concurrent runs agree), unless it is
// there already, and returns its path.
func WritePreload(dir string) (string, error) {
	sum := sha256.Sum256(Preload)
	path := filepath.Join(dir, "jsii-preload-"+hex.EncodeToString(sum[:8])+".js")
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, Preload) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".jsii-preload-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(Preload); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// withRequire adds --require=path to NODE_OPTIONS once.
func withRequire(opts, path string) string {
	req := "--require=" + quote(path)
	if strings.Contains(opts, req) {
		return opts
	}
	if strings.TrimSpace(opts) == "" {
		opts = defaultOptions
	}
	return opts + " " + req
}

// quote quotes a path for NODE_OPTIONS, which splits at spaces and
// understands double quotes with backslash escapes.
func quote(s string) string {
	if !strings.ContainsAny(s, " \t\n\"\\'") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// DirectSwitch names the environment variable that, set to 0, keeps jsii's
// relay process (see direct). Setup sets it to 1 when it starts the kernel
// directly; the preload reads it.
const DirectSwitch = "MULTIREGION_JSII_DIRECT"

// runtimeModule is the Go module whose embedded kernel (lib/program.js) the
// app runs.
const runtimeModule = "github.com/aws/jsii-runtime-go"

// direct makes jsii start the kernel (lib/program.js) as the only Node.js
// process, through JSII_RUNTIME, instead of its relay (bin/jsii-runtime.js)
// that starts the kernel as a second process: one Node.js start and one
// bundle less per synth (make bench measures both ways). The preload then gives the kernel its API channel
// on stdin/stdout and wraps its console output as the relay does. It uses the
// kernel of the jsii-runtime-go version this binary was built with, from the
// Go module cache; when that is not there, JSII_RUNTIME is set already, or
// MULTIREGION_JSII_DIRECT=0, jsii starts its relay as usual. It returns a
// note for the debug report.
func direct() string {
	// A JSII_RUNTIME of this shape was set by direct, in this process or in
	// a parent (children inherit it, with the preload): it is redone here.
	rt := os.Getenv("JSII_RUNTIME")
	ours := ownRuntime(rt)
	if rt != "" && !ours {
		return "relay process kept (JSII_RUNTIME is set)"
	}
	keep := func(why string) string {
		dropDirect()
		return "relay process kept (" + why + ")"
	}
	if os.Getenv(DirectSwitch) == "0" {
		return keep(DirectSwitch + "=0")
	}
	program := kernelProgram()
	if program == "" {
		return keep("no " + runtimeModule + " kernel in the module cache")
	}
	node := os.Getenv("JSII_NODE")
	if node == "" {
		node = "node"
	}
	node, err := exec.LookPath(node)
	if err != nil {
		return keep(err.Error())
	}
	if strings.ContainsAny(node+program, "'\n") {
		return keep("a quote in " + node + " or " + program)
	}
	// jsii runs JSII_RUNTIME with $SHELL -c; exec leaves no shell behind.
	os.Setenv("JSII_RUNTIME", "exec '"+node+"' --preserve-symlinks '"+program+"'")
	os.Setenv(DirectSwitch, "1")
	return "kernel " + program + " started directly"
}

// kernelProgram is the path of lib/program.js of the jsii-runtime-go version
// in this binary's build info, in the Go module cache; "" when it is not
// there (a replaced module, a pruned cache, a binary built elsewhere).
func kernelProgram() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return kernelProgramOf(info)
}

// kernelProgramOf is kernelProgram for the build info of a binary. (A test
// binary's has no dependencies: tests run the stock relay.)
func kernelProgramOf(info *debug.BuildInfo) string {
	var version string
	for _, m := range info.Deps {
		if m.Path == runtimeModule && m.Replace == nil {
			version = m.Version
		}
	}
	if version == "" {
		return ""
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return ""
			}
			gopath = filepath.Join(home, "go")
		}
		cache = filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
	}
	program := filepath.Join(cache, runtimeModule+"@"+version, "internal", "embedded", "resources", "lib", "program.js")
	if fi, err := os.Stat(program); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return program
}

// dropDirect undoes a direct start inherited from a parent: its JSII_RUNTIME,
// and the switch that makes the preload take the kernel's API channel from
// stdin/stdout, which would break a kernel that jsii's relay starts.
func dropDirect() {
	if ownRuntime(os.Getenv("JSII_RUNTIME")) {
		os.Unsetenv("JSII_RUNTIME")
	}
	if os.Getenv(DirectSwitch) == "1" {
		os.Unsetenv(DirectSwitch)
	}
}

// ownRuntime tells a JSII_RUNTIME that direct set.
func ownRuntime(rt string) bool {
	return strings.HasPrefix(rt, "exec '") && strings.HasSuffix(rt, "program.js'")
}

// withoutPreload drops this package's --require from NODE_OPTIONS; when
// nothing but its own defaults remain, nothing remains.
func withoutPreload(opts string) string {
	var keep []string
	for _, f := range strings.Fields(opts) {
		if strings.HasPrefix(f, "--require=") && strings.Contains(f, "jsii-preload-") {
			continue
		}
		keep = append(keep, f)
	}
	out := strings.Join(keep, " ")
	if out == defaultOptions {
		return ""
	}
	return out
}
