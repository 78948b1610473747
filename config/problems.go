package config

import (
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with one config file.
type Problem struct {
	File  string // path of the file
	Field string // dotted YAML path, e.g. primary.cidr
	Value string // the offending value as written ("" when missing)
	Want  string // what is allowed
}

func (p Problem) String() string {
	field := p.Field
	if field == "" {
		field = "(file)"
	}
	return fmt.Sprintf("%s: %s: %q: %s", p.File, field, p.Value, p.Want)
}

// Problems is every problem found in every file, as one error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("%d problem(s) in the environment config:\n%s", len(ps), strings.Join(lines, "\n"))
}

// fileProblems collects the Problems of one file.
type fileProblems struct {
	file string
	list Problems
}

func (c *fileProblems) add(field string, value any, format string, args ...any) {
	c.list = append(c.list, Problem{File: c.file, Field: field, Value: fmt.Sprint(value), Want: fmt.Sprintf(format, args...)})
}

// between checks that an integer setting lies from lo to hi (unit).
func (c *fileProblems) between(field string, v, lo, hi int, unit string) {
	if v < lo || v > hi {
		c.add(field, v, "%d to %d %s", lo, hi, unit)
	}
}

// customer checks the customer part of a file name, <customer>-<rest>.yaml.
func (c *fileProblems) customer(name, rest string) {
	if !customerRe.MatchString(name) {
		c.add("(file name) customer", name, "the customer part of <customer>-%s.yaml must be 2-12 lower-case letters and digits, starting with a letter", rest)
	}
}

// emails checks a list of e-mail addresses (field[i]): each a plain
// address (ValidEmail), each once; want says what is allowed.
func (c *fileProblems) emails(field string, list []string, want string) {
	seen := map[string]bool{}
	for i, a := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !ValidEmail(a) {
			c.add(f, a, "%s", want)
		}
		if seen[strings.ToLower(a)] {
			c.add(f, a, "each address once")
		}
		seen[strings.ToLower(a)] = true
	}
}

// sortProblems orders by file, then by the order found.
func sortProblems(ps Problems) {
	slices.SortStableFunc(ps, func(a, b Problem) int { return strings.Compare(a.File, b.File) })
}
