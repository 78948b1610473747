package workspaces

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	tfe "github.com/hashicorp/go-tfe"
)

// Sync makes the organization's projects and workspaces match the file:
// missing projects and workspaces are created, execution mode and project
// set, global remote state sharing switched off, the variables set and each
// workspace's remote-state consumers replaced by the file's. Nothing is
// deleted. With apply false it only reads and prints what it would do.
// Every line it prints starts with what it did or would do.
func Sync(ctx context.Context, client *tfe.Client, f *File, apply bool, log io.Writer) error {
	verb := func(s string) string {
		if apply {
			return s
		}
		return "would " + s
	}
	ids := map[string]string{} // workspace name -> id ("" when it does not exist yet)
	projects := map[string]*tfe.Project{}
	for _, w := range f.Workspaces {
		pkey := w.Organization + "/" + w.Project
		if _, seen := projects[pkey]; !seen {
			p, err := findProject(ctx, client, w.Organization, w.Project)
			if err != nil {
				return err
			}
			if p == nil {
				fmt.Fprintf(log, "%s project %s in %s\n", verb("create"), w.Project, w.Organization)
				if apply {
					if p, err = client.Projects.Create(ctx, w.Organization, tfe.ProjectCreateOptions{Name: w.Project}); err != nil {
						return fmt.Errorf("creating project %s: %w", w.Project, err)
					}
				}
			}
			projects[pkey] = p
		}
		project := projects[pkey]
		ws, err := client.Workspaces.Read(ctx, w.Organization, w.Name)
		switch {
		case errors.Is(err, tfe.ErrResourceNotFound):
			fmt.Fprintf(log, "%s workspace %s (project %s, execution mode %s)\n", verb("create"), w.Name, w.Project, w.ExecutionMode)
			if apply {
				ws, err = client.Workspaces.Create(ctx, w.Organization, tfe.WorkspaceCreateOptions{
					Name:              tfe.String(w.Name),
					ExecutionMode:     tfe.String(w.ExecutionMode),
					GlobalRemoteState: tfe.Bool(false),
					Project:           project,
				})
				if err != nil {
					return fmt.Errorf("creating workspace %s: %w", w.Name, err)
				}
			}
		case err != nil:
			return fmt.Errorf("reading workspace %s: %w", w.Name, err)
		default:
			if ws.ExecutionMode != w.ExecutionMode || ws.GlobalRemoteState || project == nil || ws.Project == nil || ws.Project.ID != project.ID {
				fmt.Fprintf(log, "%s workspace %s (project %s, execution mode %s, no global remote state)\n", verb("update"), w.Name, w.Project, w.ExecutionMode)
				if apply {
					ws, err = client.Workspaces.UpdateByID(ctx, ws.ID, tfe.WorkspaceUpdateOptions{
						ExecutionMode:     tfe.String(w.ExecutionMode),
						GlobalRemoteState: tfe.Bool(false),
						Project:           project,
					})
					if err != nil {
						return fmt.Errorf("updating workspace %s: %w", w.Name, err)
					}
				}
			}
		}
		if ws != nil {
			ids[w.Name] = ws.ID
		}
		if err := syncVariables(ctx, client, w, ids[w.Name], apply, verb, log); err != nil {
			return err
		}
	}
	for _, w := range f.Workspaces {
		if err := syncConsumers(ctx, client, w, ids, apply, verb, log); err != nil {
			return err
		}
	}
	return nil
}

func findProject(ctx context.Context, client *tfe.Client, org, name string) (*tfe.Project, error) {
	list, err := client.Projects.List(ctx, org, &tfe.ProjectListOptions{Name: name})
	if err != nil {
		return nil, fmt.Errorf("listing projects of %s: %w", org, err)
	}
	for _, p := range list.Items {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, nil
}

// syncVariables creates missing variables and updates changed ones.
func syncVariables(ctx context.Context, client *tfe.Client, w Workspace, id string, apply bool, verb func(string) string, log io.Writer) error {
	have := map[string]*tfe.Variable{}
	if id != "" {
		list, err := client.Variables.List(ctx, id, nil)
		if err != nil {
			return fmt.Errorf("listing variables of %s: %w", w.Name, err)
		}
		for _, v := range list.Items {
			have[v.Key] = v
		}
	}
	for _, v := range w.Variables {
		cat := tfe.CategoryType(v.Category)
		old := have[v.Key]
		switch {
		case old == nil:
			fmt.Fprintf(log, "%s variable %s=%s (%s) on %s\n", verb("create"), v.Key, v.Value, v.Category, w.Name)
			if apply {
				if _, err := client.Variables.Create(ctx, id, tfe.VariableCreateOptions{
					Key: tfe.String(v.Key), Value: tfe.String(v.Value), Category: &cat, HCL: tfe.Bool(false), Sensitive: tfe.Bool(false),
				}); err != nil {
					return fmt.Errorf("creating variable %s on %s: %w", v.Key, w.Name, err)
				}
			}
		case old.Value != v.Value || old.Category != cat:
			fmt.Fprintf(log, "%s variable %s=%s (%s) on %s\n", verb("update"), v.Key, v.Value, v.Category, w.Name)
			if apply {
				if _, err := client.Variables.Update(ctx, id, old.ID, tfe.VariableUpdateOptions{
					Key: tfe.String(v.Key), Value: tfe.String(v.Value), Category: &cat, HCL: tfe.Bool(false), Sensitive: tfe.Bool(false),
				}); err != nil {
					return fmt.Errorf("updating variable %s on %s: %w", v.Key, w.Name, err)
				}
			}
		}
	}
	return nil
}

// syncConsumers replaces the workspace's remote-state consumers by the
// file's when they differ.
func syncConsumers(ctx context.Context, client *tfe.Client, w Workspace, ids map[string]string, apply bool, verb func(string) string, log io.Writer) error {
	var have []string
	var current []*tfe.Workspace
	if id := ids[w.Name]; id != "" {
		list, err := client.Workspaces.ListRemoteStateConsumers(ctx, id, nil)
		if err != nil {
			return fmt.Errorf("listing remote-state consumers of %s: %w", w.Name, err)
		}
		for _, c := range list.Items {
			have = append(have, c.Name)
			current = append(current, &tfe.Workspace{ID: c.ID})
		}
	}
	slices.Sort(have)
	want := slices.Sorted(slices.Values(w.RemoteStateConsumers))
	if slices.Equal(have, want) {
		return nil
	}
	fmt.Fprintf(log, "%s remote-state consumers of %s: %v\n", verb("set"), w.Name, want)
	if !apply {
		return nil
	}
	if len(want) == 0 { // the API replaces a list only by a non-empty one
		if err := client.Workspaces.RemoveRemoteStateConsumers(ctx, ids[w.Name], tfe.WorkspaceRemoveRemoteStateConsumersOptions{Workspaces: current}); err != nil {
			return fmt.Errorf("removing remote-state consumers of %s: %w", w.Name, err)
		}
		return nil
	}
	var list []*tfe.Workspace
	for _, name := range want {
		id := ids[name]
		if id == "" {
			return fmt.Errorf("remote-state consumer %s of %s is not among the workspaces", name, w.Name)
		}
		list = append(list, &tfe.Workspace{ID: id})
	}
	if err := client.Workspaces.UpdateRemoteStateConsumers(ctx, ids[w.Name], tfe.WorkspaceUpdateRemoteStateConsumersOptions{Workspaces: list}); err != nil {
		return fmt.Errorf("setting remote-state consumers of %s: %w", w.Name, err)
	}
	return nil
}
