package dr

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/multiregion/multiregion/config"
)

// setting is one key of the environment file: path under the root
// mapping, and its value ("" removes the key, which then takes its default).
type setting struct {
	path  []string
	value string
}

// databaseRoles are the settings that describe the database's roles;
// defaults are written as absent keys, so the file after failback is the
// file before failover.
func databaseRoles(writer, state string) []setting {
	w, s := writer, state
	if w == config.RolePrimary {
		w = ""
	}
	if s == config.ReplicaReplicating {
		s = ""
	}
	return []setting{{[]string{"database", "writer"}, w}, {[]string{"database", "replica", "state"}, s}}
}

// rewriteConfig applies settings to the environment file, keeping its
// comments and order. The new text must parse and validate as an
// environment before it replaces the file (written beside it, then renamed:
// a reader never sees half a file). It returns the environment read back.
func rewriteConfig(path string, settings []setting) (*config.Environment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Kind == 0 { // an empty file
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: the environment file is not a YAML mapping", path)
	}
	for _, s := range settings {
		set(doc.Content[0], s.path, s.value)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	env, err := config.Parse(path, out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("the rewritten %s does not validate (left unchanged): %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".dr-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(out.Bytes()); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	return env, os.Rename(tmp.Name(), path)
}

// set sets (or with value "" removes) the key at path under m, creating
// mappings on the way and dropping mappings that end up empty.
func set(m *yaml.Node, path []string, value string) {
	i := keyIndex(m, path[0])
	if len(path) == 1 {
		switch {
		case value == "" && i >= 0:
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
		case value == "":
		case i >= 0:
			m.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Value: value}
		default:
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: path[0]}, &yaml.Node{Kind: yaml.ScalarNode, Value: value})
		}
		return
	}
	if i < 0 {
		if value == "" {
			return
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: path[0]}, &yaml.Node{Kind: yaml.MappingNode})
		i = len(m.Content) - 2
	}
	child := m.Content[i+1]
	if child.Kind != yaml.MappingNode {
		child.Kind, child.Tag, child.Value, child.Content = yaml.MappingNode, "", "", nil
	}
	set(child, path[1:], value)
	if len(child.Content) == 0 {
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
	}
}

func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}
