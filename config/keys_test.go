package config

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// keysDoc is the generated reference of every key the decoder accepts.
const keysDoc = "../docs/config-keys.md"

// TestConfigKeysDoc: docs/config-keys.md is the table of every key the
// decoder accepts, generated from the config types and their doc comments,
// so a key cannot be undocumented nor a documented key missing.
// Regenerate with UPDATE_DOCS=1 go test ./config -run TestConfigKeysDoc.
func TestConfigKeysDoc(t *testing.T) {
	docs, err := fieldDocs(".")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("# Config keys\n\n" +
		"Every key of `config/environments/<customer>-<env>.yaml`, generated from the config types\n" +
		"(`config/*.go`) and their doc comments by `UPDATE_DOCS=1 go test ./config -run TestConfigKeysDoc`;\n" +
		"a test fails when this file and the types differ. Rules and examples: [config.md](config.md).\n\n" +
		"| key | type | meaning, default |\n|---|---|---|\n")
	var missing []string
	writeKeys(&b, reflect.TypeOf(Environment{}), "", docs, &missing)
	got := b.String()
	if len(missing) > 0 {
		t.Errorf("keys without a doc comment on their field (write one): %s", strings.Join(missing, ", "))
	}
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(keysDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(keysDoc)
	if err != nil {
		t.Fatalf("%v (generate it: UPDATE_DOCS=1 go test ./config -run TestConfigKeysDoc)", err)
	}
	if string(want) != got {
		t.Errorf("%s is not the table of the config types: regenerate it with UPDATE_DOCS=1 go test ./config -run TestConfigKeysDoc and review the diff", keysDoc)
	}
}

// writeKeys writes a row per yaml key of struct type t under prefix.
func writeKeys(b *strings.Builder, t reflect.Type, prefix string, docs map[string]string, missing *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if opts == "inline" {
			writeKeys(b, ft, prefix, docs, missing)
			continue
		}
		key := prefix + name
		doc := docs[t.Name()+"."+f.Name]
		if ft.Kind() == reflect.Struct && (doc == "" || docs[t.Name()+"."+f.Name+" shared"] != "") {
			doc = docs[ft.Name()] // a section: its type's comment, not its neighbour's
		}
		if doc == "" {
			*missing = append(*missing, key)
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", key, typeName(ft), strings.ReplaceAll(doc, "|", `\|`))
		switch {
		case ft.Kind() == reflect.Struct:
			writeKeys(b, ft, key+".", docs, missing)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			writeKeys(b, ft.Elem(), key+"[].", docs, missing)
		case ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct:
			writeKeys(b, ft.Elem(), key+".<name>.", docs, missing)
		}
	}
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return "section"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "true/false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Struct {
			return "list of sections"
		}
		return "list of " + typeName(t.Elem()) + "s"
	case reflect.Map:
		return "map of " + typeName(t.Elem()) + "s"
	}
	return t.Kind().String()
}

// fieldDocs reads the doc comments of dir's struct types and fields:
// "Type" and "Type.Field" to the comment as one line.
func fieldDocs(dir string) (map[string]string, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	fset := token.NewFileSet()
	docs := map[string]string{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range g.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok {
					continue
				}
				docs[ts.Name.Name] = oneLine(g.Doc)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				prevDoc, prevLine := "", 0
				for _, field := range st.Fields.List {
					doc := oneLine(field.Doc)
					if doc == "" {
						doc = oneLine(field.Comment)
					}
					// A field right below a documented one, with no blank
					// line between, shares its comment (CPU and Memory).
					line := fset.Position(field.Pos()).Line
					if doc == "" && line == prevLine+1 {
						doc = prevDoc
						for _, n := range field.Names {
							docs[ts.Name.Name+"."+n.Name+" shared"] = "yes"
						}
					}
					prevDoc, prevLine = doc, line
					for _, n := range field.Names {
						docs[ts.Name.Name+"."+n.Name] = doc
					}
				}
			}
		}
	}
	return docs, nil
}

func oneLine(c *ast.CommentGroup) string {
	if c == nil {
		return ""
	}
	return strings.Join(strings.Fields(c.Text()), " ")
}

// TestDocumentedKeysExist: every config key the docs name (a backticked
// `section.key` whose section is a top-level key) is a key the decoder
// accepts, so no page documents a key that does not exist.
func TestDocumentedKeysExist(t *testing.T) {
	docs, err := fieldDocs(".")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var missing []string
	writeKeys(&b, reflect.TypeOf(Environment{}), "", docs, &missing)
	keys := map[string]bool{}
	for _, line := range strings.Split(b.String(), "\n") {
		if k, ok := strings.CutPrefix(line, "| `"); ok {
			k, _, _ = strings.Cut(k, "`")
			keys[k] = true
		}
	}
	top := map[string]bool{}
	for k := range keys {
		if !strings.ContainsAny(k, ".[") {
			top[k] = true
		}
	}
	token := regexp.MustCompile("`([a-z_]+)((?:\\.[a-z_]+)+)`")
	pages, _ := filepath.Glob("../docs/*.md")
	pages = append(pages, "../README.md")
	checked := 0
	for _, page := range pages {
		if strings.HasSuffix(page, "config-keys.md") {
			continue
		}
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range token.FindAllStringSubmatch(string(data), -1) {
			if !top[m[1]] {
				continue // a file name, a service name, a key relative to a section
			}
			checked++
			if k := m[1] + m[2]; !keys[k] && !keys[strings.Replace(k, "monitoring.alarms.", "monitoring.alarms.<name>.", 1)] {
				t.Errorf("%s documents %s, which is not a config key (see docs/config-keys.md)", page, k)
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d documented keys found: the pattern no longer matches the docs", checked)
	}
}
