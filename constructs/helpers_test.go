package constructs

import (
	"encoding/json"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/internal/testutil"
)

func TestMain(m *testing.M) { testutil.JSIIMain(m, nil) }

// synthJSON builds a throwaway stack in us-east-1 with build, synthesizes
// it with cdktf.Testing_Synth (sorted keys, no metadata) and parses it.
func synthJSON(t *testing.T, build func(stack cdktf.TerraformStack)) tfJSON {
	t.Helper()
	app := cdktf.Testing_App(&cdktf.TestingAppConfig{Outdir: jsii.String(t.TempDir())}) // no stray /tmp/cdktf.outdir.*
	stack := cdktf.NewTerraformStack(app, jsii.String("test"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("us-east-1")})
	build(stack)
	out := cdktf.Testing_Synth(stack, jsii.Bool(true))
	var doc tfJSON
	if err := json.Unmarshal([]byte(*out), &doc); err != nil {
		t.Fatalf("synthesized JSON does not parse: %v", err)
	}
	return doc
}

// tfJSON is a synthesized stack.
type tfJSON map[string]any

// resources returns the resources of a type by name.
func (d tfJSON) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	res, _ := d["resource"].(map[string]any)
	byName, _ := res[typ].(map[string]any)
	for name, r := range byName {
		out[name] = r.(map[string]any)
	}
	return out
}

// only returns the single resource of a type, failing otherwise.
func (d tfJSON) only(t *testing.T, typ string) map[string]any {
	t.Helper()
	rs := d.resources(typ)
	if len(rs) != 1 {
		t.Fatalf("%d %s resources, want 1", len(rs), typ)
	}
	for _, r := range rs {
		return r
	}
	return nil
}

// ref is how a synthesized stack refers to an attribute of a resource.
func ref(typ, name, attr string) string { return "${" + typ + "." + name + "." + attr + "}" }
