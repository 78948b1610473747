package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	tfjson "github.com/hashicorp/terraform-json"
)

// Session is an emulator deployment that stays up between steps: a patched
// moto_server, and stack copies with their state in the scratch folder.
// Emulate runs one for an apply, re-plan and destroy; the DR drill keeps one
// up while it changes things through the API, synthesizes the stacks again
// from the changed config and applies the new versions against the same
// moto_server and state. Stacks are given in each call; a new version of a
// stack replaces its copy. Close stops moto_server: what is still applied
// ends with it.
type Session struct {
	Endpoint string // moto_server's URL
	MotoLog  string // moto_server's log
	tf       *terraform
	scratch  string
	port     int
	allow    []string // Options.AllowDestroy
	moto     *Moto

	mu     sync.Mutex
	envSet bool
	steps  int
	copied map[string]string // stack -> the cdk.tf.json its copy was made of
	tiers  map[string]string // stack -> its tier
}

// StartSession starts the patched moto_server on 127.0.0.1:opts.Port with
// no state. It must run inside a private network namespace (see
// ReexecInNetns), so a provider endpoint that does not point at moto fails
// instead of reaching AWS.
func StartSession(ctx context.Context, opts Options) (*Session, error) {
	if !InPrivateNetns() {
		return nil, errors.New("harness: the emulator must run inside a private network namespace (see ReexecInNetns)")
	}
	if err := RequireMoto(); err != nil {
		return nil, err
	}
	tf, err := newTerraform(&opts)
	if err != nil {
		return nil, err
	}
	stateDir := filepath.Join(opts.Scratch, "state")
	if err := os.RemoveAll(stateDir); err != nil { // a fresh moto has none of the old state's resources
		return nil, err
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, err
	}
	s := &Session{
		Endpoint: fmt.Sprintf("http://127.0.0.1:%d", opts.Port),
		MotoLog:  filepath.Join(opts.Scratch, "logs", "moto_server.log"),
		tf:       tf, scratch: opts.Scratch, port: opts.Port, allow: opts.AllowDestroy,
		copied: map[string]string{}, tiers: map[string]string{},
	}
	if s.moto, err = StartMoto(ctx, opts.Port, s.MotoLog); err != nil {
		return nil, err
	}
	tf.logf("emulator moto_server up at %s", s.Endpoint)
	return s, nil
}

// Close stops moto_server.
func (s *Session) Close() { s.moto.Stop() }

// prepare checks that every stack can run on this emulator, then copies in
// and inits each stack whose copy is not of the same configuration already.
// Its result has one init per stack, in order, for those it got to.
func (s *Session) prepare(ctx context.Context, stacks []Stack) ([]StepResult, error) {
	var cfgs []*stackConfig
	var problems []error
	for _, st := range stacks {
		cfg, err := loadStackConfig(st.Dir)
		if err != nil {
			return nil, err
		}
		problems = append(problems, checkEmulatable(st.Name, cfg, s.port)...)
		cfgs = append(cfgs, cfg)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	env, convert := endpointEnv(cfgs) // checkEmulatable: every endpoint is the emulator
	s.mu.Lock()
	if !s.envSet {
		s.tf.env = append(s.tf.env, env...)
		s.envSet = true
		if convert {
			s.tf.logf("emulator endpoints blocks as %d AWS_ENDPOINT_URL_<service> variables", len(env))
		}
	}
	s.mu.Unlock()
	var inits []StepResult
	for i, st := range stacks {
		s.mu.Lock()
		same := s.copied[st.Name] == string(cfgs[i].raw)
		s.tiers[st.Name] = stackTier(cfgs[i])
		s.mu.Unlock()
		if same {
			inits = append(inits, StepResult{Ran: true, OK: true})
			continue
		}
		dir := scratchStackDir(s.scratch, st.Name)
		if err := copyStack(st.Dir, dir); err != nil {
			return inits, err
		}
		if convert {
			if _, err := dropEndpoints(dir); err != nil {
				return inits, err
			}
		}
		r := s.tf.initStack(ctx, s.scratch, st.Name)
		inits = append(inits, r)
		if !r.OK {
			return inits, stepError(st.Name, "init", r)
		}
		s.mu.Lock()
		s.copied[st.Name] = string(cfgs[i].raw)
		s.mu.Unlock()
	}
	return inits, nil
}

// step is the log name of the next step of a stack ("apply-3").
func (s *Session) step(kind string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps++
	return fmt.Sprintf("%s-%d", kind, s.steps)
}

func (s *Session) run(ctx context.Context, stack, step string, stdout io.Writer, args ...string) (StepResult, int) {
	return s.tf.run(ctx, scratchStackDir(s.scratch, stack), logPath(s.scratch, stack, step), stdout, args...)
}

// Apply copies the given stack versions in and applies them one after the
// other, in the order given (upstream first), stopping at the first
// failure. A production-tier stack is applied from a saved plan that
// GuardDestructive passed. Its result has a stack's init, apply and outputs
// for each stack it got to.
func (s *Session) Apply(ctx context.Context, stacks ...Stack) ([]EmulatedStack, error) {
	inits, err := s.prepare(ctx, stacks)
	out := make([]EmulatedStack, len(inits))
	for i := range inits {
		out[i] = EmulatedStack{Stack: stacks[i].Name, Init: inits[i]}
	}
	if err != nil {
		return out, err
	}
	for i := range out {
		e := &out[i]
		if ctx.Err() != nil {
			return out[:i], ctx.Err()
		}
		step := s.step("apply")
		args := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
		var guardErr error
		if tier := s.tiers[e.Stack]; tier == TierProduction {
			dir := scratchStackDir(s.scratch, e.Stack)
			var planFile string
			e.Apply, planFile, guardErr = s.tf.planGuarded(ctx, dir, filepath.Join(s.scratch, "logs", e.Stack, step), e.Stack, tier, s.allow)
			args = []string{"apply", "-input=false", "-no-color", planFile}
		}
		if guardErr == nil {
			e.Apply, _ = s.run(ctx, e.Stack, step, nil, args...)
		}
		s.tf.logf("emulator %-28s apply %s %s", e.Stack, e.Apply.Status(), secs(e.Apply))
		if guardErr != nil {
			return out[:i+1], guardErr
		}
		if !e.Apply.OK {
			return out[:i+1], stepError(e.Stack, "apply", e.Apply)
		}
		if e.Outputs, err = s.outputs(ctx, e.Stack); err != nil {
			return out[:i+1], fmt.Errorf("%s: output: %w", e.Stack, err)
		}
	}
	return out, nil
}

// PlannedStack is one stack's plan in a session.
type PlannedStack struct {
	Stack  string
	Step   StepResult
	Plan   *tfjson.Plan // nil when the plan was not asked for as JSON
	Change bool         // the plan is not empty
}

// Plan copies the given stack versions in and plans them side by side
// (refreshing against the emulator), returning each plan as Terraform's
// JSON plan representation.
func (s *Session) Plan(ctx context.Context, stacks ...Stack) ([]PlannedStack, error) {
	return s.plans(ctx, stacks, true)
}

// plans is Plan; without asJSON it only tells whether each plan has
// changes, and saves a terraform show per stack.
func (s *Session) plans(ctx context.Context, stacks []Stack, asJSON bool) ([]PlannedStack, error) {
	if _, err := s.prepare(ctx, stacks); err != nil {
		return nil, err
	}
	out := make([]PlannedStack, len(stacks))
	errs := make([]error, len(stacks))
	var wg sync.WaitGroup
	for i, st := range stacks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = s.plan(ctx, st.Name, asJSON)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (s *Session) plan(ctx context.Context, stack string, asJSON bool) (PlannedStack, error) {
	p := PlannedStack{Stack: stack}
	step := s.step("plan")
	var code int
	p.Step, code = s.run(ctx, stack, step, nil, "plan", "-detailed-exitcode", "-input=false", "-lock=false", "-no-color", "-out=session.tfplan")
	if code == 2 { // changes: not a failure here, the caller judges them
		p.Step.OK, p.Change = true, true
	}
	s.tf.logf("emulator %-28s plan %s %s (changes: %v)", stack, p.Step.Status(), secs(p.Step), p.Change)
	if !p.Step.OK {
		return p, stepError(stack, "plan", p.Step)
	}
	if !asJSON {
		return p, nil
	}
	var stdout strings.Builder
	if show, _ := s.run(ctx, stack, step+"-show", &stdout, "show", "-json", "session.tfplan"); !show.OK {
		return p, stepError(stack, "show", show)
	}
	p.Plan = &tfjson.Plan{}
	if err := json.Unmarshal([]byte(stdout.String()), p.Plan); err != nil {
		return p, fmt.Errorf("%s: plan JSON: %w", stack, err)
	}
	return p, nil
}

// Destroy destroys the given stacks in reverse order (downstream first),
// going on past a failure. It does not refresh first: the state is what
// the session applied, and on an emulator nothing else changes it.
func (s *Session) Destroy(ctx context.Context, stacks ...Stack) ([]StepResult, error) {
	out := make([]StepResult, len(stacks))
	var errs []error
	for i := len(stacks) - 1; i >= 0; i-- {
		name := stacks[i].Name
		out[i], _ = s.run(ctx, name, s.step("destroy"), nil, "destroy", "-refresh=false", "-auto-approve", "-input=false", "-no-color")
		s.tf.logf("emulator %-28s destroy %s %s", name, out[i].Status(), secs(out[i]))
		if !out[i].OK {
			errs = append(errs, stepError(name, "destroy", out[i]))
		}
	}
	return out, errors.Join(errs...)
}

// outputs returns terraform output -json of an applied stack as display
// strings, sensitive values as "(sensitive)".
func (s *Session) outputs(ctx context.Context, stack string) (map[string]string, error) {
	var stdout strings.Builder
	res, _ := s.run(ctx, stack, s.step("output"), &stdout, "output", "-json", "-no-color")
	if !res.OK {
		return nil, errors.New(res.Output)
	}
	var raw map[string]struct {
		Sensitive bool            `json:"sensitive"`
		Value     json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(stdout.String()), &raw); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for name, o := range raw {
		var str string
		var compact bytes.Buffer
		switch {
		case o.Sensitive:
			str = "(sensitive)"
		case json.Unmarshal(o.Value, &str) == nil:
		case json.Compact(&compact, o.Value) == nil:
			str = compact.String()
		default:
			str = string(o.Value)
		}
		out[name] = str
	}
	return out, nil
}
