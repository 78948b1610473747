// Package diagram draws an environment's architecture from its synthesized
// stacks (the cdk.tf.json files cdktf writes): regions, VPC tiers and AZs,
// load balancers, services, databases, registries, source repositories,
// the pipeline and the global edge, with every cross-region and cross-stack
// link labelled. It writes the picture as Mermaid and renders it as SVG with
// Graphviz (compiled to WebAssembly, so no system package is needed).
//
// Nothing here is drawn by hand: what is not in the stacks is not in the
// picture, and a stack that gains a resource of a drawn kind (a pipeline in
// another region, say) shows it without a change here.
package diagram

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Stack is one synthesized stack: its name and its cdk.tf.json.
type Stack struct {
	Name string
	JSON []byte
}

// resource is one resource block of a stack.
type resource struct {
	stack  *stackDoc
	typ    string
	name   string
	attrs  map[string]any
	region string // of its provider configuration
}

// addr is the resource's address in its stack, e.g. aws_lb.alb.
func (r *resource) addr() string { return r.typ + "." + r.name }

// key identifies the resource across stacks.
func (r *resource) key() string { return r.stack.name + "/" + r.addr() }

func (r *resource) str(name string) string {
	s, _ := r.attrs[name].(string)
	return s
}

func (r *resource) num(name string) float64 {
	switch v := r.attrs[name].(type) {
	case float64:
		return v
	case string:
		var f float64
		fmt.Sscan(v, &f)
		return f
	}
	return 0
}

func (r *resource) tag(name string) string {
	tags, _ := r.attrs["tags"].(map[string]any)
	s, _ := tags[name].(string)
	return s
}

// stackDoc is the part of a cdk.tf.json the diagram reads.
type stackDoc struct {
	name      string
	region    string // of the default AWS provider
	resources map[string][]*resource
	outputs   map[string]any    // output name -> value expression
	remote    map[string]string // terraform_remote_state name -> stack name
	byAddr    map[string]*resource
	backend   string // where its state lives, e.g. "local: ../../../state/x.tfstate"
}

// backendLabel says where a stack keeps its state.
func backendLabel(backend map[string]map[string]any, cloud map[string]any) string {
	if cloud != nil {
		ws, _ := cloud["workspaces"].(map[string]any)
		return fmt.Sprintf("HCP Terraform workspace %v", ws["name"])
	}
	for typ, cfg := range backend {
		switch typ {
		case "local":
			return fmt.Sprintf("local: %v", cfg["path"])
		case "s3":
			return fmt.Sprintf("s3://%v/%v", cfg["bucket"], cfg["key"])
		}
		return typ
	}
	return "local"
}

// parseStack reads one stack's JSON.
func parseStack(s Stack) (*stackDoc, error) {
	var doc struct {
		Terraform struct {
			Backend map[string]map[string]any `json:"backend"`
			Cloud   map[string]any            `json:"cloud"`
		} `json:"terraform"`
		Provider struct {
			AWS []map[string]any `json:"aws"`
		} `json:"provider"`
		Resource map[string]map[string]map[string]any `json:"resource"`
		Output   map[string]struct {
			Value any `json:"value"`
		} `json:"output"`
		Data struct {
			RemoteState map[string]struct {
				Config map[string]any `json:"config"`
			} `json:"terraform_remote_state"`
		} `json:"data"`
	}
	if err := json.Unmarshal(s.JSON, &doc); err != nil {
		return nil, fmt.Errorf("stack %s: %w", s.Name, err)
	}
	d := &stackDoc{name: s.Name, resources: map[string][]*resource{}, outputs: map[string]any{},
		remote: map[string]string{}, byAddr: map[string]*resource{}}
	d.backend = backendLabel(doc.Terraform.Backend, doc.Terraform.Cloud)
	regions := map[string]string{}
	for _, p := range doc.Provider.AWS {
		alias, _ := p["alias"].(string)
		region, _ := p["region"].(string)
		if alias == "" {
			d.region = region
			regions["aws"] = region
		} else {
			regions["aws."+alias] = region
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(doc.Resource)) {
		for _, name := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			attrs := doc.Resource[typ][name]
			p, _ := attrs["provider"].(string)
			region := d.region
			if r, ok := regions[p]; ok {
				region = r
			}
			r := &resource{stack: d, typ: typ, name: name, attrs: attrs, region: region}
			d.resources[typ] = append(d.resources[typ], r)
			d.byAddr[r.addr()] = r
		}
	}
	for name, o := range doc.Output {
		d.outputs[name] = o.Value
	}
	for name, rs := range doc.Data.RemoteState {
		d.remote[name] = remoteStack(name, rs.Config)
	}
	return d, nil
}

// remoteStack is the stack a terraform_remote_state reads: the workspace of
// a cloud backend, the <stack> of a local path state/<stack>.tfstate or an
// S3 key <stack>/terraform.tfstate, else cdktf's data source name
// (cross-stack-reference-input-<stack>).
func remoteStack(name string, cfg map[string]any) string {
	if ws, ok := cfg["workspaces"].(map[string]any); ok {
		if n, ok := ws["name"].(string); ok {
			return n
		}
	}
	if p, ok := cfg["path"].(string); ok && strings.HasSuffix(p, ".tfstate") {
		base := p[strings.LastIndex(p, "/")+1:]
		return strings.TrimSuffix(base, ".tfstate")
	}
	if k, ok := cfg["key"].(string); ok && strings.HasSuffix(k, "/terraform.tfstate") {
		return strings.TrimSuffix(k, "/terraform.tfstate")
	}
	return strings.TrimPrefix(name, "cross-stack-reference-input-")
}

var (
	resourceRef = regexp.MustCompile(`\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)`)
	remoteRef   = regexp.MustCompile(`data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
)

// ref is a reference from one resource's attributes to another resource.
type ref struct {
	to     *resource
	remote bool // through another stack's outputs
}

// env is every stack of one environment, for resolving references.
type env struct {
	stacks []*stackDoc
	byName map[string]*stackDoc
}

// refs returns the resources that v (an attribute value of a resource of
// stack d) refers to, directly or through a remote state's outputs, in the
// order they appear. References to stacks outside the environment come back
// as external stack names.
func (e *env) refs(d *stackDoc, v any) (out []ref, external []string) {
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			for _, m := range remoteRef.FindAllStringSubmatch(v, -1) {
				stack := d.remote[m[1]]
				other, ok := e.byName[stack]
				if !ok {
					external = append(external, stack)
					continue
				}
				for _, r := range other.direct(other.outputs[m[2]]) {
					out = append(out, ref{to: r, remote: true})
				}
			}
			for _, r := range d.direct(remoteRef.ReplaceAllString(v, "")) {
				out = append(out, ref{to: r})
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				if k != "//" {
					walk(v[k])
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return out, external
}

// direct returns the resources of d that v names.
func (d *stackDoc) direct(v any) []*resource {
	s, _ := v.(string)
	var out []*resource
	for _, m := range resourceRef.FindAllStringSubmatch(s, -1) {
		if r, ok := d.byAddr[m[1]+"."+m[2]]; ok {
			out = append(out, r)
		}
	}
	return out
}

// all returns every resource of type typ in the environment, stacks in order.
func (e *env) all(typ string) []*resource {
	var out []*resource
	for _, d := range e.stacks {
		out = append(out, d.resources[typ]...)
	}
	return out
}
