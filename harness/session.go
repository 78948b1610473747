package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	tfjson "github.com/hashicorp/terraform-json"
)

// Session is an emulator deployment that stays up between steps, for the
// DR drill: it deploys, something changes through the API, the stacks are
// synthesized again from the changed config, and the new versions are
// planned and applied against the same moto_server and state. Stacks are
// given by name in each call; a new version of a stack replaces its copy.
// Nothing is destroyed: the emulator's state ends with it (Close).
type Session struct {
	// Endpoint is moto_server's URL.
	Endpoint string
	tf       *terraform
	scratch  string
	port     int
	moto     *motoServer
	mu       sync.Mutex
	envSet   bool
	steps    int
}

// StartSession starts the patched moto_server on 127.0.0.1:opts.Port. It
// must run inside a private network namespace (see ReexecInNetns).
func StartSession(ctx context.Context, opts Options) (*Session, error) {
	if !InPrivateNetns() {
		return nil, errors.New("harness: a session must run inside a private network namespace (see ReexecInNetns)")
	}
	if err := RequireMoto(); err != nil {
		return nil, err
	}
	tf, err := newTerraform(&opts)
	if err != nil {
		return nil, err
	}
	stateDir := filepath.Join(opts.Scratch, "state")
	if err := os.RemoveAll(stateDir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, err
	}
	s := &Session{tf: tf, scratch: opts.Scratch, port: opts.Port, Endpoint: fmt.Sprintf("http://127.0.0.1:%d", opts.Port)}
	s.moto, err = startMoto(ctx, opts.Port, filepath.Join(opts.Scratch, "logs", "moto_server.log"))
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops moto_server.
func (s *Session) Close() { s.moto.stop() }

// prepare copies stack versions into the scratch folder and inits them.
func (s *Session) prepare(ctx context.Context, stacks []Stack) error {
	var cfgs []*stackConfig
	var problems []error
	for _, st := range stacks {
		cfg, err := loadStackConfig(st.Dir)
		if err != nil {
			return err
		}
		problems = append(problems, checkEmulatable(st.Name, cfg, s.port)...)
		cfgs = append(cfgs, cfg)
	}
	if err := errors.Join(problems...); err != nil {
		return err
	}
	env, convert := endpointEnv(cfgs)
	s.mu.Lock()
	if !s.envSet {
		s.tf.env = append(s.tf.env, env...)
		s.envSet = true
	}
	s.mu.Unlock()
	for _, st := range stacks {
		dir := scratchStackDir(s.scratch, st.Name)
		if err := copyStack(st.Dir, dir); err != nil {
			return err
		}
		if convert {
			if _, err := dropEndpoints(dir); err != nil {
				return err
			}
		}
		if r := s.tf.initStack(ctx, s.scratch, st.Name); !r.OK {
			return stepError(st.Name, "init", r)
		}
	}
	return nil
}

// step is the log name of the next step of a stack ("apply-3").
func (s *Session) step(kind string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps++
	return fmt.Sprintf("%s-%d", kind, s.steps)
}

// Apply copies the given stack versions in (in the order given: upstream
// first) and applies them one after the other, stopping at the first failure.
func (s *Session) Apply(ctx context.Context, stacks ...Stack) (map[string]StepResult, error) {
	if err := s.prepare(ctx, stacks); err != nil {
		return nil, err
	}
	out := map[string]StepResult{}
	for _, st := range stacks {
		r, _ := s.tf.run(ctx, scratchStackDir(s.scratch, st.Name), logPath(s.scratch, st.Name, s.step("apply")), nil,
			"apply", "-auto-approve", "-input=false", "-no-color")
		out[st.Name] = r
		s.tf.logf("session %-28s apply %s %s", st.Name, r.Status(), secs(r))
		if !r.OK {
			return out, stepError(st.Name, "apply", r)
		}
	}
	return out, nil
}

// PlannedStack is one stack's plan in a session.
type PlannedStack struct {
	Stack  string
	Step   StepResult
	Plan   *tfjson.Plan
	Change bool // the plan is not empty
}

// Plan copies the given stack versions in and plans them side by side
// (refreshing against the emulator), returning each plan as Terraform's
// JSON plan representation.
func (s *Session) Plan(ctx context.Context, stacks ...Stack) ([]PlannedStack, error) {
	if err := s.prepare(ctx, stacks); err != nil {
		return nil, err
	}
	out := make([]PlannedStack, len(stacks))
	errs := make([]error, len(stacks))
	var wg sync.WaitGroup
	for i, st := range stacks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = s.plan(ctx, st)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (s *Session) plan(ctx context.Context, st Stack) (PlannedStack, error) {
	dir := scratchStackDir(s.scratch, st.Name)
	p := PlannedStack{Stack: st.Name}
	step := s.step("plan")
	var code int
	p.Step, code = s.tf.run(ctx, dir, logPath(s.scratch, st.Name, step), nil,
		"plan", "-detailed-exitcode", "-input=false", "-lock=false", "-no-color", "-out=drill.tfplan")
	if code == 2 { // changes: not a failure here, the caller judges them
		p.Step.OK, p.Change = true, true
	}
	s.tf.logf("session %-28s plan %s %s (changes: %v)", st.Name, p.Step.Status(), secs(p.Step), p.Change)
	if !p.Step.OK {
		return p, stepError(st.Name, "plan", p.Step)
	}
	var stdout strings.Builder
	show, _ := s.tf.run(ctx, dir, logPath(s.scratch, st.Name, step+"-show"), &stdout, "show", "-json", "drill.tfplan")
	if !show.OK {
		return p, stepError(st.Name, "show", show)
	}
	p.Plan = &tfjson.Plan{}
	if err := json.Unmarshal([]byte(stdout.String()), p.Plan); err != nil {
		return p, fmt.Errorf("%s: plan JSON: %w", st.Name, err)
	}
	return p, nil
}
