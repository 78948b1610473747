// Command bench measures what docs/speed.md reports: the synth of every
// example environment as it runs by default, with jsii's relay process, with
// jsii's default NODE_OPTIONS, with the kernel preload off and with the node
// on PATH, and the offline validate + plan of every stack. Each measure
// runs several times; it prints min and median wall time, CPU time, the peak
// memory of the largest process and the machine's load beside each. When a
// run fails, bench prints why, reports nothing and exits 1.
//
//	go run ./cmd/bench                  # everything (make bench)
//	go run ./cmd/bench -only synth -runs 3
//
// Run it from the project root. It writes nothing into the project but what
// cmd/check keeps in its own scratch folder .check/.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/multiregion/multiregion/internal/nodeenv"
)

func main() {
	runs := flag.Int("runs", 5, "runs per measure")
	only := flag.String("only", "", "comma-separated sections to run: synth, check (default: both)")
	flag.Parse()
	want := func(section string) bool { return *only == "" || slices.Contains(strings.Split(*only, ","), section) }
	tmp, err := os.MkdirTemp("", "multiregion-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(tmp)
	if err := bench(tmp, *runs, want); err != nil {
		os.RemoveAll(tmp)
		fmt.Fprintln(os.Stderr, "bench: FAILED, no report:", err)
		os.Exit(1)
	}
}

// measure is one line of the report: several runs of the same command.
type measure struct {
	name       string
	wall, cpu  []time.Duration
	rss        int64 // peak of the largest process, bytes
	minL, maxL float64
}

func bench(tmp string, runs int, want func(string) bool) error {
	node := nodeenv.ProjectNode()
	pathNode, _ := exec.LookPath("node")
	if node == "" {
		node = pathNode
	}
	app, check := filepath.Join(tmp, "multiregion"), filepath.Join(tmp, "check")
	for bin, pkg := range map[string]string{app: ".", check: "./cmd/check"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	out := filepath.Join(tmp, "cdktf.out")
	synth := func(node, preload string, extra ...string) *exec.Cmd {
		cmd := exec.Command(app)
		cmd.Env = env(node, preload, append(extra, "CDKTF_OUTDIR="+out)...)
		return cmd
	}
	var report []*measure
	series := func(name string, cmd func() *exec.Cmd) error {
		m := &measure{name: name, minL: 1e9}
		for i := 1; i <= runs; i++ {
			if err := m.run(cmd()); err != nil {
				return fmt.Errorf("%s, run %d of %d: %w", name, i, runs, err)
			}
		}
		report = append(report, m)
		return nil
	}
	if want("synth") {
		type variant struct{ name, node, preload, extra string }
		variants := []variant{
			{"synth all examples", node, "1", ""},
			{"synth all examples, jsii's relay process", node, "1", nodeenv.DirectSwitch + "=0"},
			{"synth all examples, jsii's NODE_OPTIONS default", node, "1", "NODE_OPTIONS=--max-old-space-size=4069"},
			{"synth all examples, preload off", node, "0", ""},
		}
		if pathNode != "" && pathNode != node {
			variants = append(variants, variant{"synth all examples, node " + version(pathNode) + " from PATH", pathNode, "1", ""})
		}
		for _, v := range variants {
			if err := series(v.name+" (node "+version(v.node)+")", func() *exec.Cmd { return synth(v.node, v.preload, v.extra) }); err != nil {
				return err
			}
		}
	}
	if want("check") {
		if err := synth(node, "1").Run(); err != nil {
			return fmt.Errorf("synth for the checks: %w", err)
		}
		for _, quick := range []string{"", "-quick"} {
			args := slices.DeleteFunc([]string{"-skip-emulator", "-outdir", out, quick}, func(s string) bool { return s == "" })
			if err := series(strings.TrimSpace("offline validate + plan of every stack "+quick), func() *exec.Cmd {
				cmd := exec.Command(check, args...)
				cmd.Env = env(node, "1")
				return cmd
			}); err != nil {
				return err
			}
		}
	}
	fmt.Printf("## bench %s, commit %s, %s, load %s at the end\n\n", time.Now().Format("2006-01-02 15:04"), version("git", "rev-parse", "--short", "HEAD"), version("go", "version"), load())
	fmt.Print("| measure | runs | wall min | wall median | CPU median | peak memory (largest process) | load 1 min |\n|---|---|---|---|---|---|---|\n")
	for _, m := range report {
		fmt.Printf("| %s | %d | %.2f s | %.2f s | %.2f s | %.0f MB | %.1f-%.1f |\n", m.name, len(m.wall), slices.Min(m.wall).Seconds(), median(m.wall).Seconds(), median(m.cpu).Seconds(), float64(m.rss)/1e6, m.minL, m.maxL)
	}
	return nil
}

// run runs cmd once and adds its wall and CPU time, peak memory and the load.
func (m *measure) run(cmd *exec.Cmd) error {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	var l float64
	fmt.Sscan(load(), &l)
	m.minL, m.maxL = min(m.minL, l), max(m.maxL, l)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v\n%s", err, out.String())
	}
	m.wall = append(m.wall, time.Since(start))
	m.cpu = append(m.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rss = max(m.rss, ru.Maxrss*1024)
	}
	return nil
}

// env is the environment of a run: the given node and preload mode, and
// nothing inherited that changes the kernel or the selection.
func env(node, preload string, extra ...string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains([]string{"NODE_OPTIONS", "JSII_NODE", "JSII_RUNTIME", nodeenv.Switch, nodeenv.DirectSwitch, "MULTIREGION_ENVIRONMENTS", "CDKTF_CONTEXT_JSON", "CDKTF_OUTDIR"}, k)
	})
	extra = slices.DeleteFunc(extra, func(kv string) bool { return kv == "" })
	env = append(env, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "CHECKPOINT_DISABLE=1", "JSII_NODE="+node, nodeenv.Switch+"="+preload)
	return append(env, extra...)
}

func median(d []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(d))
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

// load is the 1-minute load average.
func load() string {
	data, _ := os.ReadFile("/proc/loadavg")
	return strings.Fields(string(data) + " ?")[0]
}

// version is the first line of `cmd --version` (or of cmd with args).
func version(cmd string, args ...string) string {
	if len(args) == 0 {
		args = []string{"--version"}
	}
	out, err := exec.Command(cmd, args...).Output()
	if err != nil {
		return "?"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}
