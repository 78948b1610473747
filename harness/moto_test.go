package harness

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every patch of the moto launcher is still needed (moto without it answers
// in the wrong shape) and still applies (with it, in the AWS shape): a moto
// upgrade that fixes or moves the patched code fails here, by name.
func TestMotoPatchesNeededAndApplied(t *testing.T) {
	if testing.Short() {
		t.Skip("runs moto in-process (about 20 s)")
	}
	if err := RequireMoto(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	patches, err := CheckMotoPatches(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, name := range []string{
		"rds-promote-read-replica-detaches", "rds-delete-cross-region-replica", "rds-unique-dbi-resource-id",
		"codebuild-pipeline-project-without-location", "codebuild-delete-project-by-arn",
		"codepipeline-epoch-timestamps", "codecommit-repository-metadata", "cloudwatch-put-composite-alarm",
		"cloudfront-origin-group-target", "application-autoscaling-tags", "budgets-tags-and-subscribers",
		"cloudtrail-trail-by-arn",
	} {
		want[name] = true
	}
	for _, p := range patches {
		if !want[p.Patch] {
			t.Errorf("patch %s is not known to this test", p.Patch)
		}
		delete(want, p.Patch)
		if p.Restores == "" {
			t.Errorf("patch %s names no AWS API shape", p.Patch)
		}
	}
	if len(want) > 0 {
		t.Errorf("patches not checked: %v", want)
	}
	// The emulator page lists every patch with what it restores.
	doc, err := os.ReadFile(filepath.Join("..", "docs", "emulator.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range patches {
		if !strings.Contains(string(doc), "| `"+p.Patch+"` |") {
			t.Errorf("docs/emulator.md does not list patch %s", p.Patch)
		}
	}
}
