// Package workspaces describes the HCP Terraform (or Terraform Enterprise)
// workspaces the stacks of environments on backend type cloud need, one
// workspace per stack, and creates or updates them through the API. It is
// plain Go: the file comes from config and the synthesized manifest.
package workspaces

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/multiregion/multiregion/config"
)

// FileName is the file the app writes beside the stacks, in cdktf.out.
const FileName = "workspaces.json"

// ExecutionMode is every workspace's: plans and applies run in HCP
// Terraform, started from the CLI in the stack's folder.
const ExecutionMode = "remote"

// File is what cdktf.out/workspaces.json holds: the workspaces in the order
// their first runs must go (every stack after the stacks it reads).
type File struct {
	Workspaces []Workspace `json:"workspaces"`
}

// Workspace is what one stack's workspace needs.
type Workspace struct {
	// Name is the stack's name (the cloud block names the workspace so).
	Name         string `json:"name"`
	Organization string `json:"organization"`
	Hostname     string `json:"hostname"`
	Project      string `json:"project"`
	// WorkingDirectory is where a CLI-driven run starts (relative to the
	// project): the stack's synthesized folder, which holds everything the
	// run uploads. The workspace's own working-directory setting stays
	// empty, or the CLI would upload the whole project.
	WorkingDirectory string `json:"working_directory"`
	ExecutionMode    string `json:"execution_mode"`
	// DependsOn are the workspaces whose state this one reads.
	DependsOn []string `json:"depends_on"`
	// RemoteStateConsumers are the workspaces allowed to read this one's
	// state (global remote state sharing stays off).
	RemoteStateConsumers []string `json:"remote_state_consumers"`
	// Variables are the workspace's environment variables: dynamic AWS
	// credentials through the environment's run role.
	Variables []Variable `json:"variables"`
}

// Variable is a workspace variable.
type Variable struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	Category string `json:"category"` // env or terraform
}

// Build describes the workspaces of the environments on backend type cloud,
// from their config and the stack graph in outdir/manifest.json.
func Build(outdir string, envs []*config.Environment) (*File, error) {
	deps, err := readDependencies(filepath.Join(outdir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	consumers := map[string][]string{}
	for _, stack := range slices.Sorted(maps.Keys(deps)) {
		for _, d := range deps[stack] {
			consumers[d] = append(consumers[d], stack)
		}
	}
	f := &File{Workspaces: []Workspace{}}
	for _, env := range envs {
		c := env.Backend.Cloud
		if env.Backend.Type != config.BackendCloud || c == nil {
			continue
		}
		for _, stack := range env.StackNames() { // DAG order within the environment
			if _, ok := deps[stack]; !ok {
				return nil, fmt.Errorf("%s: stack %s is not in the synthesized manifest", FileName, stack)
			}
			f.Workspaces = append(f.Workspaces, Workspace{
				Name:                 stack,
				Organization:         c.Organization,
				Hostname:             c.Hostname,
				Project:              c.ProjectName(),
				WorkingDirectory:     "cdktf.out/stacks/" + stack,
				ExecutionMode:        ExecutionMode,
				DependsOn:            orEmpty(deps[stack]),
				RemoteStateConsumers: orEmpty(consumers[stack]),
				Variables: []Variable{
					{Key: "TFC_AWS_PROVIDER_AUTH", Value: "true", Category: "env"},
					{Key: "TFC_AWS_RUN_ROLE_ARN", Value: c.RunRoleARN, Category: "env"},
				},
			})
		}
	}
	return f, nil
}

// Write builds the file and writes it into outdir.
func Write(outdir string, envs []*config.Environment) error {
	f, err := Build(outdir, envs)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outdir, FileName), append(data, '\n'), 0o644)
}

// Read loads a workspaces file.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &f, nil
}

// readDependencies reads stack -> dependencies from cdktf's manifest.
func readDependencies(path string) (map[string][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m struct {
		Stacks map[string]struct {
			Dependencies []string `json:"dependencies"`
		} `json:"stacks"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string][]string{}
	for name, s := range m.Stacks {
		out[name] = slices.Sorted(slices.Values(s.Dependencies))
	}
	return out, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
