package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultDir is where the environment files live, relative to the project.
const DefaultDir = "config/environments"

// LoadDir reads, defaults and validates every *.yaml file in dir, and returns
// the environments named in selection (all when selection is empty), sorted
// by id. Every file is validated whatever the selection, and every problem
// of every file comes back in one Problems error.
func LoadDir(dir string, selection []string) ([]*Environment, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no environment files (<customer>-<env>.yaml) found", dir)
	}
	slices.Sort(paths)
	var all Problems
	var envs []*Environment
	byID := map[string]string{}
	for _, path := range paths {
		env, err := LoadFile(path)
		var ps Problems
		switch {
		case errors.As(err, &ps):
			all = append(all, ps...)
		case err != nil:
			all = append(all, unreadable(path, err)) // reported with every other file's problems
		}
		if env == nil {
			continue
		}
		if prev, dup := byID[env.ID()]; dup {
			all = append(all, Problem{File: path, Field: "(file name)", Value: env.ID(),
				Want: fmt.Sprintf("a unique <customer>-<env>: %s already defines stacks %s-*", prev, env.ID())})
		}
		byID[env.ID()] = path
		envs = append(envs, env)
	}
	assignReplication(envs) // registries shared by environments of one account
	all = append(all, resolveStaging(envs)...)
	all = append(all, loadAccounts(filepath.Join(filepath.Dir(dir), AccountsDirName), envs)...)
	selected, err := selectEnvs(envs, selection)
	if err != nil {
		all = append(all, Problem{File: dir, Field: "environment selection", Value: strings.Join(selection, ","), Want: err.Error()})
	}
	if len(all) > 0 {
		sortProblems(all)
		return nil, all
	}
	return selected, nil
}

func selectEnvs(envs []*Environment, selection []string) ([]*Environment, error) {
	if len(selection) == 0 {
		return envs, nil
	}
	var ids []string
	for _, e := range envs {
		ids = append(ids, e.ID())
	}
	var out []*Environment
	var unknown []string
	for _, want := range selection {
		i := slices.Index(ids, want)
		if i < 0 {
			unknown = append(unknown, want)
			continue
		}
		if !slices.Contains(out, envs[i]) {
			out = append(out, envs[i])
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown environment(s) %s; the files define %s", strings.Join(unknown, ", "), strings.Join(ids, ", "))
	}
	slices.SortFunc(out, func(a, b *Environment) int { return strings.Compare(a.ID(), b.ID()) })
	return out, nil
}

// LoadFile reads one environment file strictly (an unknown key is an
// error), applies defaults and validates it. A file that cannot be decoded
// returns a nil environment and its problems.
func LoadFile(path string) (*Environment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse is LoadFile for bytes already read; path names the file in errors
// and gives the customer and environment names.
func Parse(path string, data []byte) (*Environment, error) {
	env := &Environment{File: path}
	env.Customer, env.Name, _ = strings.Cut(fileBase(path), "-")
	in, ps, ok := decodeStrict(path, data, env)
	if !ok {
		return nil, ps // not YAML: nothing else to check
	}
	env.ApplyDefaults()
	assignReplication([]*Environment{env}) // alone, it owns its registry; LoadDir looks at all files
	var invalid Problems
	if errors.As(env.Validate(), &invalid) {
		ps = append(ps, in.withoutReported(invalid)...)
	}
	if len(ps) > 0 {
		return env, ps
	}
	return env, nil
}

// fileBase is a config file's name without its extension.
func fileBase(path string) string {
	return strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".yaml"), ".yml")
}

// decodeStrict decodes data into v, which must be a pointer to a config
// type: one document, each key once, no unknown keys, values of the right
// type. ok is false when data is not YAML at all; otherwise v holds
// whatever decoded and ps the input problems. yaml.v3 decodes the rest of a
// file past type errors and unknown keys, so the rest is still worth
// validating.
func decodeStrict(path string, data []byte, v any) (in *yamlInput, ps Problems, ok bool) {
	in, err := inspectYAML(path, data)
	if err != nil {
		return nil, (&yamlInput{}).decodeProblems(path, err), false
	}
	ps = in.problems
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		ps = append(ps, in.decodeProblems(path, err)...)
	}
	return in, ps, true
}

// configTypes are the struct types a config file can hold, by name, for
// the keys an error message lists: every struct reachable through the yaml
// keys of an environment or account file.
var configTypes = map[string]reflect.Type{}

func init() {
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || configTypes[t.Name()] != nil {
			return
		}
		configTypes[t.Name()] = t
		for _, k := range yamlKeysOf(t) {
			walk(t.Field(k.index).Type)
		}
	}
	walk(reflect.TypeOf(Environment{}))
	walk(reflect.TypeOf(Account{}))
}

// yamlKey is a field of a config struct that a file may set.
type yamlKey struct {
	name  string // its key in the file
	index int    // its field index
}

// yamlKeysOf lists the keys of struct type t in field order.
func yamlKeysOf(t reflect.Type) []yamlKey {
	var keys []yamlKey
	for i := range t.NumField() {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			keys = append(keys, yamlKey{k, i})
		}
	}
	return keys
}

// yamlKeys lists the keys of the named config type, sorted.
func yamlKeys(typeName string) []string {
	t, ok := configTypes[typeName]
	if !ok {
		return nil
	}
	var keys []string
	for _, k := range yamlKeysOf(t) {
		keys = append(keys, k.name)
	}
	slices.Sort(keys)
	return keys
}
