package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// build measures cold builds (an empty build cache, as on a fresh CI
// runner whose module cache is filled) and warm rebuilds without changes.
func (b *bench) build(coldRuns, warmRuns int) error {
	cache := filepath.Join(b.tmp, "gocache-cold")
	defer os.RemoveAll(cache)
	cold := &series{name: "go build, cold", note: "empty GOCACHE, modules already downloaded"}
	for i := 1; i <= coldRuns; i++ {
		os.RemoveAll(cache)
		cmd := exec.Command("go", "build", "-o", filepath.Join(b.tmp, "app-cold"), ".")
		cmd.Dir = b.root
		cmd.Env = append(os.Environ(), "GOCACHE="+cache)
		x, err := run(fmt.Sprintf("%s, run %d of %d", cold.name, i, coldRuns), cmd)
		if err != nil {
			return err
		}
		cold.samples = append(cold.samples, x)
	}
	b.add(cold)
	if _, err := b.binary(); err != nil { // fills the normal cache
		return err
	}
	warm := &series{name: "go build, warm", note: "no change since the last build"}
	for i := 1; i <= warmRuns; i++ {
		cmd := exec.Command("go", "build", "-o", filepath.Join(b.tmp, "app-warm"), ".")
		cmd.Dir = b.root
		x, err := run(fmt.Sprintf("%s, run %d of %d", warm.name, i, warmRuns), cmd)
		if err != nil {
			return err
		}
		warm.samples = append(warm.samples, x)
	}
	b.add(warm)
	return nil
}

func exampleName(path string) string { return strings.TrimSuffix(filepath.Base(path), ".yaml") }

// synth measures the app binary over the sizes, fits fixed + per-resource
// cost, checks the all-examples output against the golden files, and
// measures `go run .` (cdktf.json's app command) for one environment.
func (b *bench) synth(sizes []int, runs int) error {
	var xs, minWall, medWall, medCPU []float64
	var all *series
	var peak int64
	for _, n := range sizes {
		project, err := b.project(n)
		if err != nil {
			return err
		}
		var name string
		switch {
		case n == 1:
			name = "synth 1 environment (" + exampleName(b.examples[0]) + ")"
		case n < len(b.examples):
			name = fmt.Sprintf("synth %d environments", n)
		case n == len(b.examples):
			name = fmt.Sprintf("synth all %d examples", n)
		default:
			name = fmt.Sprintf("synth %d environments", n)
		}
		s, err := b.synthSeries(name, project, b.node, "1", runs, n == len(b.examples))
		if err != nil {
			return err
		}
		switch {
		case n == len(b.examples):
			s.note = "output identical to testdata/ in every run"
			all = s
		case n > len(b.examples):
			s.note = "examples + bench-only copies"
		}
		b.add(s)
		st := s.stats()
		peak = max(peak, st.treeRSS)
		xs = append(xs, float64(s.resources))
		minWall = append(minWall, st.minWall.Seconds())
		medWall = append(medWall, st.medWall.Seconds())
		medCPU = append(medCPU, st.medCPU.Seconds())
	}
	if len(sizes) >= 3 {
		fMin, fMed, fCPU := fitLine(xs, minWall), fitLine(xs, medWall), fitLine(xs, medCPU)
		line := func(label string, f fit) string {
			return fmt.Sprintf("%s %.2f s fixed + %.2f ms/resource (R² %.3f)", label, f.fixed, f.perResource*1000, f.r2)
		}
		b.fits = append(b.fits, fmt.Sprintf("synth fit over %d sizes (%.0f-%.0f resources): %s; %s; %s.", len(sizes), xs[0], xs[len(xs)-1],
			line("wall min", fMin), line("wall median", fMed), line("CPU median", fCPU)))
		b.checks = append(b.checks,
			fmt.Sprintf("synth fixed cost < 1 s: %s (min %.2f s, median %.2f s)", verdict(fMin.fixed < 1 && fMed.fixed < 1), fMin.fixed, fMed.fixed),
			fmt.Sprintf("synth < 1 ms per resource: %s (min %.2f ms, median %.2f ms)", verdict(fMin.perResource < 0.001 && fMed.perResource < 0.001), fMin.perResource*1000, fMed.perResource*1000))
	}
	if all != nil {
		b.checks = append(b.checks,
			fmt.Sprintf("synth of all examples, peak memory < 300 MB: %s (%s; %s at the largest size; whole process tree)", verdict(all.stats().treeRSS < 300e6), mb(all.stats().treeRSS), mb(peak)),
			"synth output byte-identical to the golden files: met (checked in every run of all examples)")
	}
	if err := b.coldPackageCache(max(2, runs/2)); err != nil {
		return err
	}
	return b.goRun(runs)
}

// coldPackageCache measures the first synth on a machine: the jsii kernel
// unpacks every package (the AWS provider is 360 MB unpacked) into an empty
// package cache.
func (b *bench) coldPackageCache(runs int) error {
	project, err := b.project(1)
	if err != nil {
		return err
	}
	s := &series{name: "synth 1 environment, cold jsii package cache", memory: true, note: "first synth on a machine"}
	cache := filepath.Join(b.tmp, "jsii-cache")
	defer os.RemoveAll(cache)
	for i := 1; i <= runs; i++ {
		os.RemoveAll(cache)
		bin, err := b.binary()
		if err != nil {
			return err
		}
		out := filepath.Join(b.tmp, "out")
		cmd := exec.Command(bin)
		cmd.Dir = project
		cmd.Env = b.env(b.node, "1", "CDKTF_OUTDIR="+out, "JSII_RUNTIME_PACKAGE_CACHE_ROOT="+cache)
		x, err := run(fmt.Sprintf("%s, run %d of %d", s.name, i, runs), cmd)
		if err != nil {
			return err
		}
		s.samples = append(s.samples, x)
	}
	b.add(s)
	return nil
}

// goRun measures `go run .` for one environment: what `cdktf synth` runs.
func (b *bench) goRun(runs int) error {
	env := exampleName(b.examples[0])
	s := &series{name: "synth 1 environment via `go run .`", memory: true, note: "cdktf.json's app command, warm build cache"}
	out := filepath.Join(b.tmp, "out-go-run")
	defer os.RemoveAll(out)
	for i := 1; i <= runs; i++ {
		cmd := exec.Command("go", "run", ".")
		cmd.Dir = b.root
		cmd.Env = b.env(b.node, "1", "CDKTF_OUTDIR="+out, "MULTIREGION_ENVIRONMENTS="+env)
		x, err := run(fmt.Sprintf("%s, run %d of %d", s.name, i, runs), cmd)
		if err != nil {
			return err
		}
		s.samples = append(s.samples, x)
	}
	b.add(s)
	return nil
}

// variants measures all examples without the lazy loading and with the
// node on PATH, against the default (lazy, project node).
func (b *bench) variants(runs int) error {
	project, err := b.project(len(b.examples))
	if err != nil {
		return err
	}
	type variant struct{ name, node, lazy string }
	vs := []variant{{"synth all examples, preload off", b.node, "0"}}
	if b.pathNode != "" && b.pathNode != b.node {
		v := version(b.pathNode, "--version")
		vs = append(vs,
			variant{"synth all examples, node " + v + " from PATH", b.pathNode, "1"},
			variant{"synth all examples, node " + v + " from PATH, preload off", b.pathNode, "0"})
	}
	for _, v := range vs {
		s, err := b.synthSeries(v.name, project, v.node, v.lazy, runs, true)
		if err != nil {
			return err
		}
		s.note = "node " + version(v.node, "--version")
		b.add(s)
	}
	return nil
}

// checker builds cmd/check (the verification harness's command) once and
// synthesizes all examples for it; ok is false when this branch has no
// harness yet.
func (b *bench) checker() (bin, out string, ok bool, err error) {
	if _, err := os.Stat(filepath.Join(b.root, "cmd", "check", "main.go")); err != nil {
		if msg := "offline checks and emulator deploy: cmd/check is not on this branch"; !slices.Contains(b.skipped, msg) {
			b.skipped = append(b.skipped, msg)
		}
		return "", "", false, nil
	}
	bin = filepath.Join(b.tmp, "check")
	if _, err := os.Stat(bin); err != nil {
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/check")
		cmd.Dir = b.root
		if _, err := run("go build ./cmd/check", cmd); err != nil {
			return "", "", false, err
		}
	}
	out = filepath.Join(b.tmp, "check-out")
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err != nil {
		project, err := b.project(len(b.examples))
		if err != nil {
			return "", "", false, err
		}
		app, err := b.binary()
		if err != nil {
			return "", "", false, err
		}
		cmd := exec.Command(app)
		cmd.Dir = project
		cmd.Env = b.env(b.node, "1", "CDKTF_OUTDIR="+out)
		if _, err := run("synth for the checks", cmd); err != nil {
			return "", "", false, err
		}
	}
	return bin, out, true, nil
}

// checkSeries runs cmd/check with args (in the project root, where it keeps
// its scratch folder .check/) runs times.
func (b *bench) checkSeries(name, note, bin string, runs int, args ...string) error {
	s := &series{name: name, note: note}
	for i := 1; i <= runs; i++ {
		cmd := exec.Command(bin, args...)
		cmd.Dir = b.root
		cmd.Env = b.env(b.node, "1")
		x, err := run(fmt.Sprintf("%s, run %d of %d", name, i, runs), cmd)
		if err != nil {
			return err
		}
		s.samples = append(s.samples, x)
	}
	b.add(s)
	return nil
}

// check measures the offline validate + plan of every stack of every
// example (cmd/check without the emulator), and its quick mode (plan only).
func (b *bench) check(runs int) error {
	bin, out, ok, err := b.checker()
	if err != nil || !ok {
		return err
	}
	if err := b.checkSeries("offline validate + plan, every stack", "cmd/check -skip-emulator: stack copies, one init, plan (it validates), show -json", bin, runs, "-outdir", out, "-skip-emulator"); err != nil {
		return err
	}
	help, _ := exec.Command(bin, "-h").CombinedOutput()
	if strings.Contains(string(help), "-quick") {
		if err := b.checkSeries("offline plan, every stack (quick)", "cmd/check -skip-emulator -quick: plan only (it validates)", bin, runs, "-outdir", out, "-skip-emulator", "-quick"); err != nil {
			return err
		}
	}
	st := b.results[len(b.results)-1].stats()
	b.checks = append(b.checks, fmt.Sprintf("offline validate + plan of every stack < 25 s: %s (min %s, median %s, %s)", verdict(st.medWall < 25*time.Second), secs(st.minWall), secs(st.medWall), b.results[len(b.results)-1].name))
	return nil
}

// emulator measures the deploy of acme-local on moto_server: cmd/check for
// that environment (apply, re-plan, destroy, with its offline checks
// running alongside).
func (b *bench) emulator(runs int) error {
	bin, out, ok, err := b.checker()
	if err != nil || !ok {
		return err
	}
	if err := b.checkSeries("acme-local: emulator deploy + offline checks", "cmd/check -envs acme-local: apply, re-plan, destroy on moto_server; offline checks alongside", bin, runs, "-outdir", out, "-envs", "acme-local"); err != nil {
		return err
	}
	st := b.results[len(b.results)-1].stats()
	b.checks = append(b.checks, fmt.Sprintf("emulator deploy of acme-local < 5 min: %s (min %s, median %s, its offline checks alongside)", verdict(st.medWall < 5*time.Minute), secs(st.minWall), secs(st.medWall)))
	return nil
}
