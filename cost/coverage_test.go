package cost

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// exampleStacks reads every example environment's synthesized stacks (the
// golden files, byte for byte what the app writes).
func exampleStacks(t *testing.T) map[string]map[string]any {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "*.tf.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden stacks: %v", err)
	}
	out := map[string]map[string]any{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = doc
	}
	return out
}

// TestEveryExampleTypeIsPricedOrFree fails on a resource type of an example
// environment that has neither a price nor a place on the list of free
// types: the estimate would silently leave it out.
func TestEveryExampleTypeIsPricedOrFree(t *testing.T) {
	seen := map[string]bool{}
	for name, doc := range exampleStacks(t) {
		resources, _ := doc["resource"].(map[string]any)
		for typ := range resources {
			seen[typ] = true
			if _, priced := pricers[typ]; !priced && !freeTypes[typ] {
				t.Errorf("%s: resource type %s has no price (cost/pricers.go) and is not on the list of free types", name, typ)
			}
		}
	}
	for typ := range pricers {
		if freeTypes[typ] {
			t.Errorf("%s is both priced and free", typ)
		}
	}
	// The list of free types holds no stale entries: each is in an example.
	for _, typ := range slices.Sorted(maps.Keys(freeTypes)) {
		if !seen[typ] {
			t.Errorf("free type %s is in no example environment: remove it or add the example", typ)
		}
	}
}

// TestShippedPricesCoverTheExamples: the shipped price list loads, and has
// every region, instance class, storage type and build compute type the
// example environments use.
func TestShippedPricesCoverTheExamples(t *testing.T) {
	prices, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	if prices.Read == "" || len(prices.Sources) < 10 {
		t.Errorf("prices read %q from %d sources: want a date and the pages", prices.Read, len(prices.Sources))
	}
	for name, doc := range exampleStacks(t) {
		providers, _ := doc["provider"].(map[string]any)
		aws, _ := providers["aws"].([]any)
		for _, p := range aws {
			region, _ := p.(map[string]any)["region"].(string)
			if _, err := prices.region(region); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		resources, _ := doc["resource"].(map[string]any)
		dbs, _ := resources["aws_db_instance"].(map[string]any)
		for _, r := range dbs {
			m := r.(map[string]any)
			for _, rp := range prices.Regions {
				if _, ok := rp.RDSInstanceHour[m["instance_class"].(string)]; !ok {
					t.Errorf("%s: no price for %v", name, m["instance_class"])
				}
				if st, _ := m["storage_type"].(string); st != "" {
					if _, ok := rp.RDSStorageGBMonth[st]; !ok {
						t.Errorf("%s: no price for storage %s", name, st)
					}
				}
			}
		}
		builds, _ := resources["aws_codebuild_project"].(map[string]any)
		for _, r := range builds {
			env, _ := r.(map[string]any)["environment"].(map[string]any)
			for _, rp := range prices.Regions {
				if _, ok := rp.CodeBuildMinute[env["compute_type"].(string)]; !ok {
					t.Errorf("%s: no price for build compute %v", name, env["compute_type"])
				}
			}
		}
	}
}
