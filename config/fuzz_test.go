package config

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzLoad feeds any bytes to the loader as an environment file, alone
// (Parse) and beside a real file (LoadDir, which checks files against each
// other): the result is a valid environment or Problems naming the file,
// never a panic, and loading writes nothing. Seeds: the example files here
// and the broken ones in testdata/fuzz/FuzzLoad (go test replays them all;
// go test -fuzz=FuzzLoad ./config/ searches further).
func FuzzLoad(f *testing.F) {
	examples, err := filepath.Glob(filepath.Join("environments", "*.yaml"))
	if err != nil || len(examples) == 0 {
		f.Fatalf("no example files (%v)", err)
	}
	for _, path := range examples {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	neighbour, err := os.ReadFile(filepath.Join("environments", "acme-prod.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	// One folder per fuzzing process, its files rewritten for each input
	// (a new folder per input would cost more than the loading).
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "acme-fuzz.yaml"
		env, err := Parse(name, data)
		checkOutcome(t, name, env, err)

		files := map[string][]byte{name: data, "acme-prod.yaml": neighbour}
		for n, d := range files {
			if err := os.WriteFile(filepath.Join(dir, n), d, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		envs, err := LoadDir(dir, nil)
		if err == nil {
			if len(envs) != 2 {
				t.Fatalf("LoadDir returned %d environments for 2 files", len(envs))
			}
			for _, e := range envs {
				if verr := e.Validate(); verr != nil {
					t.Fatalf("LoadDir accepted %s, which does not validate: %v", e.File, verr)
				}
			}
		} else {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("LoadDir error is not a list of problems: %v", err)
			}
			for _, p := range ps {
				if p.Want == "" || !strings.HasPrefix(p.File, dir) {
					t.Fatalf("problem %+v names no file of %s or says nothing of what is allowed", p, dir)
				}
			}
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if want := slices.Sorted(maps.Keys(files)); !slices.Equal(names, want) {
			t.Fatalf("the folder holds %v after loading, want only %v", names, want)
		}
		for n, d := range files {
			if got, err := os.ReadFile(filepath.Join(dir, n)); err != nil || string(got) != string(d) {
				t.Fatalf("loading changed %s (%v)", n, err)
			}
		}
	})
}

// checkOutcome: Parse gave a valid environment, or Problems that each name
// the file and what is allowed.
func checkOutcome(t *testing.T, name string, env *Environment, err error) {
	t.Helper()
	if err == nil {
		if env == nil {
			t.Fatal("Parse returned neither an environment nor an error")
		}
		if verr := env.Validate(); verr != nil {
			t.Fatalf("Parse accepted a file that does not validate: %v", verr)
		}
		if env.ID() != "acme-fuzz" {
			t.Fatalf("environment id %q, want acme-fuzz from the file name", env.ID())
		}
		return
	}
	var ps Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("Parse error is not a list of problems: %v", err)
	}
	for _, p := range ps {
		if p.File != name || p.Want == "" {
			t.Fatalf("problem %+v does not name %s or what is allowed", p, name)
		}
	}
}
