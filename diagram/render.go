package diagram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"
)

// style is how one kind of node or cluster looks.
type style struct {
	shape, fill, border string
}

var nodeStyles = map[string]style{
	"lb":       {"box", "#e8f0fe", "#3367d6"},
	"service":  {"box", "#fff4e5", "#e8710a"},
	"database": {"cylinder", "#e6f4ea", "#188038"},
	"registry": {"box", "#f3e8fd", "#8430ce"},
	"repo":     {"box", "#f3e8fd", "#8430ce"},
	"build":    {"box", "#f3e8fd", "#8430ce"},
	"bucket":   {"box", "#f3e8fd", "#8430ce"},
	"stage":    {"box", "#fce8e6", "#c5221f"},
	"cdn":      {"box", "#e8f0fe", "#3367d6"},
	"waf":      {"box", "#fce8e6", "#c5221f"},
	"dns":      {"box", "#e6f4ea", "#188038"},
	"health":   {"box", "#e6f4ea", "#188038"},
	"trail":    {"box", "#f1f3f4", "#5f6368"},
	"nat":      {"box", "#f1f3f4", "#5f6368"},
	"endpoint": {"box", "#f1f3f4", "#5f6368"},
	"external": {"box", "#ffffff", "#5f6368"},
	"state":    {"note", "#fffde7", "#b08d00"},
	"peering":  {"box", "#f5f9ff", "#3367d6"},
}

var clusterStyles = map[string]style{
	"stack":    {"", "#fafafa", "#202124"},
	"vpc":      {"", "#f5f9ff", "#3367d6"},
	"tier":     {"", "#ffffff", "#9aa0a6"},
	"pipeline": {"", "#fff8f7", "#c5221f"},
}

var clusterFontSize = map[string]int{"stack": 16, "vpc": 13, "tier": 11, "pipeline": 12}

// Mermaid writes the graph as a Mermaid flowchart.
func (g *Graph) Mermaid() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "---\ntitle: %s (generated from the synthesized stacks by go run ./cmd/diagram)\n---\n", g.Title)
	b.WriteString("flowchart TB\n")
	var cluster func(c *Cluster, indent string)
	cluster = func(c *Cluster, indent string) {
		for _, n := range c.Nodes {
			open, close := "[", "]"
			if nodeStyles[n.Kind].shape == "cylinder" {
				open, close = "[(", ")]"
			}
			fmt.Fprintf(&b, "%s%s%s\"%s\"%s\n", indent, n.ID, open, mermaidText(strings.Join(n.Lines, "<br/>")), close)
		}
		for _, k := range c.Clusters {
			if k.empty() {
				continue
			}
			fmt.Fprintf(&b, "%ssubgraph %s[\"%s\"]\n", indent, k.ID, mermaidText(k.Label))
			cluster(k, indent+"  ")
			fmt.Fprintf(&b, "%send\n", indent)
		}
	}
	cluster(&g.Root, "  ")
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Cross {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", e.From, arrow, mermaidText(e.Label), e.To)
	}
	for _, kind := range slices.Sorted(maps.Keys(nodeStyles)) {
		s := nodeStyles[kind]
		fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:%s\n", kind, s.fill, s.border)
	}
	var classes func(c *Cluster)
	classes = func(c *Cluster) {
		for _, n := range c.Nodes {
			fmt.Fprintf(&b, "  class %s %s\n", n.ID, n.Kind)
		}
		for _, k := range c.Clusters {
			classes(k)
		}
	}
	classes(&g.Root)
	return b.Bytes()
}

func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;").Replace(s)
}

// DOT writes the graph in Graphviz's language. Clusters get a hidden anchor
// node so that edges can end at a cluster's border (compound edges).
func (g *Graph) DOT() []byte { return g.dot(false) }

// dot writes the DOT text; reversed declares the regional stacks last to
// first (see SVG).
func (g *Graph) dot(reversed bool) []byte {
	var b bytes.Buffer
	b.WriteString("digraph G {\n")
	fmt.Fprintf(&b, "  graph [label=%s, labelloc=t, fontsize=20, fontname=\"DejaVu Sans\", compound=true, newrank=true, rankdir=TB, nodesep=0.35, ranksep=0.55, pad=0.3];\n",
		dotString(g.Title+" (generated from the synthesized stacks)"))
	b.WriteString("  node [shape=box, style=\"rounded,filled\", fontname=\"DejaVu Sans\", fontsize=11, margin=\"0.15,0.06\"];\n")
	b.WriteString("  edge [fontname=\"DejaVu Sans\", fontsize=10, color=\"#5f6368\", fontcolor=\"#202124\"];\n")
	clusterIDs := map[string]string{} // cluster id -> anchor node
	var cluster func(c *Cluster, indent string)
	cluster = func(c *Cluster, indent string) {
		for _, n := range c.Nodes {
			s := nodeStyles[n.Kind]
			label := dotString(strings.Join(n.Lines, "\n"))
			shapeStyle := "rounded,filled"
			if s.shape != "box" {
				shapeStyle = "filled"
			}
			fmt.Fprintf(&b, "%s%s [label=%s, shape=%s, style=%q, fillcolor=%q, color=%q];\n", indent, n.ID, label, s.shape, shapeStyle, s.fill, s.border)
		}
		for _, k := range c.Clusters {
			if k.empty() {
				continue
			}
			s := clusterStyles[k.Kind]
			fmt.Fprintf(&b, "%ssubgraph cluster_%s {\n", indent, k.ID)
			fmt.Fprintf(&b, "%s  label=%s; style=\"rounded,filled\"; fillcolor=%q; color=%q; fontname=\"DejaVu Sans\"; fontsize=%d; labeljust=l;\n",
				indent, dotString(k.Label), s.fill, s.border, clusterFontSize[k.Kind])
			cluster(k, indent+"  ")
			fmt.Fprintf(&b, "%s}\n", indent)
			clusterIDs[k.ID] = anchor(k)
		}
	}
	root := g.Root
	if reversed {
		root.Clusters = slices.Clone(root.Clusters)
		if first := slices.IndexFunc(root.Clusters, func(k *Cluster) bool { return k.Row == 1 }); first >= 0 {
			slices.Reverse(root.Clusters[first:])
		}
	}
	cluster(&root, "  ")
	// Tiers of a VPC one above the other (public, private, database), as
	// the subnets are routed: invisible edges that only order the layout.
	var order func(c *Cluster)
	order = func(c *Cluster) {
		var prev *Cluster
		for _, k := range c.Clusters {
			if k.Kind == "tier" && !k.empty() {
				if prev != nil {
					fmt.Fprintf(&b, "  %s -> %s [style=invis];\n", anchor(prev), anchor(k))
				}
				prev = k
			}
			order(k)
		}
	}
	order(&g.Root)
	// Global stacks above the regional ones: every node of a row-0 stack
	// above a hidden point, every node of a row-1 stack below it.
	var rows [2][]*Node
	for _, k := range g.Root.Clusters {
		if k.Kind == "stack" && k.Row >= 0 && k.Row < 2 {
			rows[k.Row] = append(rows[k.Row], k.allNodes()...)
		}
	}
	upward := map[string]bool{} // edges from a row-1 node to a row-0 node
	if len(rows[0]) > 0 && len(rows[1]) > 0 {
		// ordering=out keeps the hidden point's edges, and so the regional
		// stacks, in the order given: primary on the left.
		b.WriteString("  rows [shape=point, style=invis, width=0, height=0, label=\"\", ordering=out];\n")
		for _, n := range rows[0] {
			fmt.Fprintf(&b, "  %s -> rows [style=invis];\n", n.ID)
		}
		for _, n := range rows[1] {
			fmt.Fprintf(&b, "  rows -> %s [style=invis];\n", n.ID)
		}
		top := map[string]bool{}
		for _, n := range rows[0] {
			top[n.ID] = true
		}
		for _, n := range rows[1] {
			for _, e := range g.Edges {
				if e.From == n.ID && top[e.To] {
					upward[e.From+">"+e.To] = true
				}
			}
		}
	}
	for _, e := range g.Edges {
		from, to := e.From, e.To
		var attrs []string
		if a, ok := clusterIDs[from]; ok {
			from = a
			attrs = append(attrs, "ltail=cluster_"+e.From)
		}
		if a, ok := clusterIDs[to]; ok {
			to = a
			attrs = append(attrs, "lhead=cluster_"+e.To)
		}
		attrs = append(attrs, "label="+dotString(" "+e.Label+" "))
		if e.Cross {
			attrs = append(attrs, "style=dashed", "color=\"#c5221f\"", "fontcolor=\"#c5221f\"")
		}
		if e.Loose || upward[e.From+">"+e.To] {
			attrs = append(attrs, "constraint=false")
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", from, to, strings.Join(attrs, ", "))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// anchor is a node inside cluster c (its first, depth first).
func anchor(c *Cluster) string {
	if len(c.Nodes) > 0 {
		return c.Nodes[0].ID
	}
	for _, k := range c.Clusters {
		if a := anchor(k); a != "" {
			return a
		}
	}
	return ""
}

// dotString quotes s for DOT; a newline in s becomes a line break.
func dotString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// SVG lays the graph out with Graphviz (dot) and renders it as SVG. The
// regional stacks should read left to right in the order given (primary
// first); dot's crossing minimization may mirror them, whichever order they
// are declared in, so when the first layout has them the other way round the
// declaration is reversed and the one that reads in order is kept.
func (g *Graph) SVG(ctx context.Context) ([]byte, error) {
	var first []byte
	for _, reversed := range []bool{false, true} {
		svg, err := g.render(ctx, g.dot(reversed))
		if err != nil {
			return nil, err
		}
		if g.inOrder(svg) {
			return svg, nil
		}
		if first == nil {
			first = svg
		}
	}
	return first, nil
}

// clusterPath finds each cluster's outline in an SVG of dot's.
var (
	clusterPath = regexp.MustCompile(`<title>cluster_([A-Za-z0-9_]+)</title>\s*<path[^>]* d="([^"]*)"`)
	pointX      = regexp.MustCompile(`(-?[0-9.]+),-?[0-9.]+`)
)

// inOrder reports whether the regional stack clusters appear left to right
// in the graph's order.
func (g *Graph) inOrder(svg []byte) bool {
	left := map[string]float64{}
	for _, m := range clusterPath.FindAllSubmatch(svg, -1) {
		x := math.Inf(1)
		for _, p := range pointX.FindAllSubmatch(m[2], -1) {
			if v, err := strconv.ParseFloat(string(p[1]), 64); err == nil {
				x = min(x, v)
			}
		}
		left[string(m[1])] = x
	}
	prev := math.Inf(-1)
	for _, k := range g.Root.Clusters {
		if k.Row != 1 || k.empty() {
			continue
		}
		x, ok := left[k.ID]
		if !ok || x < prev {
			return false
		}
		prev = x
	}
	return true
}

// go-graphviz runs Graphviz in one WebAssembly module per process, and each
// Graphviz context it opens keeps memory there even after Close: a process
// that opens one per picture runs out after a few pictures (the parser then
// returns no graph and no error). So one context serves every picture, one
// render at a time.
var (
	gvMu   sync.Mutex
	gvOnce sync.Once
	gv     *graphviz.Graphviz
	gvErr  error
)

func (g *Graph) render(ctx context.Context, dot []byte) ([]byte, error) {
	gvMu.Lock()
	defer gvMu.Unlock()
	gvOnce.Do(func() { gv, gvErr = graphviz.New(ctx) })
	if gvErr != nil {
		return nil, gvErr
	}
	graph, err := graphviz.ParseBytes(dot)
	if err == nil && graph == nil {
		err = errors.New("graphviz parsed no graph")
	}
	if err != nil {
		return nil, fmt.Errorf("diagram of %s: %w", g.Title, err)
	}
	defer graph.Close()
	var out bytes.Buffer
	if err := gv.Render(ctx, graph, graphviz.SVG, &out); err != nil {
		return nil, fmt.Errorf("rendering the diagram of %s: %w", g.Title, err)
	}
	return out.Bytes(), nil
}
