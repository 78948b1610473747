package cost

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteSummary prints one block per environment: the monthly total, each
// stack's share and the top cost drivers.
func WriteSummary(w io.Writer, estimates []*Estimate, top int) {
	width := len("environment / stack")
	for _, e := range estimates {
		for _, s := range e.Stacks {
			width = max(width, len(s.Name)+2)
		}
	}
	fmt.Fprintf(w, "%-*s  %12s\n", width, "environment / stack", "monthly USD")
	for _, e := range estimates {
		fmt.Fprintf(w, "%-*s  %12s\n", width, e.Env, money(e.Monthly))
		for _, s := range e.Stacks {
			fmt.Fprintf(w, "%-*s  %12s\n", width, "  "+s.Name, money(s.Monthly))
		}
	}
	for _, e := range estimates {
		var drivers []string
		for _, s := range e.Top(top) {
			drivers = append(drivers, fmt.Sprintf("%s %s", s.Name, money(s.Monthly)))
		}
		fmt.Fprintf(w, "%s top cost drivers: %s\n", e.Env, strings.Join(drivers, ", "))
		if len(e.Unpriced) > 0 {
			fmt.Fprintf(w, "%s: NOT PRICED (left out of the total): %s\n", e.Env, strings.Join(e.Unpriced, ", "))
		}
	}
	if len(estimates) > 0 && estimates[0].Prices != nil {
		fmt.Fprintf(w, "prices read %s (%s); usage assumptions from each environment's usage section (docs/cost.md)\n", estimates[0].Prices.Read, PricesFile)
	}
}

// WriteBill prints an estimate's bill of materials: every line, by stack,
// then the cost drivers.
func WriteBill(w io.Writer, e *Estimate) {
	fmt.Fprintf(w, "%s: %s a month (prices read %s, %s)\n\n", e.Env, money(e.Monthly), e.Prices.Read, PricesFile)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "stack\tregion\tservice\titem\tquantity\tunit\tunit USD\tmonthly USD\t")
	lines := slices.Clone(e.Lines)
	slices.SortStableFunc(lines, func(a, b Line) int { return strings.Compare(a.Stack, b.Stack) })
	for _, l := range lines {
		usage := ""
		if l.FromUsage {
			usage = " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%g%s\t%s\t%g\t%.2f\t\n", l.Stack, l.Region, l.Service, l.Item, l.Quantity, usage, l.Unit, l.UnitPrice, l.Monthly)
	}
	tw.Flush()
	fmt.Fprintln(w, "\n* quantity from the usage assumptions (usage section of the environment file; defaults in docs/cost.md)")
	fmt.Fprintln(w)
	WriteSummary(w, []*Estimate{e}, 8)
}

// WriteJSON writes estimates as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// money formats dollars with cents and thousands separators.
func money(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	whole, cents, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 && whole[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return "$" + b.String() + "." + cents
}
