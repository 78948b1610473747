// Command check is the project's main job: it synthesizes every example
// environment, validates and plans every stack offline against the real AWS
// provider, and deploys the environments whose providers point at a local
// emulator on moto_server, inside a private network namespace. The policy
// pack (policy/) reads every stack's plan; a violation fails the check. It
// never touches a user's output or state: it synthesizes into
// .check/cdktf.out, and all Terraform work happens on copies in .check/.
//
//	go run ./cmd/check [-envs acme-prod,acme-local] [-skip-emulator] [-quick] [-parallel N] [-outdir DIR] [-allow-destroy ADDR,...]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
)

const modulePath = "github.com/multiregion/multiregion"

// flags are the command line.
type flags struct {
	envs         []string // environments to check; all when empty
	skipEmulator bool
	quick        bool // plan only, no plan.json
	parallel     int
	outdir       string   // check this cdktf output instead of synthesizing
	allowDestroy []string // stateful addresses a production apply may delete or replace
	emulatorOnly bool     // internal: the emulator phase, inside the namespace
	report       string   // internal: where the emulator phase writes its report
}

func main() {
	var f flags
	var envs, allowDestroy string
	flag.StringVar(&envs, "envs", "", "comma-separated environments to check, e.g. acme-prod,acme-local (default: all)")
	flag.BoolVar(&f.skipEmulator, "skip-emulator", false, "skip deploying emulator environments on moto_server")
	flag.BoolVar(&f.quick, "quick", false, "offline: plan only (it validates), no show -json and so no plan.json per stack; about 4 s faster")
	flag.IntVar(&f.parallel, "parallel", 0, "stacks planned at once (default: number of CPUs)")
	flag.StringVar(&f.outdir, "outdir", "", "check this synthesized cdktf output folder instead of running the app")
	flag.StringVar(&allowDestroy, "allow-destroy", "", "comma-separated addresses of stateful resources an emulator apply of a production-tier stack may delete or replace (the guard stops any other)")
	flag.BoolVar(&f.emulatorOnly, "emulator-only", false, "internal: run the emulator phase (inside a private network namespace)")
	flag.StringVar(&f.report, "report", "", "internal: file the emulator phase writes its report to")
	flag.Parse()
	if envs != "" {
		f.envs = strings.Split(envs, ",")
	}
	if allowDestroy != "" {
		f.allowDestroy = strings.Split(allowDestroy, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if f.emulatorOnly {
		err = emulatorPhase(ctx, f)
	} else {
		err = check(ctx, f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "\ncheck FAILED:\n"+err.Error())
		stop()
		os.Exit(1)
	}
}

// envReport is one environment's emulator run, as the emulator phase hands
// it to the parent process.
type envReport struct {
	Env    string
	Report harness.EmulatorReport
	Error  string
}

// check runs the whole job.
func check(ctx context.Context, f flags) error {
	start := time.Now()
	repo, err := harness.ModuleRoot(modulePath)
	if err != nil {
		return err
	}
	if err := harness.RequireTerraform(); err != nil {
		return err
	}
	if !f.skipEmulator {
		if err := harness.RequireMoto(); err != nil {
			return fmt.Errorf("%w\n(or run with -skip-emulator)", err)
		}
		if err := harness.UnshareAvailable(); err != nil {
			return fmt.Errorf("%w (-skip-emulator)", err)
		}
	}

	checkDir := filepath.Join(repo, ".check")
	outdir := f.outdir
	var synthTime time.Duration
	if outdir == "" {
		outdir = filepath.Join(checkDir, "cdktf.out") // never the user's cdktf.out
		t := time.Now()
		if err := harness.Synthesize(ctx, repo, outdir, f.envs); err != nil {
			return err
		}
		synthTime = time.Since(t)
		fmt.Printf("synthesized into %s in %.1fs\n", outdir, synthTime.Seconds())
	}
	stacks, err := selectStacks(outdir, f.envs)
	if err != nil {
		return err
	}

	opts := harness.Options{
		Scratch:        filepath.Join(checkDir, "offline"),
		Parallel:       f.parallel,
		Quick:          f.quick,
		PluginCacheDir: harness.PluginCache(checkDir),
		Log:            os.Stdout,
	}
	if err := os.RemoveAll(opts.Scratch); err != nil {
		return err
	}
	t := time.Now()
	results, offlineErr := harness.Offline(ctx, opts, stacks)
	offlineTime := time.Since(t)
	if results == nil && offlineErr != nil {
		return offlineErr
	}
	fmt.Printf("offline validate+plan of %d stacks in %.1fs\n", len(stacks), offlineTime.Seconds())

	emulated, emulatorErr := emulatorEnvs(stacks)
	var reports []envReport
	var emulatorTime time.Duration
	if !f.skipEmulator && emulatorErr == nil {
		if passed := passedOffline(emulated, results); len(passed) > 0 {
			t = time.Now()
			reports, emulatorErr = runEmulatorPhase(ctx, repo, outdir, passed, f.allowDestroy, filepath.Join(checkDir, "emulator", "report.json"))
			emulatorTime = time.Since(t)
		}
	}

	printOutputs(reports)
	printFailures(os.Stdout, results, reports)
	printSummary(os.Stdout, results, reports)
	var costErr error
	envs, envsErr := config.LoadDir(filepath.Join(repo, config.DefaultDir), f.envs)
	policyErr := runPolicy(ctx, os.Stdout, results, envs)
	if envsErr == nil {
		printFailover(os.Stdout, envs)
		costErr = printCost(os.Stdout, results, envs, filepath.Join(checkDir, "cost.json"))
	}
	fmt.Printf("\nsynth %.1fs, offline %.1fs, emulator %.1fs, total %.1fs\n",
		synthTime.Seconds(), offlineTime.Seconds(), emulatorTime.Seconds(), time.Since(start).Seconds())

	errs := []error{offlineErr, emulatorErr, policyErr, costErr}
	for _, r := range reports {
		if r.Error != "" {
			errs = append(errs, fmt.Errorf("emulator %s: %s", r.Env, r.Error))
		}
	}
	return errors.Join(errs...)
}

// selectStacks reads outdir's stacks, keeping those of envs (all when empty).
func selectStacks(outdir string, envs []string) ([]harness.Stack, error) {
	all, err := harness.ReadManifest(outdir)
	if err != nil {
		return nil, err
	}
	if len(envs) == 0 {
		return all, nil
	}
	var stacks []harness.Stack
	found := map[string]bool{}
	for _, s := range all {
		if slices.Contains(envs, config.EnvOfStack(s.Name)) {
			stacks = append(stacks, s)
			found[config.EnvOfStack(s.Name)] = true
		}
	}
	for _, e := range envs {
		if !found[e] {
			return nil, fmt.Errorf("environment %s has no stacks in %s", e, outdir)
		}
	}
	return stacks, nil
}

// emulatorEnvs lists the environments whose AWS providers point at a local emulator.
func emulatorEnvs(stacks []harness.Stack) ([]string, error) {
	var envs []string
	var errs []error
	for env, group := range byEnv(stacks) {
		port, err := harness.EmulatorPort(group)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", env, err))
		} else if port > 0 {
			envs = append(envs, env)
		}
	}
	slices.Sort(envs)
	return envs, errors.Join(errs...)
}

func byEnv(stacks []harness.Stack) map[string][]harness.Stack {
	out := map[string][]harness.Stack{}
	for _, s := range stacks {
		out[config.EnvOfStack(s.Name)] = append(out[config.EnvOfStack(s.Name)], s)
	}
	return out
}

// runEmulatorPhase re-runs this program with -emulator-only inside a private
// network namespace and reads the report it writes.
func runEmulatorPhase(ctx context.Context, repo, outdir string, envs, allowDestroy []string, report string) ([]envReport, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(report), 0o755); err != nil {
		return nil, err
	}
	os.Remove(report)
	cmd := harness.ReexecInNetns([]string{self, "-emulator-only", "-outdir", outdir, "-envs", strings.Join(envs, ","),
		"-allow-destroy", strings.Join(allowDestroy, ","), "-report", report}, os.Environ())
	cmd.Dir = repo
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the emulator phase: %w", err)
	}
	// The child cleans up (destroy, stop moto) on an interrupt; pass ours on
	// and wait for it rather than kill it.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var runErr error
	select {
	case runErr = <-done:
	case <-ctx.Done():
		_ = cmd.Process.Signal(os.Interrupt)
		runErr = <-done
	}
	data, err := os.ReadFile(report)
	if err != nil {
		return nil, fmt.Errorf("emulator phase: %v (no report: %v)", runErr, err)
	}
	var reports []envReport
	if err := json.Unmarshal(data, &reports); err != nil {
		return nil, fmt.Errorf("emulator phase report %s: %w", report, err)
	}
	return reports, nil // failures are in the reports
}

// emulatorPhase deploys each of f.envs on a fresh moto_server, one after
// another, and writes their reports to f.report. It runs inside the namespace.
func emulatorPhase(ctx context.Context, f flags) error {
	repo, err := harness.ModuleRoot(modulePath)
	if err != nil {
		return err
	}
	stacks, err := selectStacks(f.outdir, f.envs)
	if err != nil {
		return err
	}
	groups := byEnv(stacks)
	var reports []envReport
	for _, env := range f.envs {
		r := envReport{Env: env}
		port, err := harness.EmulatorPort(groups[env])
		if err == nil {
			scratch := filepath.Join(repo, ".check", "emulator", env)
			if err = os.RemoveAll(scratch); err == nil {
				r.Report, err = harness.Emulate(ctx, harness.Options{
					Scratch:        scratch,
					Port:           port,
					PluginCacheDir: harness.PluginCache(filepath.Join(repo, ".check")),
					Log:            os.Stdout,
					AllowDestroy:   f.allowDestroy,
				}, groups[env])
			}
		}
		if err != nil {
			r.Error = err.Error()
		}
		reports = append(reports, r)
	}
	data, err := json.MarshalIndent(reports, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(f.report, data, 0o644)
}

// passedOffline keeps the environments whose stacks all planned offline: a
// deploy of the others would fail the same way, only minutes later.
func passedOffline(envs []string, results []harness.Result) []string {
	planned, failed := map[string]bool{}, map[string]bool{}
	for _, r := range results {
		planned[config.EnvOfStack(r.Stack)] = true
		if !r.Plan.OK {
			failed[config.EnvOfStack(r.Stack)] = true
		}
	}
	var out []string
	for _, env := range envs {
		if !planned[env] || failed[env] {
			fmt.Printf("emulator: not deploying %s, its offline check failed\n", env)
			continue
		}
		out = append(out, env)
	}
	return out
}
