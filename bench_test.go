package main

import (
	"path/filepath"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// Synthesis benchmarks (go test -run '^$' -bench Synth -benchtime 3x .).
// The jsii kernel is already up (TestMain synthesized once), so these
// measure the warm per-synth cost; the bench script in the README measures
// whole processes (cold start, peak memory, validate/plan, emulator).

func BenchmarkSynthOneEnvironment(b *testing.B) {
	envs, err := config.LoadDir(config.DefaultDir, []string{"acme-prod"})
	if err != nil {
		b.Fatal(err)
	}
	benchSynth(b, envs)
}

func BenchmarkSynthAllEnvironments(b *testing.B) {
	benchSynth(b, synthEnvs)
}

func benchSynth(b *testing.B, envs []*config.Environment) {
	for b.Loop() {
		if err := synthesize(filepath.Join(b.TempDir(), "cdktf.out"), envs, false); err != nil {
			b.Fatal(err)
		}
	}
}
