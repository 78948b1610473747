package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Stack is one synthesized stack of a cdktf output folder.
type Stack struct {
	Name         string   // stack name, e.g. acme-prod-primary
	Dir          string   // absolute path of the folder holding its cdk.tf.json
	Dependencies []string // names of the stacks whose outputs it reads
}

// stackFile is the name of the Terraform JSON file cdktf writes per stack.
const stackFile = "cdk.tf.json"

// ReadManifest reads <outdir>/manifest.json and returns its stacks, every
// stack after the stacks it depends on (ties broken by name, so the order is
// deterministic). A dependency cycle is an error that names the cycle.
func ReadManifest(outdir string) ([]Stack, error) {
	abs, err := filepath.Abs(outdir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(abs, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("reading cdktf manifest: %w", err)
	}
	var m struct {
		Stacks map[string]struct {
			Name                 string   `json:"name"`
			SynthesizedStackPath string   `json:"synthesizedStackPath"`
			WorkingDirectory     string   `json:"workingDirectory"`
			Dependencies         []string `json:"dependencies"`
		} `json:"stacks"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", filepath.Join(abs, "manifest.json"), err)
	}
	byName := map[string]Stack{}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(m.Stacks)) {
		s := m.Stacks[key]
		name := s.Name
		if name == "" {
			name = key
		}
		dir := s.WorkingDirectory
		if dir == "" {
			dir = filepath.Dir(s.SynthesizedStackPath)
		}
		if dir == "" || dir == "." || filepath.IsAbs(dir) {
			errs = append(errs, fmt.Errorf("stack %s: bad workingDirectory %q in manifest", name, dir))
			continue
		}
		dir = filepath.Join(abs, dir)
		if _, err := os.Stat(filepath.Join(dir, stackFile)); err != nil {
			errs = append(errs, fmt.Errorf("stack %s: %w", name, err))
			continue
		}
		byName[name] = Stack{Name: name, Dir: dir, Dependencies: slices.Sorted(slices.Values(s.Dependencies))}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return topoSort(byName)
}

// topoSort orders stacks dependencies first, by a depth-first walk over sorted
// names so that the same manifest always gives the same order.
func topoSort(byName map[string]Stack) ([]Stack, error) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var order []Stack
	var path []string
	var visit func(name string) error
	visit = func(name string) error {
		switch state[name] {
		case done:
			return nil
		case visiting:
			start := slices.Index(path, name)
			cycle := append(slices.Clone(path[start:]), name)
			return fmt.Errorf("stack dependency cycle: %s", strings.Join(cycle, " -> "))
		}
		s, ok := byName[name]
		if !ok {
			return fmt.Errorf("stack %s depends on %s, which is not among the stacks", path[len(path)-1], name)
		}
		state[name] = visiting
		path = append(path, name)
		for _, dep := range s.Dependencies {
			if err := visit(dep); err != nil {
				return err
			}
		}
		path = path[:len(path)-1]
		state[name] = done
		order = append(order, s)
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		if err := visit(name); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// stackConfig is the part of a synthesized cdk.tf.json the harness reads.
type stackConfig struct {
	Terraform struct {
		Backend           map[string]map[string]any `json:"backend"`
		Cloud             map[string]any            `json:"cloud"`
		RequiredProviders map[string]any            `json:"required_providers"`
	} `json:"terraform"`
	Provider map[string]json.RawMessage `json:"provider"`
	Data     struct {
		RemoteState map[string]remoteState `json:"terraform_remote_state"`
	} `json:"data"`
	Output map[string]struct {
		Sensitive bool `json:"sensitive"`
	} `json:"output"`
	Module map[string]any `json:"module"`

	raw []byte // the file itself, for reference scans
}

// remoteState is one data.terraform_remote_state block.
type remoteState struct {
	Backend string         `json:"backend"`
	Config  map[string]any `json:"config"`
}

// providerConfig is one provider block as synthesized.
type providerConfig map[string]any

// alias is the provider configuration's alias, "" for the default one.
func (p providerConfig) alias() string {
	a, _ := p["alias"].(string)
	return a
}

// endpoints returns the service -> URL settings of its endpoints blocks.
func (p providerConfig) endpoints() map[string]string {
	out := map[string]string{}
	var blocks []any
	switch e := p["endpoints"].(type) {
	case map[string]any:
		blocks = []any{e}
	case []any:
		blocks = e
	}
	for _, b := range blocks {
		m, _ := b.(map[string]any)
		for service, url := range m {
			if s, ok := url.(string); ok {
				out[service] = s
			}
		}
	}
	return out
}

// loadStackConfig parses dir/cdk.tf.json.
func loadStackConfig(dir string) (*stackConfig, error) {
	raw, err := os.ReadFile(filepath.Join(dir, stackFile))
	if err != nil {
		return nil, err
	}
	cfg := &stackConfig{raw: raw}
	if err := json.Unmarshal(raw, cfg); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", filepath.Join(dir, stackFile), err)
	}
	return cfg, nil
}

// backendType is "cloud" for a terraform.cloud block, else the backend's type
// ("local" when none is declared, as Terraform does).
func (c *stackConfig) backendType() string {
	if c.Terraform.Cloud != nil {
		return "cloud"
	}
	for t := range c.Terraform.Backend {
		return t
	}
	return "local"
}

// providers returns the configurations of provider name. Terraform JSON allows
// one object or a list of them; cdktf writes a list.
func (c *stackConfig) providers(name string) ([]providerConfig, error) {
	raw, ok := c.Provider[name]
	if !ok {
		return nil, nil
	}
	var list []providerConfig
	if err := json.Unmarshal(raw, &list); err != nil {
		var one providerConfig
		if err2 := json.Unmarshal(raw, &one); err2 != nil {
			return nil, fmt.Errorf("provider %s: %w", name, err)
		}
		list = []providerConfig{one}
	}
	return list, nil
}

// readJSONNumbers reads a JSON object keeping its numbers as written.
func readJSONNumbers(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return doc, nil
}

// awsBlocks returns the provider "aws" blocks of a Terraform JSON document
// (a list or a single object); false when their shape is unexpected.
func awsBlocks(doc map[string]any) ([]map[string]any, bool) {
	providers, ok := doc["provider"].(map[string]any)
	if !ok {
		return nil, doc["provider"] == nil
	}
	switch v := providers["aws"].(type) {
	case nil:
		return nil, true
	case map[string]any:
		return []map[string]any{v}, true
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, b := range v {
			m, ok := b.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	return nil, false
}

// writeJSON writes doc as indented JSON, strings as they are (no HTML
// escapes), numbers as readJSONNumbers kept them.
func writeJSON(path string, doc map[string]any) error {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return os.WriteFile(path, out.Bytes(), 0o644)
}
