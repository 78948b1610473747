package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/internal/testutil"
)

func TestMain(m *testing.M) { testutil.JSIIMain(m, nil) }

// synthEnv synthesizes one environment parsed from YAML and returns its
// stacks as generic JSON by role.
func synthEnv(t *testing.T, file, body string) map[string]map[string]any {
	t.Helper()
	env, err := config.Parse(file, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(dir)})
	Build(app, []*config.Environment{env})
	app.Synth()
	out := map[string]map[string]any{}
	for _, role := range []string{config.RolePrimary, config.RoleSecondary, config.RoleGlobal} {
		data, err := os.ReadFile(filepath.Join(dir, "stacks", env.StackName(role), "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		out[role] = doc
	}
	return out
}

func path(doc map[string]any, keys ...string) any {
	var v any = doc
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// remoteStates returns the terraform_remote_state inputs of a stack.
func remoteStates(doc map[string]any) map[string]any {
	m, _ := path(doc, "data", "terraform_remote_state").(map[string]any)
	return m
}

// Cross-stack references work with every backend: the consumer reads the
// producer's state where the producer's backend writes it.
func TestBackendsAndCrossStackReferences(t *testing.T) {
	const base = "account_id: \"111111111111\"\n"
	t.Run("local", func(t *testing.T) {
		s := synthEnv(t, "envs/acme-dev.yaml", base)
		if got := path(s[config.RolePrimary], "terraform", "backend", "local", "path"); got != "../../../state/acme-dev-primary.tfstate" {
			t.Errorf("primary local state path %v", got)
		}
		rs := remoteStates(s[config.RoleSecondary])["cross-stack-reference-input-acme-dev-primary"].(map[string]any)
		if rs["backend"] != "local" || path(rs, "config", "path") != "../../../state/acme-dev-primary.tfstate" {
			t.Errorf("secondary reads the primary from %v", rs)
		}
	})
	t.Run("s3", func(t *testing.T) {
		s := synthEnv(t, "envs/acme-prod.yaml", base+"backend:\n  type: s3\n  s3:\n    bucket: acme-tfstate\n    dynamodb_table: tf-locks\n")
		b, _ := path(s[config.RoleSecondary], "terraform", "backend", "s3").(map[string]any)
		if b["bucket"] != "acme-tfstate" || b["key"] != "acme-prod-secondary/terraform.tfstate" || b["encrypt"] != true ||
			b["use_lockfile"] != true || b["region"] != "us-east-1" || b["dynamodb_table"] != "tf-locks" {
			t.Errorf("secondary s3 backend %v", b)
		}
		rs := remoteStates(s[config.RoleGlobal])["cross-stack-reference-input-acme-prod-secondary"].(map[string]any)
		if rs["backend"] != "s3" || path(rs, "config", "key") != "acme-prod-secondary/terraform.tfstate" || path(rs, "config", "bucket") != "acme-tfstate" {
			t.Errorf("global reads the secondary from %v", rs)
		}
	})
	t.Run("cloud", func(t *testing.T) {
		s := synthEnv(t, "envs/acme-stage.yaml", base+"backend:\n  type: cloud\n  cloud:\n    organization: acme-corp\n")
		c, _ := path(s[config.RolePrimary], "terraform", "cloud").(map[string]any)
		if c["organization"] != "acme-corp" || path(c, "workspaces", "name") != "acme-stage-primary" {
			t.Errorf("primary cloud block %v", c)
		}
		rs := remoteStates(s[config.RoleSecondary])["cross-stack-reference-input-acme-stage-primary"].(map[string]any)
		encoded, _ := json.Marshal(rs)
		if !strings.Contains(string(encoded), "acme-corp") || !strings.Contains(string(encoded), "acme-stage-primary") {
			t.Errorf("secondary reads the primary from %s, want the acme-corp workspace acme-stage-primary", encoded)
		}
	})
}

// The secondary owns the peering: requester in its region, accepter and
// its routes through the primary-region alias.
func TestPeeringOwnedBySecondary(t *testing.T) {
	s := synthEnv(t, "envs/acme-dev.yaml", "account_id: \"111111111111\"\n")
	if _, ok := path(s[config.RolePrimary], "resource", "aws_vpc_peering_connection").(map[string]any); ok {
		t.Error("the primary creates a peering connection; the secondary owns it")
	}
	acc, _ := path(s[config.RoleSecondary], "resource", "aws_vpc_peering_connection_accepter").(map[string]any)
	if len(acc) != 1 {
		t.Fatalf("%d accepters, want 1", len(acc))
	}
	for _, a := range acc {
		if a.(map[string]any)["provider"] != "aws.primary" {
			t.Errorf("accepter provider %v, want aws.primary", a.(map[string]any)["provider"])
		}
	}
	providers := path(s[config.RoleSecondary], "provider", "aws").([]any)
	regions := map[any]any{}
	for _, p := range providers {
		regions[p.(map[string]any)["alias"]] = p.(map[string]any)["region"]
	}
	if regions[nil] != "us-west-2" || regions["primary"] != "us-east-1" {
		t.Errorf("secondary providers %v, want default us-west-2 and alias primary us-east-1", regions)
	}
}

func TestShortRegion(t *testing.T) {
	for in, want := range map[string]string{"us-east-1": "use1", "us-west-2": "usw2", "eu-central-1": "euc1", "ap-southeast-2": "apse2"} {
		if got := shortRegion(in); got != want {
			t.Errorf("shortRegion(%s) = %s, want %s", in, got, want)
		}
	}
}
