// Package tfetest is a local fake of the parts of the HCP Terraform API
// that the workspaces tool uses, for tests.
package tfetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Token is the API token the fake accepts.
const Token = "test-token"

// Fake is a local stand-in for the parts of the HCP Terraform API that
// Sync uses, answering JSON:API documents of the shapes the API docs give
// (projects, workspaces, vars, remote-state-consumers relationships). It
// checks the request bodies it is sent and fails the test on anything else.
type Fake struct {
	t        *testing.T
	mu       sync.Mutex
	Projects map[string]string         // name -> id
	WS       map[string]*Workspace     // name -> workspace
	Vars     map[string]map[string]Var // workspace id -> key -> var
	Writes   []string                  // "METHOD path" of every change
}

// Workspace is a workspace the fake holds.
type Workspace struct {
	ID, Name, ExecutionMode, ProjectID string
	GlobalRemoteState                  bool
	Consumers                          []string // ids
}

// Var is a workspace variable the fake holds.
type Var struct{ ID, Key, Value, Category string }

// NewServer starts a fake API for the test; its URL is the address to use
// with Token as the token.
func NewServer(t *testing.T) (*Fake, *httptest.Server) {
	f := &Fake{t: t, Projects: map[string]string{}, WS: map[string]*Workspace{}, Vars: map[string]map[string]Var{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

// ByID is the workspace with that id, nil if none.
func (f *Fake) ByID(id string) *Workspace {
	for _, w := range f.WS {
		if w.ID == id {
			return w
		}
	}
	return nil
}

func (f *Fake) wsDoc(w *Workspace) map[string]any {
	rel := map[string]any{}
	if w.ProjectID != "" {
		rel["project"] = map[string]any{"data": map[string]any{"type": "projects", "id": w.ProjectID}}
	}
	return map[string]any{"type": "workspaces", "id": w.ID, "attributes": map[string]any{
		"name": w.Name, "execution-mode": w.ExecutionMode, "global-remote-state": w.GlobalRemoteState,
	}, "relationships": rel}
}

func (f *Fake) serve(rw http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.t
	if r.Header.Get("Authorization") != "Bearer "+Token {
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
		f.Writes = append(f.Writes, r.Method+" "+r.URL.Path)
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
		if id, ok := f.Projects[r.URL.Query().Get("filter[names]")]; ok {
			items = append(items, map[string]any{"type": "projects", "id": id, "attributes": map[string]any{"name": r.URL.Query().Get("filter[names]")}})
		}
		reply(200, map[string]any{"data": orNil(items)})
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "organizations" && parts[2] == "projects":
		data := f.data(body, "projects")
		name, _ := data["attributes"].(map[string]any)["name"].(string)
		id := fmt.Sprintf("prj-%d", len(f.Projects)+1)
		f.Projects[name] = id
		reply(201, map[string]any{"data": map[string]any{"type": "projects", "id": id, "attributes": map[string]any{"name": name}}})
	case r.Method == "GET" && len(parts) == 4 && parts[0] == "organizations" && parts[2] == "workspaces":
		w := f.WS[parts[3]]
		if w == nil {
			reply(404, map[string]any{"errors": []any{map[string]any{"status": "404", "title": "not found"}}})
			return
		}
		reply(200, map[string]any{"data": f.wsDoc(w)})
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "organizations" && parts[2] == "workspaces":
		data := f.data(body, "workspaces")
		attrs := data["attributes"].(map[string]any)
		w := &Workspace{ID: fmt.Sprintf("ws-%d", len(f.WS)+1), Name: attrs["name"].(string)}
		w.ExecutionMode, _ = attrs["execution-mode"].(string)
		w.GlobalRemoteState, _ = attrs["global-remote-state"].(bool)
		w.ProjectID = projectOf(data)
		f.WS[w.Name] = w
		reply(201, map[string]any{"data": f.wsDoc(w)})
	case r.Method == "PATCH" && len(parts) == 2 && parts[0] == "workspaces":
		w := f.ByID(parts[1])
		data := f.data(body, "workspaces")
		attrs := data["attributes"].(map[string]any)
		w.ExecutionMode, _ = attrs["execution-mode"].(string)
		w.GlobalRemoteState, _ = attrs["global-remote-state"].(bool)
		w.ProjectID = projectOf(data)
		reply(200, map[string]any{"data": f.wsDoc(w)})
	case len(parts) == 3 && parts[0] == "workspaces" && parts[2] == "vars":
		vars := f.Vars[parts[1]]
		if vars == nil {
			vars = map[string]Var{}
			f.Vars[parts[1]] = vars
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
		v := Var{ID: fmt.Sprintf("var-%s-%d", parts[1], len(vars)+1), Key: attrs["key"].(string), Value: attrs["value"].(string), Category: attrs["category"].(string)}
		vars[v.Key] = v
		reply(201, map[string]any{"data": map[string]any{"type": "vars", "id": v.ID, "attributes": map[string]any{"key": v.Key, "value": v.Value, "category": v.Category}}})
	case r.Method == "PATCH" && len(parts) == 4 && parts[0] == "workspaces" && parts[2] == "vars":
		attrs := f.data(body, "vars")["attributes"].(map[string]any)
		for key, v := range f.Vars[parts[1]] {
			if v.ID == parts[3] {
				v.Value, v.Category = attrs["value"].(string), attrs["category"].(string)
				f.Vars[parts[1]][key] = v
				reply(200, map[string]any{"data": map[string]any{"type": "vars", "id": v.ID, "attributes": map[string]any{"key": v.Key, "value": v.Value, "category": v.Category}}})
				return
			}
		}
		reply(404, map[string]any{"errors": []any{map[string]any{"status": "404"}}})
	case len(parts) == 4 && parts[0] == "workspaces" && parts[2] == "relationships" && parts[3] == "remote-state-consumers":
		w := f.ByID(parts[1])
		if r.Method == "GET" {
			var items []any
			for _, id := range w.Consumers {
				items = append(items, f.wsDoc(f.ByID(id)))
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
			if m["type"] != "workspaces" || f.ByID(fmt.Sprint(m["id"])) == nil {
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
func (f *Fake) data(body map[string]any, typ string) map[string]any {
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
