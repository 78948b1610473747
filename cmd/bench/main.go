// Command bench measures the platform's speed and memory: synth of one
// environment and of all (wall, CPU, peak memory of the whole process tree),
// a fit of fixed + per-resource cost over several sizes, the jsii kernel
// preload (internal/nodeenv) and the Node.js versions against each other, cold and warm builds,
// the offline validate + plan of every stack and the emulator deploy of
// acme-local. Every measure runs several times and reports min and median,
// with the machine's load beside it. When any measured run fails, bench
// prints which and why, reports nothing and exits 1.
//
//	go run ./cmd/bench                  # everything (make bench)
//	go run ./cmd/bench -only synth -runs 3
//
// Run it from the project root. It writes nothing into the project but what
// cmd/check keeps in its own scratch folder .check/: builds, generated
// environments and outputs live in a temporary folder.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func main() {
	var (
		runs      = flag.Int("runs", 5, "runs per synth measure")
		coldRuns  = flag.Int("cold-runs", 2, "cold `go build` runs (each compiles every dependency)")
		checkRuns = flag.Int("check-runs", 3, "runs of the offline validate + plan of every stack")
		emuRuns   = flag.Int("emulator-runs", 1, "emulator deploys of acme-local")
		sizes     = flag.String("sizes", "1,2,4,8,16", "environment counts for the fit: up to the number of examples they are examples, beyond that copies of them under other customer names")
		only      = flag.String("only", "", "comma-separated sections to run: synth, variants, build, check, emulator (default: all)")
	)
	flag.Parse()
	b, err := newBench()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(b.tmp)
	want := func(section string) bool {
		return *only == "" || strings.Contains(","+*only+",", ","+section+",")
	}
	ns, err := parseSizes(*sizes)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: -sizes:", err)
		os.Exit(2)
	}
	b.header()
	steps := []struct {
		name string
		run  func() error
	}{
		{"build", func() error { return b.build(*coldRuns, *runs) }},
		{"synth", func() error { return b.synth(ns, *runs) }},
		{"variants", func() error { return b.variants(*runs) }},
		{"check", func() error { return b.check(*checkRuns) }},
		{"emulator", func() error { return b.emulator(*emuRuns) }},
	}
	for _, s := range steps {
		if !want(s.name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s ...\n", s.name)
		if err := s.run(); err != nil {
			os.RemoveAll(b.tmp)
			fmt.Fprintf(os.Stderr, "bench: FAILED, no report: %v\n", err)
			os.Exit(1)
		}
	}
	b.report(os.Stdout)
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive count", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// loadavg returns the 1, 5 and 15 minute load averages as printed by uptime.
func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// load1 is the 1-minute load average.
func load1() float64 {
	v, _ := strconv.ParseFloat(strings.Fields(loadavg() + " 0")[0], 64)
	return v
}

func nproc() int { return runtime.NumCPU() }

// version runs cmd with args and returns the first line of its output.
func version(cmd string, args ...string) string {
	out, err := exec.Command(cmd, args...).Output()
	if err != nil {
		return "?"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

func since(t time.Time) time.Duration { return time.Since(t) }
