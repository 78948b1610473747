package workspaces

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeAPI is a local stand-in for the parts of the HCP Terraform API that
// Sync uses, answering JSON:API documents of the shapes the API docs give
// (projects, workspaces, vars, remote-state-consumers relationships). It
// checks the request bodies it is sent and fails the test on anything else.
type fakeAPI struct {
	t        *testing.T
	mu       sync.Mutex
	projects map[string]string             // name -> id
	ws       map[string]*fakeWorkspace     // name -> workspace
	vars     map[string]map[string]fakeVar // workspace id -> key -> var
	writes   []string                      // "METHOD path" of every change
}

type fakeWorkspace struct {
	ID, Name, ExecutionMode, ProjectID string
	GlobalRemoteState                  bool
	Consumers                          []string // ids
}

type fakeVar struct{ ID, Key, Value, Category string }

func newFakeAPI(t *testing.T) (*fakeAPI, *httptest.Server) {
	f := &fakeAPI{t: t, projects: map[string]string{}, ws: map[string]*fakeWorkspace{}, vars: map[string]map[string]fakeVar{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeAPI) byID(id string) *fakeWorkspace {
	for _, w := range f.ws {
		if w.ID == id {
			return w
		}
	}
	return nil
}

func (f *fakeAPI) wsDoc(w *fakeWorkspace) map[string]any {
	rel := map[string]any{}
	if w.ProjectID != "" {
		rel["project"] = map[string]any{"data": map[string]any{"type": "projects", "id": w.ProjectID}}
	}
	return map[string]any{"type": "workspaces", "id": w.ID, "attributes": map[string]any{
		"name": w.Name, "execution-mode": w.ExecutionMode, "global-remote-state": w.GlobalRemoteState,
	}, "relationships": rel}
}

func (f *fakeAPI) serve(rw http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.t
	if r.Header.Get("Authorization") != "Bearer test-token" {
		t.Errorf("%s %s without the token", r.Method, r.URL.Path)
	}
	var body map[string]any
	if r.Body != nil {
		data, _ := io.ReadAll(r.Body)
		if len(data) > 0 {
			if err := json.Unmarshal(data, &body); err != nil {
				t.Errorf("%s %s: body is not JSON: %s", r.Method, r.URL.Path, data)
			}
		}
	}
	if r.Method != http.MethodGet {
		f.writes = append(f.writes, r.Method+" "+r.URL.Path)
		if ct := r.Header.Get("Content-Type"); ct != "application/vnd.api+json" {
			t.Errorf("%s %s: Content-Type %q, want application/vnd.api+json", r.Method, r.URL.Path, ct)
		}
	}
	reply := func(code int, doc any) {
		rw.Header().Set("Content-Type", "application/vnd.api+json")
		rw.WriteHeader(code)
		if doc != nil {
			json.NewEncoder(rw).Encode(doc)
		}
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v2/"), "/")
	switch {
	case r.URL.Path == "/api/v2/ping":
		rw.Header().Set("TFP-API-Version", "2.6")
		reply(http.StatusNoContent, nil)
	case r.Method == "GET" && len(parts) == 3 && parts[0] == "organizations" && parts[2] == "projects":
		var items []any
		if id, ok := f.projects[r.URL.Query().Get("filter[names]")]; ok {
			items = append(items, map[string]any{"type": "projects", "id": id, "attributes": map[string]any{"name": r.URL.Query().Get("filter[names]")}})
		}
		reply(200, map[string]any{"data": orNil(items)})
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "organizations" && parts[2] == "projects":
		data := f.data(body, "projects")
		name, _ := data["attributes"].(map[string]any)["name"].(string)
		id := fmt.Sprintf("prj-%d", len(f.projects)+1)
		f.projects[name] = id
		reply(201, map[string]any{"data": map[string]any{"type": "projects", "id": id, "attributes": map[string]any{"name": name}}})
	case r.Method == "GET" && len(parts) == 4 && parts[0] == "organizations" && parts[2] == "workspaces":
		w := f.ws[parts[3]]
		if w == nil {
			reply(404, map[string]any{"errors": []any{map[string]any{"status": "404", "title": "not found"}}})
			return
		}
		reply(200, map[string]any{"data": f.wsDoc(w)})
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "organizations" && parts[2] == "workspaces":
		data := f.data(body, "workspaces")
		attrs := data["attributes"].(map[string]any)
		w := &fakeWorkspace{ID: fmt.Sprintf("ws-%d", len(f.ws)+1), Name: attrs["name"].(string)}
		w.ExecutionMode, _ = attrs["execution-mode"].(string)
		w.GlobalRemoteState, _ = attrs["global-remote-state"].(bool)
		w.ProjectID = projectOf(data)
		f.ws[w.Name] = w
		reply(201, map[string]any{"data": f.wsDoc(w)})
	case r.Method == "PATCH" && len(parts) == 2 && parts[0] == "workspaces":
		w := f.byID(parts[1])
		data := f.data(body, "workspaces")
		attrs := data["attributes"].(map[string]any)
		w.ExecutionMode, _ = attrs["execution-mode"].(string)
		w.GlobalRemoteState, _ = attrs["global-remote-state"].(bool)
		w.ProjectID = projectOf(data)
		reply(200, map[string]any{"data": f.wsDoc(w)})
	case len(parts) == 3 && parts[0] == "workspaces" && parts[2] == "vars":
		vars := f.vars[parts[1]]
		if vars == nil {
			vars = map[string]fakeVar{}
			f.vars[parts[1]] = vars
		}
		if r.Method == "GET" {
			var items []any
			for _, v := range vars {
				items = append(items, map[string]any{"type": "vars", "id": v.ID, "attributes": map[string]any{"key": v.Key, "value": v.Value, "category": v.Category}})
			}
			reply(200, map[string]any{"data": orNil(items)})
			return
		}
		attrs := f.data(body, "vars")["attributes"].(map[string]any)
		for _, k := range []string{"key", "value", "category", "hcl", "sensitive"} {
			if _, ok := attrs[k]; !ok {
				t.Errorf("POST %s: attribute %s missing: %v", r.URL.Path, k, attrs)
			}
		}
		v := fakeVar{ID: fmt.Sprintf("var-%s-%d", parts[1], len(vars)+1), Key: attrs["key"].(string), Value: attrs["value"].(string), Category: attrs["category"].(string)}
		vars[v.Key] = v
		reply(201, map[string]any{"data": map[string]any{"type": "vars", "id": v.ID, "attributes": map[string]any{"key": v.Key, "value": v.Value, "category": v.Category}}})
	case r.Method == "PATCH" && len(parts) == 4 && parts[0] == "workspaces" && parts[2] == "vars":
		attrs := f.data(body, "vars")["attributes"].(map[string]any)
		for key, v := range f.vars[parts[1]] {
			if v.ID == parts[3] {
				v.Value, v.Category = attrs["value"].(string), attrs["category"].(string)
				f.vars[parts[1]][key] = v
				reply(200, map[string]any{"data": map[string]any{"type": "vars", "id": v.ID, "attributes": map[string]any{"key": v.Key, "value": v.Value, "category": v.Category}}})
				return
			}
		}
		reply(404, map[string]any{"errors": []any{map[string]any{"status": "404"}}})
	case len(parts) == 4 && parts[0] == "workspaces" && parts[2] == "relationships" && parts[3] == "remote-state-consumers":
		w := f.byID(parts[1])
		if r.Method == "GET" {
			var items []any
			for _, id := range w.Consumers {
				items = append(items, f.wsDoc(f.byID(id)))
			}
			reply(200, map[string]any{"data": orNil(items)})
			return
		}
		// PATCH replaces the list: {"data": [{"type": "workspaces", "id": ...}]}
		list, ok := body["data"].([]any)
		if r.Method != "PATCH" || !ok || len(list) == 0 {
			t.Errorf("%s %s: want PATCH with a non-empty data list, got %v", r.Method, r.URL.Path, body)
		}
		w.Consumers = nil
		for _, item := range list {
			m := item.(map[string]any)
			if m["type"] != "workspaces" || f.byID(fmt.Sprint(m["id"])) == nil {
				t.Errorf("PATCH %s: consumer %v is not a known workspace", r.URL.Path, m)
			}
			w.Consumers = append(w.Consumers, fmt.Sprint(m["id"]))
		}
		reply(204, nil)
	default:
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		reply(404, map[string]any{"errors": []any{map[string]any{"status": "404"}}})
	}
}

// data checks a JSON:API request document ({"data": {"type": typ, ...}}).
func (f *fakeAPI) data(body map[string]any, typ string) map[string]any {
	data, ok := body["data"].(map[string]any)
	if !ok || data["type"] != typ {
		f.t.Errorf("request document %v, want data of type %s", body, typ)
		return map[string]any{"attributes": map[string]any{}}
	}
	if _, ok := data["attributes"].(map[string]any); !ok {
		data["attributes"] = map[string]any{}
	}
	return data
}

func projectOf(data map[string]any) string {
	rel, _ := data["relationships"].(map[string]any)
	p, _ := rel["project"].(map[string]any)
	d, _ := p["data"].(map[string]any)
	id, _ := d["id"].(string)
	return id
}

func orNil(items []any) []any {
	if items == nil {
		return []any{}
	}
	return items
}

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
	fake, srv := newFakeAPI(t)
	client, err := NewClient(srv.URL, "test-token")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := Sync(context.Background(), client, testFile(), false, &log); err != nil {
		t.Fatal(err)
	}
	if len(fake.writes) != 0 {
		t.Errorf("a dry run changed things: %v", fake.writes)
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
	fake, srv := newFakeAPI(t)
	client, err := NewClient(srv.URL, "test-token")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := Sync(context.Background(), client, testFile(), true, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(fake.projects) != 1 || fake.projects["acme-dev"] == "" {
		t.Errorf("projects %v, want acme-dev", fake.projects)
	}
	for _, name := range []string{"acme-dev-primary", "acme-dev-secondary", "acme-dev-global"} {
		w := fake.ws[name]
		if w == nil {
			t.Fatalf("workspace %s not created", name)
		}
		if w.ExecutionMode != "remote" || w.GlobalRemoteState || w.ProjectID != fake.projects["acme-dev"] {
			t.Errorf("%s: %+v, want execution mode remote, no global remote state, project acme-dev", name, w)
		}
		if v := fake.vars[w.ID]["TFC_AWS_PROVIDER_AUTH"]; v.Value != "true" || v.Category != "env" {
			t.Errorf("%s: TFC_AWS_PROVIDER_AUTH %+v", name, v)
		}
	}
	var consumers []string
	for _, id := range fake.ws["acme-dev-primary"].Consumers {
		consumers = append(consumers, fake.byID(id).Name)
	}
	slices.Sort(consumers)
	if !slices.Equal(consumers, []string{"acme-dev-global", "acme-dev-secondary"}) {
		t.Errorf("acme-dev-primary's remote-state consumers %v", consumers)
	}
	if c := fake.ws["acme-dev-global"].Consumers; len(c) != 0 {
		t.Errorf("acme-dev-global shares its state with %v, want nobody", c)
	}

	before := len(fake.writes)
	log.Reset()
	if err := Sync(context.Background(), client, testFile(), true, &log); err != nil {
		t.Fatal(err)
	}
	if len(fake.writes) != before || log.Len() != 0 {
		t.Errorf("a second run changed %v:\n%s", fake.writes[before:], log.String())
	}

	f := testFile()
	f.Workspaces[1].Variables[1].Value = "arn:aws:iam::222222222222:role/other"
	if err := Sync(context.Background(), client, f, true, &log); err != nil {
		t.Fatal(err)
	}
	id := fake.ws["acme-dev-secondary"].ID
	if got := fake.writes[len(fake.writes)-1]; !strings.HasPrefix(got, "PATCH /api/v2/workspaces/"+id+"/vars/") {
		t.Errorf("a changed variable was written by %s, want a PATCH of the variable", got)
	}
	if v := fake.vars[id]["TFC_AWS_RUN_ROLE_ARN"]; v.Value != "arn:aws:iam::222222222222:role/other" {
		t.Errorf("TFC_AWS_RUN_ROLE_ARN is %q after the update", v.Value)
	}
}
