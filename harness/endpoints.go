package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// An endpoints block in an AWS provider configuration costs about 5 CPU-s
// each time Terraform configures that provider, whatever it lists (measured
// with provider 5.100.0: a -refresh=false plan of a two-provider stack, 9.9
// CPU-s without, 21.5 with one single-service block each). Offline nothing
// is called, so the copies lose the blocks. The emulator keeps them, so a
// service missing from them fails in the private network namespace instead
// of passing through a catch-all AWS_ENDPOINT_URL.

// dropEndpoints rewrites the stack copy in dir (never a synthesized original)
// without the endpoints blocks of its AWS providers. It reports whether there
// were any. The rest of the file is kept as is (numbers included).
func dropEndpoints(dir string) (bool, error) {
	path := filepath.Join(dir, stackFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	var stack map[string]json.RawMessage
	if err := json.Unmarshal(raw, &stack); err != nil {
		return false, fmt.Errorf("parsing %s: %w", path, err)
	}
	var providers map[string]json.RawMessage
	if p, ok := stack["provider"]; !ok || json.Unmarshal(p, &providers) != nil {
		return false, nil
	}
	var list []map[string]json.RawMessage
	single := false
	if err := json.Unmarshal(providers["aws"], &list); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(providers["aws"], &one); err != nil {
			return false, nil
		}
		list, single = []map[string]json.RawMessage{one}, true
	}
	dropped := false
	for _, p := range list {
		if _, ok := p["endpoints"]; ok {
			delete(p, "endpoints")
			dropped = true
		}
	}
	if !dropped {
		return false, nil
	}
	var aws any = list
	if single {
		aws = list[0]
	}
	if providers["aws"], err = json.Marshal(aws); err != nil {
		return false, err
	}
	if stack["provider"], err = json.Marshal(providers); err != nil {
		return false, err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(stack); err != nil {
		return false, err
	}
	return true, os.WriteFile(path, out.Bytes(), 0o644)
}
