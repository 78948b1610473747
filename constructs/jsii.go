package constructs

import (
	"bytes"
	"encoding/json"

	"github.com/aws/jsii-runtime-go"
)

// Small helpers that cut jsii pointer noise.

func str(s string) *string        { return jsii.String(s) }
func num(n int) *float64          { return jsii.Number(float64(n)) }
func numf(f float64) *float64     { return jsii.Number(f) }
func boolp(b bool) *bool          { return jsii.Bool(b) }
func strs(s ...string) *[]*string { return jsii.Strings(s...) }

func nums(n ...int) *[]*float64 {
	out := make([]*float64, len(n))
	for i, v := range n {
		out[i] = num(v)
	}
	return &out
}

// nameTag is the per-resource Name tag; the provider's default_tags add the
// rest (Customer, Environment, ManagedBy, CostCenter, Tier).
func nameTag(name string) *map[string]*string {
	return &map[string]*string{"Name": str(name)}
}

// jsonText renders plain data as JSON without HTML escaping, so documents
// read as written (titles with < or &, && in commands); tokens stay as
// they are.
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // strings, numbers, structs, slices and maps only
	}
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}
