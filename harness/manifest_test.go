package harness

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeManifest writes a cdktf output folder with the given stacks (name ->
// dependencies), each with an empty cdk.tf.json.
func writeManifest(t *testing.T, deps map[string][]string) string {
	t.Helper()
	out := t.TempDir()
	stacks := map[string]any{}
	for name, d := range deps {
		dir := filepath.Join("stacks", name)
		stacks[name] = map[string]any{
			"name": name, "constructPath": name, "annotations": []any{}, "dependencies": d,
			"synthesizedStackPath": filepath.Join(dir, "cdk.tf.json"), "workingDirectory": dir,
		}
		if err := os.MkdirAll(filepath.Join(out, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, dir, "cdk.tf.json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := json.Marshal(map[string]any{"version": "0.21.0", "stacks": stacks})
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func names(stacks []Stack) []string {
	var out []string
	for _, s := range stacks {
		out = append(out, s.Name)
	}
	return out
}

func TestReadManifestOrder(t *testing.T) {
	out := writeManifest(t, map[string][]string{
		"acme-prod-global":     {"acme-staging-primary", "acme-prod-secondary", "acme-prod-primary"},
		"acme-prod-secondary":  {"acme-prod-primary"},
		"acme-prod-primary":    nil,
		"acme-staging-primary": nil,
	})
	want := []string{"acme-prod-primary", "acme-prod-secondary", "acme-staging-primary", "acme-prod-global"}
	for range 5 { // map order must not leak into the result
		stacks, err := ReadManifest(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(stacks); !slices.Equal(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
		for _, s := range stacks {
			if !filepath.IsAbs(s.Dir) || filepath.Base(s.Dir) != s.Name {
				t.Errorf("%s: Dir %q is not the absolute stack folder", s.Name, s.Dir)
			}
		}
		if g := stacks[3]; !slices.Equal(g.Dependencies, []string{"acme-prod-primary", "acme-prod-secondary", "acme-staging-primary"}) {
			t.Errorf("global depends on %v", g.Dependencies)
		}
	}
}

func TestReadManifestFixture(t *testing.T) {
	stacks, err := ReadManifest("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(stacks); !slices.Equal(got, []string{"fix-primary", "fix-secondary"}) {
		t.Errorf("fixture stacks %v", got)
	}
}

func TestReadManifestErrors(t *testing.T) {
	cycle := writeManifest(t, map[string][]string{"c": {"a"}, "a": {"b"}, "b": {"c"}, "d": nil})
	if _, err := ReadManifest(cycle); err == nil || !strings.Contains(err.Error(), "cycle: a -> b -> c -> a") {
		t.Errorf("cycle: got %v", err)
	}
	unknown := writeManifest(t, map[string][]string{"a": {"nope"}})
	if _, err := ReadManifest(unknown); err == nil || !strings.Contains(err.Error(), "a depends on nope") {
		t.Errorf("unknown dependency: got %v", err)
	}
	missing := writeManifest(t, map[string][]string{"a": nil})
	os.Remove(filepath.Join(missing, "stacks", "a", "cdk.tf.json"))
	if _, err := ReadManifest(missing); err == nil || !strings.Contains(err.Error(), "stack a") {
		t.Errorf("missing cdk.tf.json: got %v", err)
	}
	if _, err := ReadManifest(t.TempDir()); err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Errorf("no manifest: got %v", err)
	}
}
