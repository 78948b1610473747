package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/internal/nodeenv"
)

// preferred orders the examples for the sizes: the reference architecture
// first ("synth of one environment").
var preferred = []string{"acme-prod", "acme-staging", "acme-dev", "acme-local"}

type bench struct {
	root       string   // project root
	tmp        string   // everything bench writes
	bin        string   // the app, built once
	node       string   // the node the app uses by default (project's, else PATH)
	pathNode   string   // node on PATH
	examples   []string // example environment files, preferred first
	started    time.Time
	startLoad  string
	results    []*series
	fits       []string
	checks     []string // target lines
	skipped    []string // measures this branch cannot take
	synthFixed float64
}

func newBench() (*bench, error) {
	root, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return nil, fmt.Errorf("run bench from the project root (no go.mod in %s)", root)
	}
	files, _ := filepath.Glob(filepath.Join(root, config.DefaultDir, "*.yaml"))
	if len(files) == 0 {
		return nil, fmt.Errorf("no example environments in %s", config.DefaultDir)
	}
	rank := func(f string) int {
		if i := slices.Index(preferred, strings.TrimSuffix(filepath.Base(f), ".yaml")); i >= 0 {
			return i
		}
		return len(preferred)
	}
	slices.SortStableFunc(files, func(a, b string) int { return rank(a) - rank(b) })
	tmp, err := os.MkdirTemp("", "multiregion-bench-")
	if err != nil {
		return nil, err
	}
	b := &bench{root: root, tmp: tmp, examples: files, started: time.Now(), startLoad: loadavg()}
	b.pathNode, _ = exec.LookPath("node")
	b.node = nodeenv.ProjectNode()
	if b.node == "" {
		b.node = b.pathNode
	}
	return b, nil
}

func (b *bench) header() {
	fmt.Fprintf(os.Stderr, "bench: %d cores, load %s, node %s (%s), scratch %s\n", nproc(), b.startLoad, version(b.node, "--version"), b.node, b.tmp)
}

// env is the environment of an app run: a clean selection, the given node
// and preload mode, and nothing inherited that changes the kernel.
func (b *bench) env(node, lazy string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "NODE_OPTIONS", "JSII_NODE", nodeenv.Switch, "MULTIREGION_ENVIRONMENTS", "CDKTF_CONTEXT_JSON", "CDKTF_OUTDIR", "JSII_DEBUG":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "CHECKPOINT_DISABLE=1", "JSII_NODE="+node, nodeenv.Switch+"="+lazy)
	return append(env, extra...)
}

// binary builds the app once (untimed unless the build section ran first).
func (b *bench) binary() (string, error) {
	if b.bin != "" {
		return b.bin, nil
	}
	bin := filepath.Join(b.tmp, "multiregion")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = b.root
	if _, err := run("go build", cmd); err != nil {
		return "", err
	}
	b.bin = bin
	return bin, nil
}

// project returns a project folder holding n environments: the first n
// examples, and beyond them copies of the examples under other customer
// names (bench-only: they never leave the scratch folder).
func (b *bench) project(n int) (string, error) {
	dir := filepath.Join(b.tmp, fmt.Sprintf("project-%d", n))
	envDir := filepath.Join(dir, config.DefaultDir)
	if err := os.MkdirAll(envDir, 0o755); err != nil {
		return "", err
	}
	for i := 0; i < n; i++ {
		src := b.examples[i%len(b.examples)]
		data, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		name := filepath.Base(src)
		if copyNo := i / len(b.examples); copyNo > 0 {
			customer, _, _ := strings.Cut(name, "-")
			clone := fmt.Sprintf("c%d%s", copyNo, customer)
			if len(clone) > 12 {
				clone = clone[:12]
			}
			name = clone + strings.TrimPrefix(name, customer)
			data = bytes.ReplaceAll(data, []byte(customer+"-"), []byte(clone+"-"))
		}
		if err := os.WriteFile(filepath.Join(envDir, name), data, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// synthOnce runs the app in project and returns the measured sample and the
// output folder (removed by the caller).
func (b *bench) synthOnce(what, project, node, lazy string) (sample, string, error) {
	bin, err := b.binary()
	if err != nil {
		return sample{}, "", err
	}
	out := filepath.Join(b.tmp, "out")
	os.RemoveAll(out)
	cmd := exec.Command(bin)
	cmd.Dir = project
	cmd.Env = b.env(node, lazy, "CDKTF_OUTDIR="+out)
	s, err := run(what, cmd)
	return s, out, err
}

// synthSeries measures runs synths of a project.
func (b *bench) synthSeries(name, project, node, lazy string, runs int, golden bool) (*series, error) {
	s := &series{name: name, memory: true}
	for i := 1; i <= runs; i++ {
		what := fmt.Sprintf("%s, run %d of %d", name, i, runs)
		x, out, err := b.synthOnce(what, project, node, lazy)
		if err != nil {
			return nil, err
		}
		if i == 1 {
			n, err := countResources(out)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", what, err)
			}
			s.resources = n
		}
		if golden {
			if err := b.compareGolden(out); err != nil {
				return nil, fmt.Errorf("%s: %v", what, err)
			}
		}
		s.samples = append(s.samples, x)
	}
	os.RemoveAll(filepath.Join(b.tmp, "out"))
	return s, nil
}

// countResources counts the resources and data sources of every stack.
func countResources(out string) (int, error) {
	files, err := filepath.Glob(filepath.Join(out, "stacks", "*", "cdk.tf.json"))
	if err != nil || len(files) == 0 {
		return 0, fmt.Errorf("no stacks written to %s", out)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return 0, err
		}
		var doc struct {
			Resource map[string]map[string]json.RawMessage `json:"resource"` // type -> name -> body
			Data     map[string]map[string]json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return 0, fmt.Errorf("%s: %v", f, err)
		}
		for _, byName := range doc.Resource {
			n += len(byName)
		}
		for _, byName := range doc.Data {
			n += len(byName)
		}
	}
	return n, nil
}

// compareGolden checks every stack written against testdata, byte for byte.
func (b *bench) compareGolden(out string) error {
	golden, _ := filepath.Glob(filepath.Join(b.root, "testdata", "*.tf.json"))
	stacks, _ := filepath.Glob(filepath.Join(out, "stacks", "*", "cdk.tf.json"))
	if len(golden) != len(stacks) {
		return fmt.Errorf("%d stacks written, %d golden files in testdata", len(stacks), len(golden))
	}
	for _, g := range golden {
		name := strings.TrimSuffix(filepath.Base(g), ".tf.json")
		want, _ := os.ReadFile(g)
		got, err := os.ReadFile(filepath.Join(out, "stacks", name, "cdk.tf.json"))
		if err != nil || !bytes.Equal(got, want) {
			return fmt.Errorf("stack %s differs from %s (golden files out of date? UPDATE_GOLDEN=1 go test . -run TestGolden)", name, g)
		}
	}
	return nil
}

func (b *bench) add(s *series) { b.results = append(b.results, s) }

func mb(v int64) string { return fmt.Sprintf("%.0f MB", float64(v)/1e6) }

func secs(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// report prints every measure, the fits and the targets.
func (b *bench) report(w io.Writer) {
	commit := version("git", "-C", b.root, "rev-parse", "--short", "HEAD")
	if version("git", "-C", b.root, "status", "--porcelain", "--untracked-files=no") != "" {
		commit += " (with uncommitted changes)"
	}
	fmt.Fprintf(w, "## bench %s, commit %s\n\n", b.started.Format("2006-01-02 15:04"), commit)
	fmt.Fprintf(w, "machine: %d cores; load (1/5/15 min) %s at the start, %s at the end; %s; node %s (%s)", nproc(), b.startLoad, loadavg(), version("go", "version"), version(b.node, "--version"), b.node)
	if b.pathNode != "" && b.pathNode != b.node {
		fmt.Fprintf(w, ", node on PATH %s", version(b.pathNode, "--version"))
	}
	fmt.Fprint(w, "\n\n| measure | runs | wall min | wall median | CPU median | peak memory (tree / largest process) | load 1 min | note |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range b.results {
		st := s.stats()
		memory := "-"
		if s.memory {
			memory = mb(st.treeRSS) + " / " + mb(st.maxRSS)
		}
		note := s.note
		if s.resources > 0 {
			note = strings.TrimPrefix(fmt.Sprintf("%s; %d resources", note, s.resources), "; ")
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %.1f-%.1f | %s |\n", s.name, len(s.samples), secs(st.minWall), secs(st.medWall), secs(st.medCPU), memory, st.minLoad, st.maxLoad, note)
	}
	if len(b.fits) > 0 {
		fmt.Fprintln(w)
		for _, f := range b.fits {
			fmt.Fprintln(w, f)
		}
	}
	for _, sk := range b.skipped {
		fmt.Fprintln(w, "\nnot measured:", sk)
	}
	if len(b.checks) > 0 {
		fmt.Fprint(w, "\ntargets:\n")
		for _, c := range b.checks {
			fmt.Fprintln(w, "- "+c)
		}
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
