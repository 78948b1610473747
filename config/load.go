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
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".yaml"), ".yml")
	env.Customer, env.Name, _ = strings.Cut(base, "-")
	in, err := inspectYAML(path, data)
	if err != nil {
		return nil, (&yamlInput{}).decodeProblems(path, err) // not YAML: nothing else to check
	}
	ps := in.problems
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(env); err != nil && !errors.Is(err, io.EOF) {
		// yaml.v3 decodes the rest of the file past type errors and unknown
		// keys, so the remaining fields are still worth validating.
		ps = append(ps, in.decodeProblems(path, err)...)
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

// configTypes lets error messages list the keys a section allows.
var configTypes = map[string]reflect.Type{}

func init() {
	for _, v := range []any{Environment{}, Region{}, Network{}, Service{}, Registry{}, LoadBalancer{}, Certificate{}, Backend{}, S3Backend{}, CloudBackend{}, Emulator{}, Account{}, StateBuckets{}, Database{}, Replica{},
		DNS{}, HealthCheck{}, CDN{}, WAF{}, Monitoring{}, Budget{}, Alarms{}, AlarmSettings{}, Repository{}, Pipeline{}, Build{}, Usage{}} {
		t := reflect.TypeOf(v)
		configTypes[t.Name()] = t
	}
}

func yamlKeys(typeName string) []string {
	t, ok := configTypes[typeName]
	if !ok {
		return nil
	}
	var keys []string
	for i := range t.NumField() {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
