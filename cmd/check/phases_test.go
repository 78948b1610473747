package main

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/multiregion/multiregion/harness"
)

// fakeRuns records what the phases did, in order.
type fakeRuns struct {
	mu     sync.Mutex
	events []string
}

func (f *fakeRuns) add(e string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, e)
}

func (f *fakeRuns) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.events)
}

func result(stack string, ok bool) harness.Result {
	return harness.Result{Stack: stack, Plan: harness.StepResult{Ran: true, OK: ok}}
}

// fakePhases: offline warms the cache, waits for the deploy to start (so the
// test proves they overlap), then returns results; emulate runs until ctx
// is done or it is told to finish.
func fakePhases(f *fakeRuns, results []harness.Result, offlineErr error, finish <-chan struct{}) phases {
	started := make(chan struct{}, 1)
	return phases{
		offline: func(ctx context.Context, cacheWarm func()) ([]harness.Result, error) {
			f.add("offline init")
			cacheWarm()
			select {
			case <-started:
			case <-time.After(5 * time.Second):
				f.add("deploy did not start while offline ran")
			}
			f.add("offline done")
			return results, offlineErr
		},
		emulate: func(ctx context.Context, envs []string) ([]envReport, error) {
			f.add("deploy " + envs[0] + " start")
			select {
			case started <- struct{}{}:
			default:
			}
			select {
			case <-ctx.Done():
				f.add("deploy interrupted")
				return []envReport{{Env: envs[0], Error: "interrupted"}}, nil
			case <-finish:
			}
			var out []envReport
			for _, e := range envs {
				out = append(out, envReport{Env: e})
			}
			return out, nil
		},
	}
}

func TestPhasesOverlap(t *testing.T) {
	finished := make(chan struct{})
	close(finished)

	t.Run("all pass: one deploy, alongside offline", func(t *testing.T) {
		var f fakeRuns
		r := fakePhases(&f, []harness.Result{result("a-primary", true), result("b-primary", true)}, nil, finished).run(context.Background(), []string{"a", "b"})
		want := []string{"offline init", "deploy a start", "offline done"}
		if got := f.list(); !slices.Equal(got, want) {
			t.Errorf("events %q, want %q", got, want)
		}
		if len(r.reports) != 2 || r.reports[0].Env != "a" || r.reports[1].Env != "b" {
			t.Errorf("reports %+v, want a and b", r.reports)
		}
	})

	t.Run("an emulated environment fails offline: interrupted, redeployed without it", func(t *testing.T) {
		var f fakeRuns
		never := make(chan struct{})
		p := fakePhases(&f, []harness.Result{result("a-primary", false), result("b-primary", true)}, errors.New("a-primary: plan failed"), never)
		emulate := p.emulate
		p.emulate = func(ctx context.Context, envs []string) ([]envReport, error) {
			if len(envs) == 1 { // the second deploy: let it finish
				f.add("deploy " + envs[0] + " start")
				return []envReport{{Env: envs[0]}}, nil
			}
			return emulate(ctx, envs)
		}
		r := p.run(context.Background(), []string{"a", "b"})
		want := []string{"offline init", "deploy a start", "offline done", "deploy interrupted", "deploy b start"}
		if got := f.list(); !slices.Equal(got, want) {
			t.Errorf("events %q, want %q", got, want)
		}
		if len(r.reports) != 1 || r.reports[0].Env != "b" || r.reports[0].Error != "" {
			t.Errorf("reports %+v, want only b's, clean", r.reports)
		}
		if r.offlineErr == nil {
			t.Error("the offline failure was lost")
		}
	})

	t.Run("offline fails before any stack: no deploy", func(t *testing.T) {
		var deployed bool
		p := phases{
			offline: func(context.Context, func()) ([]harness.Result, error) {
				return nil, errors.New("terraform is missing")
			},
			emulate: func(context.Context, []string) ([]envReport, error) {
				deployed = true
				return nil, nil
			},
		}
		r := p.run(context.Background(), []string{"a"})
		if deployed || r.reports != nil || r.offlineErr == nil {
			t.Errorf("deployed %v, reports %+v, offline error %v; want no deploy and the error", deployed, r.reports, r.offlineErr)
		}
	})

	t.Run("the caller interrupts: the deploy's own report is kept", func(t *testing.T) {
		var f fakeRuns
		ctx, cancel := context.WithCancel(context.Background())
		never := make(chan struct{})
		p := fakePhases(&f, []harness.Result{result("a-primary", true)}, nil, never)
		offline := p.offline
		p.offline = func(ctx context.Context, warm func()) ([]harness.Result, error) {
			res, err := offline(ctx, warm)
			cancel() // Ctrl-C during the deploy
			return res, err
		}
		r := p.run(ctx, []string{"a"})
		if len(r.reports) != 1 || r.reports[0].Error != "interrupted" {
			t.Errorf("reports %+v, want the interrupted deploy's", r.reports)
		}
	})

	t.Run("no emulated environments: offline only", func(t *testing.T) {
		var f fakeRuns
		p := fakePhases(&f, []harness.Result{result("a-primary", true)}, nil, finished)
		p.offline = func(ctx context.Context, warm func()) ([]harness.Result, error) {
			f.add("offline")
			warm()
			return []harness.Result{result("a-primary", true)}, nil
		}
		r := p.run(context.Background(), nil)
		if got := f.list(); !slices.Equal(got, []string{"offline"}) || r.reports != nil {
			t.Errorf("events %q, reports %+v; want offline only", got, r.reports)
		}
	})
}
