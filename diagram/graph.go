package diagram

import (
	"regexp"
	"slices"
	"strings"
)

// Graph is a picture: nested clusters of nodes, and labelled edges.
type Graph struct {
	Title string
	Root  Cluster
	Edges []Edge
}

// Cluster is a box around nodes and other clusters (a stack, a VPC, a tier).
type Cluster struct {
	ID    string
	Label string
	Kind  string // stack, vpc, tier, pipeline: picks the style
	// Row places a stack cluster: row 0 (global services) above row 1
	// (regional stacks, side by side).
	Row      int
	Nodes    []*Node
	Clusters []*Cluster
}

// Node is one drawn thing; Lines are its label, the first line its title.
type Node struct {
	ID    string
	Lines []string
	Kind  string // picks the shape and colour
}

// Edge is a labelled arrow. Cross marks links between stacks or regions
// (drawn dashed); Loose ones do not pull the layout (links drawn across).
type Edge struct {
	From, To string
	Label    string
	Cross    bool
	Loose    bool
}

// add appends a cluster and returns it.
func (c *Cluster) add(id, label, kind string) *Cluster {
	child := &Cluster{ID: id, Label: label, Kind: kind}
	c.Clusters = append(c.Clusters, child)
	return child
}

// node appends a node and returns its id.
func (c *Cluster) node(id, kind string, lines ...string) string {
	c.Nodes = append(c.Nodes, &Node{ID: id, Kind: kind, Lines: lines})
	return id
}

// nodes returns every node of c and its clusters.
func (c *Cluster) allNodes() []*Node {
	out := slices.Clone(c.Nodes)
	for _, k := range c.Clusters {
		out = append(out, k.allNodes()...)
	}
	return out
}

// empty reports whether the cluster draws nothing.
func (c *Cluster) empty() bool {
	for _, k := range c.Clusters {
		if !k.empty() {
			return false
		}
	}
	return len(c.Nodes) == 0
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// nodeID turns a resource key into an identifier both Mermaid and DOT accept.
func nodeID(parts ...string) string {
	return strings.Trim(idUnsafe.ReplaceAllString(strings.Join(parts, "_"), "_"), "_")
}
