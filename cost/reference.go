package cost

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// The reference architecture this platform implements estimates its
// production environment at 400 to 800 USD a month.
const (
	ReferenceLow  = 400
	ReferenceHigh = 800
)

// referenceLines are what the reference estimate counts, each with the
// services of this estimate that bill it.
var referenceLines = []struct {
	item     string
	services []string
}{
	{"ECS Fargate tasks in two regions", []string{svcFargate}},
	{"Application Load Balancers", []string{svcALB}},
	{"RDS PostgreSQL Multi-AZ primary and cross-region replica", []string{svcRDS}},
	{"NAT gateways", []string{svcNAT}},
	{"Data transfer between the regions", []string{svcTransfer}},
	{"CodePipeline and CodeBuild", []string{svcPipeline, svcBuild}},
	{"Route 53", []string{svcRoute53}},
	{"CloudFront", []string{svcCDN}},
	{"CloudWatch", []string{svcAlarms, svcDashboards, svcLogs, svcInsights}},
}

// ReferenceMarker starts the comparison with the reference in the output
// of cmd/cost (and the block of docs/cost.md generated from it).
const ReferenceMarker = "### Against the reference estimate"

// WriteReference prints, as Markdown, the comparison of an environment
// (as configured) with the reference estimate line by line, what the
// reference leaves out, and what the tier's defaults add (the what-if).
func WriteReference(w io.Writer, c *Comparison) {
	sum := func(e *Estimate, names []string) float64 {
		var v float64
		for _, s := range e.Services {
			if slices.Contains(names, s.Name) {
				v += s.Monthly
			}
		}
		return v
	}
	fmt.Fprintf(w, "%s (%s to %s a month)\n\n", ReferenceMarker, money(ReferenceLow), money(ReferenceHigh))
	fmt.Fprintf(w, "| the reference counts | billed here as | %s | with `tier: %s` |\n|---|---|---:|---:|\n", c.Env, c.Tier)
	counted := map[string]bool{}
	var inRef, inRefAlt float64
	for _, l := range referenceLines {
		v, alt := sum(c.AsIs, l.services), sum(c.WhatIf, l.services)
		inRef, inRefAlt = inRef+v, inRefAlt+alt
		for _, s := range l.services {
			counted[s] = true
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", l.item, strings.Join(l.services, ", "), money(v), money(alt))
	}
	fmt.Fprintf(w, "| **subtotal: what the reference counts** | | **%s** | **%s** |\n", money(inRef), money(inRefAlt))
	var names []string
	for _, e := range []*Estimate{c.AsIs, c.WhatIf} {
		for _, s := range e.Services {
			if !counted[s.Name] && !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
	}
	fmt.Fprintf(w, "| **not in the reference:** | | | |\n")
	for _, name := range names {
		fmt.Fprintf(w, "| | %s | %s | %s |\n", name, money(sum(c.AsIs, []string{name})), money(sum(c.WhatIf, []string{name})))
	}
	fmt.Fprintf(w, "| **total** | | **%s** | **%s** |\n\n", money(c.AsIs.Monthly), money(c.WhatIf.Monthly))
	more := "more"
	if c.Difference < 0 {
		more = "less"
	}
	fmt.Fprintf(w, "%s as configured (`tier: %s`) costs %s a month %s than with `tier: %s` (the same file with only its tier changed, synthesized and planned):\n\n", c.Env, c.AsIs.Tier, money(abs(c.Difference)), more, c.Tier)
	fmt.Fprintln(w, "| service | difference |\n|---|---:|")
	for _, s := range c.Services {
		fmt.Fprintf(w, "| %s | %s |\n", s.Name, signed(s.Monthly))
	}
}
