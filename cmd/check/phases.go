package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/harness"
)

// The offline checks and the emulator deploy run side by side. The deploy
// is minutes of the AWS provider's fixed waits (RDS, CloudFront, Route 53)
// and little CPU, so planning every stack offline meanwhile costs it almost
// nothing, and the job is shorter by the whole offline phase.
//
// Two rules keep that as safe as running them one after the other:
//   - the deploy starts only once the offline run has installed its
//     providers, because installs into one plugin cache must not overlap;
//   - an environment whose stacks fail offline would fail on the emulator
//     too, minutes later: the deploy is interrupted (the emulator phase
//     destroys what it applied and stops moto_server) and starts again for
//     the environments that passed.

// phases are the two runs, as functions so the ordering can be tested.
type phases struct {
	// offline checks every stack; it calls cacheWarm once it installs no
	// more providers (harness.Options.CacheWarm).
	offline func(ctx context.Context, cacheWarm func()) ([]harness.Result, error)
	// emulate deploys envs on the emulator; it stops when ctx is done.
	emulate func(ctx context.Context, envs []string) ([]envReport, error)
}

// phaseResults is what both runs found, with their wall times.
type phaseResults struct {
	results      []harness.Result
	offlineErr   error
	offlineTime  time.Duration
	reports      []envReport
	emulatorErr  error
	emulatorTime time.Duration
}

// run checks offline and, alongside, deploys the emulated environments
// whose offline checks pass (none when emulated is empty).
func (p phases) run(ctx context.Context, emulated []string) (out phaseResults) {
	warm := make(chan struct{})
	cacheWarm := sync.OnceFunc(func() { close(warm) })
	emuCtx, stop := context.WithCancel(ctx)
	defer stop()

	type deploy struct {
		reports []envReport
		err     error
		took    time.Duration
	}
	var done chan deploy
	if len(emulated) > 0 {
		done = make(chan deploy, 1)
		go func() {
			<-warm
			if emuCtx.Err() != nil { // interrupted, or offline failed before its init
				done <- deploy{}
				return
			}
			t := time.Now()
			reports, err := p.emulate(emuCtx, emulated)
			done <- deploy{reports, err, time.Since(t)}
		}()
	}

	t := time.Now()
	out.results, out.offlineErr = p.offline(ctx, cacheWarm)
	out.offlineTime = time.Since(t)
	if done == nil {
		return out
	}
	passed := passedOffline(emulated, out.results)
	stopped := len(passed) < len(emulated)
	if stopped {
		stop()
	}
	cacheWarm() // offline may have returned before its init
	d := <-done
	if !stopped { // finished, or interrupted by the caller's ctx: report it as it is
		out.reports, out.emulatorErr, out.emulatorTime = d.reports, d.err, d.took
		return out
	}
	// We interrupted it: its reports describe an interrupted run, drop them.
	if len(passed) == 0 || ctx.Err() != nil {
		return out
	}
	t = time.Now()
	out.reports, out.emulatorErr = p.emulate(ctx, passed)
	out.emulatorTime = time.Since(t)
	return out
}

// passedOffline keeps the environments whose stacks all planned offline: a
// deploy of the others would fail the same way, only minutes later. An
// environment without results (the offline run failed before any stack ran)
// did not pass.
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
