// Package dr runs the disaster-recovery operations of one environment
// against the AWS API (or the emulator the environment's config names):
// status, failover to the secondary region and failback. Every name and ARN
// comes from the environment's config (account, regions, identifiers), never
// from Terraform state, so nothing here needs the failed region. Operations
// are dry runs unless Execute is set; each step is timed and reported.
package dr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/multiregion/multiregion/config"
)

// Options configure one operation.
type Options struct {
	// Env is the environment, loaded from File (which failover and failback
	// rewrite so the next deploy converges to what they did).
	Env  *config.Environment
	File string
	// Execute acts; without it every step says what it would do.
	Execute bool
	// Force overrides the replica lag check.
	Force bool
	// Log gets one line per step as it ends.
	Log io.Writer
	// Poll is the interval of the waits (default 15 s; the emulator
	// answers at once, so 1 s there); Timeout bounds each wait (default 45
	// minutes: RDS promotions of large instances take long).
	Poll    time.Duration
	Timeout time.Duration
}

// Report is the machine-readable outcome of one operation.
type Report struct {
	Command     string `json:"command"`
	Environment string `json:"environment"`
	Execute     bool   `json:"execute"`
	// Result is ok, refused (a check failed; nothing was changed after
	// it), or failed (a step failed).
	Result string `json:"result"`
	Reason string `json:"reason,omitempty"`
	// Phase is the failback phase this run did (rebuild, switch, finish).
	Phase   string  `json:"phase,omitempty"`
	Steps   []Step  `json:"steps"`
	Status  *Status `json:"status,omitempty"`
	Next    string  `json:"next,omitempty"`
	Seconds float64 `json:"seconds"`
}

// Step is one timed action.
type Step struct {
	Name   string `json:"name"`
	Region string `json:"region,omitempty"`
	// Result is done, planned (dry run), skipped or failed.
	Result  string  `json:"result"`
	Detail  string  `json:"detail,omitempty"`
	Seconds float64 `json:"seconds"`
}

// Step results.
const (
	StepDone    = "done"
	StepPlanned = "planned"
	StepSkipped = "skipped"
	StepFailed  = "failed"
)

// run is one operation in progress.
type run struct {
	opts  Options
	env   *config.Environment
	aws   *clients
	rep   *Report
	start time.Time
}

func newRun(ctx context.Context, command string, opts Options) (*run, error) {
	if opts.Env == nil {
		return nil, errors.New("dr: no environment")
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Poll == 0 {
		opts.Poll = 15 * time.Second
		if opts.Env.Emulator != nil {
			opts.Poll = time.Second
		}
	}
	if opts.Timeout == 0 {
		opts.Timeout = 45 * time.Minute
	}
	c, err := newClients(ctx, opts.Env)
	if err != nil {
		return nil, err
	}
	return &run{opts: opts, env: opts.Env, aws: c, start: time.Now(),
		rep: &Report{Command: command, Environment: opts.Env.ID(), Execute: opts.Execute, Result: "ok"}}, nil
}

// step runs act when executing (else records planned), timed and logged.
// act returns a detail line; an error fails the step. A step whose act is
// nil only reports (a check or a skip decided by the caller).
func (r *run) step(name, region, plan string, act func() (string, error)) error {
	s := Step{Name: name, Region: region}
	t := time.Now()
	var err error
	switch {
	case !r.opts.Execute:
		s.Result, s.Detail = StepPlanned, plan
	default:
		s.Detail, err = act()
		s.Result = StepDone
		if err != nil {
			s.Result, s.Detail = StepFailed, err.Error()
		}
	}
	s.Seconds = time.Since(t).Seconds()
	r.record(s)
	if err != nil {
		r.rep.Result, r.rep.Reason = "failed", fmt.Sprintf("%s: %v", name, err)
	}
	return err
}

// note records a step that did nothing: a check's outcome or a skip.
func (r *run) note(name, region, result, detail string, took time.Duration) {
	r.record(Step{Name: name, Region: region, Result: result, Detail: detail, Seconds: took.Seconds()})
}

func (r *run) record(s Step) {
	r.rep.Steps = append(r.rep.Steps, s)
	where := ""
	if s.Region != "" {
		where = " [" + s.Region + "]"
	}
	fmt.Fprintf(r.opts.Log, "%-28s %-7s %6.1fs%s %s\n", s.Name, s.Result, s.Seconds, where, s.Detail)
}

// refuse ends the operation without acting further.
func (r *run) refuse(reason string) {
	r.rep.Result, r.rep.Reason = "refused", reason
	fmt.Fprintf(r.opts.Log, "refused: %s\n", reason)
}

func (r *run) finish() *Report {
	r.rep.Seconds = time.Since(r.start).Seconds()
	return r.rep
}

// region is the region of a role.
func (r *run) region(role string) string { return r.env.RegionOf(role).Region }
