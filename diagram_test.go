package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/multiregion/multiregion/diagram"
)

// TestDiagramCommand draws every environment from this run's synthesized
// output with the command make check runs, and finds the committed
// pictures (docs/diagrams) current.
func TestDiagramCommand(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("go", "run", "./cmd/diagram", "-outdir", synthDir, "-dir", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./cmd/diagram: %v\n%s", err, out)
	}
	for _, env := range synthEnvs {
		drawn, committed := [2]string{}, [2]string{}
		drawn[0], drawn[1] = diagram.Paths(dir, env.ID())
		committed[0], committed[1] = diagram.Paths(filepath.Join("docs", "diagrams"), env.ID())
		for i := range drawn {
			got, err := os.ReadFile(drawn[i])
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(committed[i])
			if err != nil {
				t.Fatalf("%v (UPDATE_DIAGRAMS=1 go test ./diagram/ writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what the synthesized stacks give: regenerate with UPDATE_DIAGRAMS=1 go test ./diagram/", committed[i])
			}
		}
	}
}
