package harness

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// guardStack is a production stack whose state no longer matches it: the
// bucket's name changed in the configuration (a forced replacement), the
// log group is tainted (an interrupted apply), the topic is not stateful.
const guardStack = `{
  "terraform": {"backend": {"local": {"path": "terraform.tfstate"}}},
  "provider": {"aws": [{"region": "us-east-1", "access_key": "test", "secret_key": "test",
    "skip_credentials_validation": true, "skip_requesting_account_id": true,
    "skip_metadata_api_check": true, "skip_region_validation": true,
    "default_tags": [{"tags": {"Tier": "production"}}]}]},
  "resource": {
    "aws_s3_bucket": {"data": {"bucket": "acme-prod-data-v2"}},
    "aws_cloudwatch_log_group": {"app": {"name": "/ecs/acme-prod-app", "retention_in_days": 30}},
    "aws_sns_topic": {"alerts": {"name": "acme-prod-alerts-v2"}}
  }
}`

const guardState = `{
  "version": 4, "terraform_version": "1.11.0", "serial": 1, "lineage": "guard-test", "outputs": {},
  "resources": [
    {"mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "acme-prod-data", "bucket": "acme-prod-data", "force_destroy": false, "tags": {}, "tags_all": {"Tier": "production"}}}]},
    {"mode": "managed", "type": "aws_cloudwatch_log_group", "name": "app", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"status": "tainted", "schema_version": 0, "attributes": {"id": "/ecs/acme-prod-app", "name": "/ecs/acme-prod-app", "retention_in_days": 30, "skip_destroy": false, "log_group_class": "STANDARD", "tags": {}, "tags_all": {"Tier": "production"}}}]},
    {"mode": "managed", "type": "aws_sns_topic", "name": "alerts", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "arn:aws:sns:us-east-1:111111111111:acme-prod-alerts", "name": "acme-prod-alerts", "tags": {}, "tags_all": {"Tier": "production"}}}]}
  ]
}`

// A real plan of a configuration change that forces the bucket's
// replacement, with a tainted log group: the guard stops the production
// apply naming both, tells how to untaint the log group, and lets the plan
// through once both addresses are allowed; a development tier passes.
func TestGuardStopsReplacementInProduction(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform init and plan")
	}
	if err := RequireTerraform(); err != nil {
		t.Fatal(err)
	}
	opts := Options{Scratch: t.TempDir()}
	tf, err := newTerraform(&opts)
	if err != nil {
		t.Fatal(err)
	}
	const stack = "guard-prod"
	dir := scratchStackDir(opts.Scratch, stack)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{stackFile: guardStack, "terraform.tfstate": guardState} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if res := tf.initStack(ctx, opts.Scratch, stack); !res.OK {
		t.Fatalf("init: %s", res.Output)
	}
	cfg, err := loadStackConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	tier := stackTier(cfg)
	if tier != TierProduction {
		t.Fatalf("stack tier %q, want production (from the Tier default tag)", tier)
	}

	_, planFile, err := tf.planGuarded(ctx, dir, t.TempDir(), stack, tier, nil, "-refresh=false")
	var de *DestructiveError
	if !errors.As(err, &de) || planFile != "" {
		t.Fatalf("guard: %v (plan file %q), want a DestructiveError and no plan to apply", err, planFile)
	}
	got := map[string]DestructiveChange{}
	for _, c := range de.Changes {
		got[c.Address] = c
	}
	if len(got) != 2 || got["aws_s3_bucket.data"] != (DestructiveChange{"aws_s3_bucket.data", "replace", false}) ||
		got["aws_cloudwatch_log_group.app"] != (DestructiveChange{"aws_cloudwatch_log_group.app", "replace", true}) {
		t.Errorf("changes %+v, want the bucket replaced and the tainted log group replaced", de.Changes)
	}
	for _, want := range []string{"aws_cloudwatch_log_group.app,aws_s3_bucket.data", "terraform -chdir=cdktf.out/stacks/guard-prod untaint aws_cloudwatch_log_group.app", "Check it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%s", want, err)
		}
	}
	if strings.Contains(err.Error(), "aws_sns_topic") {
		t.Errorf("the message names the topic, which is not stateful:\n%s", err)
	}

	// The same plan, read as the tooling reads it: allowed addresses pass,
	// a development tier passes.
	var plan tfjson.Plan
	data, err := os.ReadFile(filepath.Join(dir, "guarded.plan.json"))
	if err == nil {
		err = json.Unmarshal(data, &plan)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := GuardDestructive(stack, &plan, TierProduction, []string{"aws_s3_bucket.data"}); err == nil || strings.Contains(err.Error(), "replace aws_s3_bucket.data") {
		t.Errorf("with the bucket allowed: %v, want only the log group", err)
	}
	if err := GuardDestructive(stack, &plan, TierProduction, []string{"aws_s3_bucket.data", "aws_cloudwatch_log_group.app"}); err != nil {
		t.Errorf("with both allowed: %v", err)
	}
	if err := GuardDestructive(stack, &plan, "development", nil); err != nil {
		t.Errorf("development tier: %v", err)
	}
}
