package harness

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EmulatorReport is the outcome of Emulate.
type EmulatorReport struct {
	Endpoint string          // moto_server's URL
	MotoLog  string          // path of moto_server's log
	Startup  time.Duration   // until moto_server answered
	Stacks   []EmulatedStack // in apply order
	Duration time.Duration   // the whole run, moto start to stop
}

// EmulatedStack is one stack's deploy on the emulator.
type EmulatedStack struct {
	Stack   string
	Init    StepResult
	Apply   StepResult
	Replan  StepResult        // plan -detailed-exitcode after every stack is applied; changes fail it
	Destroy StepResult        // destroy, in reverse apply order
	Outputs map[string]string // terraform output after apply; sensitive values as "(sensitive)"
}

// RequireMoto checks that moto_server is on PATH and runs.
func RequireMoto() error {
	const install = "install it with pip install 'moto[server]==5.2.1' and put its moto_server script on PATH"
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return errors.New("moto_server is not on PATH: " + install)
	}
	// A pyenv shim exists even when the active Python lacks moto: run it.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, bin, "--help").CombinedOutput(); err != nil {
		return fmt.Errorf("%s does not run (%v: %s): %s", bin, err, strings.TrimSpace(lastLines(string(out), 3)), install)
	}
	// The launcher imports moto into the same Python.
	if out, err := exec.CommandContext(ctx, motoPython(), "-c", "import moto.server").CombinedOutput(); err != nil {
		return fmt.Errorf("%s cannot import moto.server (%v: %s): %s", motoPython(), err, strings.TrimSpace(lastLines(string(out), 3)), install)
	}
	return nil
}

// EmulatorPort returns the port of the local emulator the stacks' AWS
// providers point their endpoints at (127.0.0.1 or localhost), or 0 when none
// does. Different ports in one set of stacks are an error.
func EmulatorPort(stacks []Stack) (int, error) {
	ports := map[int]bool{}
	for _, s := range stacks {
		cfg, err := loadStackConfig(s.Dir)
		if err != nil {
			return 0, err
		}
		providers, err := cfg.providers("aws")
		if err != nil {
			return 0, fmt.Errorf("stack %s: %w", s.Name, err)
		}
		for _, p := range providers {
			for _, raw := range p.endpoints() {
				if port, ok := loopbackPort(raw); ok {
					ports[port] = true
				}
			}
		}
	}
	switch len(ports) {
	case 0:
		return 0, nil
	case 1:
		for p := range ports {
			return p, nil
		}
	}
	return 0, fmt.Errorf("the stacks point at emulators on several ports: %v", slices.Sorted(maps.Keys(ports)))
}

// loopbackPort is the port of a http://127.0.0.1:<port> or localhost URL.
func loopbackPort(raw string) (int, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		return 0, false
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return 0, false
	}
	return port, true
}

// Emulate deploys one environment's stacks on moto_server and removes them
// again, in a Session: it applies the stacks in dependency order, then plans
// every stack, which must show no changes, then destroys them in reverse
// order. What was applied is always destroyed and moto_server always
// stopped, also on failure or ctx cancel.
//
// Stacks must use the local backend with relative paths (their state lands
// in <scratch>/state), and every AWS provider must point its endpoints at
// the emulator. Every Terraform command logs to a file named in the report.
func Emulate(ctx context.Context, opts Options, stacks []Stack) (rep EmulatorReport, err error) {
	start := time.Now()
	defer func() { rep.Duration = time.Since(start) }()
	byName := map[string]Stack{}
	for _, s := range stacks {
		byName[s.Name] = s
	}
	ordered, err := topoSort(byName) // also rejects a dependency outside this set
	if err != nil {
		return rep, err
	}
	s, err := StartSession(ctx, opts)
	if err != nil {
		return rep, err
	}
	defer s.Close()
	rep.Endpoint, rep.MotoLog, rep.Startup = s.Endpoint, s.MotoLog, time.Since(start)
	rep.Stacks = make([]EmulatedStack, len(ordered))
	for i, st := range ordered {
		rep.Stacks[i].Stack = st.Name
	}

	reached, err := s.Apply(ctx, ordered...)
	copy(rep.Stacks, reached)
	errs := []error{err}
	if err == nil {
		plans, err := s.plans(ctx, ordered, false) // only whether each has changes
		errs = append(errs, err)
		for i, p := range plans {
			rep.Stacks[i].Replan = p.Step
			if p.Change { // the stack does not converge: a provider default it fights, or an emulator gap
				summary := planSummary(p.Step.Log)
				rep.Stacks[i].Replan.OK, rep.Stacks[i].Replan.Output = false, "the plan after apply is not empty:\n"+summary
				errs = append(errs, fmt.Errorf("%s: replan shows changes after apply:\n%s(log: %s)", p.Stack, summary, p.Step.Log))
			}
		}
	}

	// Destroy what may hold resources, even after a cancel, under a deadline of its own.
	applied := 0
	for applied < len(reached) && reached[applied].Apply.Ran {
		applied++
	}
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Minute)
	defer cancel()
	destroyed, err := s.Destroy(cleanup, ordered[:applied]...)
	for i, d := range destroyed {
		rep.Stacks[i].Destroy = d
	}
	errs = append(errs, err)
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return rep, errors.Join(errs...)
}

// checkEmulatable reports why a stack cannot run on the emulator: state
// outside the scratch folder (a non-local backend, an absolute path) or an
// AWS provider that does not point at the emulator.
func checkEmulatable(stack string, cfg *stackConfig, port int) []error {
	var errs []error
	// The stack sits at <scratch>/cdktf.out/stacks/<stack>: a relative path
	// with at most three ".." stays inside the scratch folder.
	inScratch := func(p string) bool {
		rel := filepath.Clean(filepath.Join("cdktf.out", "stacks", stack, p))
		return p != "" && !filepath.IsAbs(p) && rel != ".." && !strings.HasPrefix(rel, "../")
	}
	if t := cfg.backendType(); t != "local" {
		errs = append(errs, fmt.Errorf("stack %s: the emulator needs the local backend, not %s", stack, t))
	} else if p, _ := cfg.Terraform.Backend["local"]["path"].(string); p != "" && !inScratch(p) {
		errs = append(errs, fmt.Errorf("stack %s: local backend path %q must be relative (like ../../../state/%s.tfstate) so state stays in scratch", stack, p, stack))
	}
	for name, rs := range cfg.Data.RemoteState {
		p, _ := rs.Config["path"].(string)
		if rs.Backend != "local" || !inScratch(p) {
			errs = append(errs, fmt.Errorf("stack %s: remote state %s must read a relative local path, not %s %v", stack, name, rs.Backend, rs.Config))
		}
	}
	providers, err := cfg.providers("aws")
	if err != nil {
		return append(errs, fmt.Errorf("stack %s: %w", stack, err))
	}
	for _, p := range providers {
		name := "aws"
		if a := p.alias(); a != "" {
			name += "." + a
		}
		eps := p.endpoints()
		if len(eps) == 0 {
			errs = append(errs, fmt.Errorf("stack %s: provider %s has no endpoints: on the emulator it would call AWS", stack, name))
		}
		for service, raw := range eps {
			if got, ok := loopbackPort(raw); !ok || got != port {
				errs = append(errs, fmt.Errorf("stack %s: provider %s endpoint %s = %q is not the emulator at 127.0.0.1:%d", stack, name, service, raw, port))
			}
		}
	}
	return errs
}

// planSummary picks the resource headings and the "Plan:" line from a plan log.
func planSummary(logPath string) string {
	data, err := os.ReadFile(logPath)
	if err != nil {
		return err.Error() + "\n"
	}
	var b strings.Builder
	for line := range strings.Lines(string(data)) {
		t := strings.TrimSpace(line)
		if (strings.HasPrefix(t, "# ") && strings.Contains(t, " be ")) || strings.HasPrefix(t, "Plan: ") {
			b.WriteString("  " + t + "\n")
		}
	}
	return b.String()
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
