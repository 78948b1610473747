package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlInput is what the YAML structure of a file says before it is decoded
// into an Environment: problems of the file as a whole (a second document,
// a key set twice, an unquoted account id), the dotted path of the key on
// each line (for decoder errors, which give lines), and the fields already
// reported, whose validation would only repeat them.
type yamlInput struct {
	problems Problems
	pathAt   map[int]string
	reported map[string]bool
}

// inspectYAML reads data's structure. A file that is not YAML at all gives
// an error (reported as such by the caller).
func inspectYAML(path string, data []byte) (*yamlInput, error) {
	in := &yamlInput{pathAt: map[int]string{}, reported: map[string]bool{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return in, nil // empty: the required keys say what is missing
		}
		return nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err == nil && emptyDocument(&next) {
			return in, in.walk(path, &doc) // a bare trailing ---
		}
		line := 0
		if err == nil {
			line = next.Content[0].Line
		}
		where := "a second document follows"
		if line > 0 {
			where = fmt.Sprintf("a second document starts at line %d", line)
		}
		in.problems = append(in.problems, Problem{File: path, Field: "(file)", Value: "---",
			Want: "one environment per file, one YAML document: " + where + "; put it in a <customer>-<env>.yaml of its own"})
	}
	return in, in.walk(path, &doc)
}

func emptyDocument(d *yaml.Node) bool {
	if len(d.Content) == 0 {
		return true
	}
	n := d.Content[0]
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

// walk records key paths and reports keys set twice and an unquoted account_id.
func (in *yamlInput) walk(path string, doc *yaml.Node) error {
	if len(doc.Content) == 0 {
		return nil
	}
	var visit func(n *yaml.Node, prefix string)
	visit = func(n *yaml.Node, prefix string) {
		switch n.Kind {
		case yaml.MappingNode:
			seen := map[string]int{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if prefix != "" {
					p = prefix + "." + k.Value
				}
				if _, ok := in.pathAt[k.Line]; !ok {
					in.pathAt[k.Line] = p
				}
				if first, dup := seen[k.Value]; dup {
					in.problems = append(in.problems, Problem{File: path, Field: p, Value: scalar(v),
						Want: fmt.Sprintf("each key once: %s is already set at line %d (line %d sets it again)", k.Value, first, k.Line)})
					in.reported[p] = true
					continue
				}
				seen[k.Value] = k.Line
				visit(v, p)
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				p := fmt.Sprintf("%s[%d]", prefix, i)
				if _, ok := in.pathAt[item.Line]; !ok {
					in.pathAt[item.Line] = p
				}
				visit(item, p)
			}
		}
	}
	root := doc.Content[0]
	visit(root, "")
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			if k.Value == "account_id" && v.Kind == yaml.ScalarNode && v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 && v.Tag != "!!null" {
				in.problems = append(in.problems, Problem{File: path, Field: "account_id", Value: v.Value,
					Want: fmt.Sprintf("a quoted 12-digit string, e.g. account_id: %q (unquoted, YAML reads a number, which can lose leading zeros)", pad12(v.Value))})
				in.reported["account_id"] = true
				break
			}
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return "(" + map[yaml.Kind]string{yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}[n.Kind] + ")"
}

func pad12(v string) string {
	if _, err := strconv.ParseUint(v, 10, 64); err == nil && len(v) < 12 {
		return strings.Repeat("0", 12-len(v)) + v
	}
	return v
}

var (
	unknownFieldRe = regexp.MustCompile(`line (\d+): field (\S+) not found in type config\.(\w+)`)
	typeErrorRe    = regexp.MustCompile(`line (\d+): cannot unmarshal !!(\w+)(?: ` + "`" + `([^` + "`" + `]*)` + "`" + `)? into (\S+)`)
	duplicateRe    = regexp.MustCompile(`line (\d+): mapping key "[^"]*" already defined`)
)

// decodeProblems turns yaml.v3's errors into Problems that say what is
// allowed, naming the key path where in knows it.
func (in *yamlInput) decodeProblems(path string, err error) Problems {
	var ps Problems
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return Problems{{File: path, Field: "(file)", Value: "", Want: "valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	field := func(line string) string {
		n, _ := strconv.Atoi(line)
		if p := in.pathAt[n]; p != "" {
			in.reported[p] = true
			return p + " (line " + line + ")"
		}
		return "line " + line
	}
	for _, msg := range te.Errors {
		if duplicateRe.MatchString(msg) {
			continue // reported by walk, with the key's path
		}
		if m := unknownFieldRe.FindStringSubmatch(msg); m != nil {
			ps = append(ps, Problem{File: path, Field: "line " + m[1], Value: m[2],
				Want: "unknown key; allowed here: " + strings.Join(yamlKeys(m[3]), ", ")})
			continue
		}
		if m := typeErrorRe.FindStringSubmatch(msg); m != nil {
			value := m[3]
			if value == "" {
				value = map[string]string{"seq": "(a list)", "map": "(a mapping)"}[m[2]]
			}
			ps = append(ps, Problem{File: path, Field: field(m[1]), Value: value, Want: "a value of type " + m[4]})
			continue
		}
		ps = append(ps, Problem{File: path, Field: "(file)", Want: msg})
	}
	return ps
}

// withoutReported drops validation problems of fields the input problems
// already name (a key set twice, a value of the wrong type): their
// "required" or "invalid" would only repeat them, wrongly.
func (in *yamlInput) withoutReported(ps Problems) Problems {
	var out Problems
	for _, p := range ps {
		if !in.reported[p.Field] {
			out = append(out, p)
		}
	}
	return out
}

// unreadable is the problem of a directory entry that is not a readable file.
func unreadable(path string, err error) Problem {
	want := "a readable file: " + err.Error()
	if info, statErr := os.Stat(path); statErr == nil && info.IsDir() {
		want = "a file: this is a directory (environment files are <customer>-<env>.yaml)"
	} else if target, linkErr := os.Readlink(path); linkErr == nil && statErr != nil {
		want = fmt.Sprintf("a file: a symbolic link to %s, which does not exist", target)
	}
	return Problem{File: path, Field: "(file)", Value: "", Want: want}
}
