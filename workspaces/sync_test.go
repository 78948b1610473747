package workspaces

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/workspaces/tfetest"
)

func testFile() *File {
	ws := func(name string, deps, consumers []string) Workspace {
		return Workspace{Name: name, Organization: "acme", Hostname: "app.terraform.io", Project: "acme-dev",
			WorkingDirectory: "cdktf.out/stacks/" + name, ExecutionMode: "remote", DependsOn: deps, RemoteStateConsumers: consumers,
			Variables: []Variable{{Key: "TFC_AWS_PROVIDER_AUTH", Value: "true", Category: "env"}, {Key: "TFC_AWS_RUN_ROLE_ARN", Value: "arn:aws:iam::222222222222:role/acme-dev-hcp-terraform-run", Category: "env"}}}
	}
	return &File{Workspaces: []Workspace{
		ws("acme-dev-primary", nil, []string{"acme-dev-global", "acme-dev-secondary"}),
		ws("acme-dev-secondary", []string{"acme-dev-primary"}, []string{"acme-dev-global"}),
		ws("acme-dev-global", []string{"acme-dev-primary", "acme-dev-secondary"}, nil),
	}}
}

// TestSyncDryRunChangesNothing: without apply, Sync only reads and says
// what it would create.
func TestSyncDryRunChangesNothing(t *testing.T) {
	fake, srv := tfetest.NewServer(t)
	client, err := NewClient(srv.URL, tfetest.Token)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := Sync(context.Background(), client, testFile(), false, &log); err != nil {
		t.Fatal(err)
	}
	if len(fake.Writes) != 0 {
		t.Errorf("a dry run changed things: %v", fake.Writes)
	}
	for _, want := range []string{"would create project acme-dev in acme", "would create workspace acme-dev-global", "would create variable TFC_AWS_RUN_ROLE_ARN=arn:aws:iam::222222222222:role/acme-dev-hcp-terraform-run (env) on acme-dev-primary", "would set remote-state consumers of acme-dev-primary: [acme-dev-global acme-dev-secondary]"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, log.String())
		}
	}
}

// TestSyncApplyCreatesThenIsIdempotent: -apply creates the project,
// workspaces, variables and consumers the file names; a second run finds
// nothing to do; a changed role ARN is updated in place.
func TestSyncApplyCreatesThenIsIdempotent(t *testing.T) {
	fake, srv := tfetest.NewServer(t)
	client, err := NewClient(srv.URL, tfetest.Token)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := Sync(context.Background(), client, testFile(), true, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(fake.Projects) != 1 || fake.Projects["acme-dev"] == "" {
		t.Errorf("projects %v, want acme-dev", fake.Projects)
	}
	for _, name := range []string{"acme-dev-primary", "acme-dev-secondary", "acme-dev-global"} {
		w := fake.WS[name]
		if w == nil {
			t.Fatalf("workspace %s not created", name)
		}
		if w.ExecutionMode != "remote" || w.GlobalRemoteState || w.ProjectID != fake.Projects["acme-dev"] {
			t.Errorf("%s: %+v, want execution mode remote, no global remote state, project acme-dev", name, w)
		}
		if v := fake.Vars[w.ID]["TFC_AWS_PROVIDER_AUTH"]; v.Value != "true" || v.Category != "env" {
			t.Errorf("%s: TFC_AWS_PROVIDER_AUTH %+v", name, v)
		}
	}
	var consumers []string
	for _, id := range fake.WS["acme-dev-primary"].Consumers {
		consumers = append(consumers, fake.ByID(id).Name)
	}
	slices.Sort(consumers)
	if !slices.Equal(consumers, []string{"acme-dev-global", "acme-dev-secondary"}) {
		t.Errorf("acme-dev-primary's remote-state consumers %v", consumers)
	}
	if c := fake.WS["acme-dev-global"].Consumers; len(c) != 0 {
		t.Errorf("acme-dev-global shares its state with %v, want nobody", c)
	}

	before := len(fake.Writes)
	log.Reset()
	if err := Sync(context.Background(), client, testFile(), true, &log); err != nil {
		t.Fatal(err)
	}
	if len(fake.Writes) != before || log.Len() != 0 {
		t.Errorf("a second run changed %v:\n%s", fake.Writes[before:], log.String())
	}

	f := testFile()
	f.Workspaces[1].Variables[1].Value = "arn:aws:iam::222222222222:role/other"
	if err := Sync(context.Background(), client, f, true, &log); err != nil {
		t.Fatal(err)
	}
	id := fake.WS["acme-dev-secondary"].ID
	if got := fake.Writes[len(fake.Writes)-1]; !strings.HasPrefix(got, "PATCH /api/v2/workspaces/"+id+"/vars/") {
		t.Errorf("a changed variable was written by %s, want a PATCH of the variable", got)
	}
	if v := fake.Vars[id]["TFC_AWS_RUN_ROLE_ARN"]; v.Value != "arn:aws:iam::222222222222:role/other" {
		t.Errorf("TFC_AWS_RUN_ROLE_ARN is %q after the update", v.Value)
	}
}
