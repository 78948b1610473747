package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// TierProduction is the tier whose stateful resources the guard protects
// (config's tier: production, which every provider also sets as the Tier
// default tag).
const TierProduction = "production"

// StatefulTypes are the resource types whose delete or replace loses data
// or identity that cannot be rebuilt from configuration: databases,
// buckets, keys, repositories, log groups, hosted zones and secrets. The
// policy pack's stateful_destroy rule lists the same types.
var StatefulTypes = []string{
	"aws_cloudwatch_log_group",
	"aws_codecommit_repository",
	"aws_db_instance",
	"aws_dynamodb_table",
	"aws_ecr_repository",
	"aws_efs_file_system",
	"aws_kms_key",
	"aws_rds_cluster",
	"aws_route53_zone",
	"aws_s3_bucket",
	"aws_secretsmanager_secret",
}

// DestructiveChange is a planned delete or replace of a stateful resource.
type DestructiveChange struct {
	Address string
	Action  string // "delete" or "replace"
	Tainted bool   // replaced because the instance is tainted (an interrupted apply)
}

// DestructiveError stops an apply: it lists the stateful resources the plan
// would delete or replace and how to go on.
type DestructiveError struct {
	Stack   string
	Changes []DestructiveChange
}

func (e *DestructiveError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the plan would delete or replace %d stateful resource(s) in a production environment; nothing was applied:\n", e.Stack, len(e.Changes))
	var tainted []string
	for _, c := range e.Changes {
		why := ""
		if c.Tainted {
			why = " (tainted: an earlier apply was interrupted while creating or replacing it)"
			tainted = append(tainted, c.Address)
		}
		fmt.Fprintf(&b, "  %s %s%s\n", c.Action, c.Address, why)
	}
	addrs := make([]string, len(e.Changes))
	for i, c := range e.Changes {
		addrs[i] = c.Address
	}
	fmt.Fprintf(&b, "If that is intended (the data is backed up or disposable), allow exactly these addresses: %s", strings.Join(addrs, ","))
	if len(tainted) > 0 {
		b.WriteString("\nA tainted instance may be healthy (the apply was cut off after AWS created it). Check it in the console or CLI first; if it is healthy, keep it with")
		for _, a := range tainted {
			fmt.Fprintf(&b, "\n  terraform -chdir=cdktf.out/stacks/%s untaint %s", e.Stack, a)
		}
		b.WriteString("\nand plan again (the stack folder where its state is configured).")
	}
	return b.String()
}

// GuardDestructive inspects a plan before it is applied. In a production
// tier, a delete or replace (tainted or not) of a resource of StatefulTypes
// whose address allowed does not name stops the apply with a
// *DestructiveError listing every such address; other tiers pass. It is the
// Go side of the policy pack's stateful_destroy rule, for the tooling's own
// applies.
func GuardDestructive(stack string, plan *tfjson.Plan, tier string, allowed []string) error {
	if tier != TierProduction || plan == nil {
		return nil
	}
	var changes []DestructiveChange
	for _, rc := range plan.ResourceChanges {
		if rc.Mode != tfjson.ManagedResourceMode || !slices.Contains(StatefulTypes, rc.Type) || rc.Change == nil {
			continue
		}
		a := rc.Change.Actions
		if !a.Delete() && !a.Replace() {
			continue
		}
		if slices.Contains(allowed, rc.Address) {
			continue
		}
		c := DestructiveChange{Address: rc.Address, Action: "delete", Tainted: rc.ActionReason == tfjson.ActionReasonReplaceBecauseTainted}
		if a.Replace() {
			c.Action = "replace"
		}
		changes = append(changes, c)
	}
	if len(changes) == 0 {
		return nil
	}
	return &DestructiveError{Stack: stack, Changes: changes}
}

// GuardPlanFile is GuardDestructive on a plan JSON file (terraform show -json).
func GuardPlanFile(stack, path, tier string, allowed []string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		return fmt.Errorf("%s: reading plan %s: %w", stack, path, err)
	}
	return GuardDestructive(stack, &plan, tier, allowed)
}

// stackTier is a synthesized stack's tier: the Tier default tag of its AWS
// providers ("" when none sets it).
func stackTier(cfg *stackConfig) string {
	providers, err := cfg.providers("aws")
	if err != nil {
		return ""
	}
	for _, p := range providers {
		dt, _ := p["default_tags"].([]any)
		for _, d := range dt {
			m, _ := d.(map[string]any)
			tags, _ := m["tags"].(map[string]any)
			if t, ok := tags["Tier"].(string); ok {
				return t
			}
		}
	}
	return ""
}

// planGuarded plans the stack copy in dir into planFile, and in a
// production tier shows the plan as JSON and runs GuardDestructive on it.
// The apply that follows must apply planFile, so it applies exactly what
// the guard saw. The error is the plan's failure or the guard's verdict.
func (tf *terraform) planGuarded(ctx context.Context, dir, logDir, stack, tier string, allowed []string, planArgs ...string) (StepResult, string, error) {
	planFile := filepath.Join(dir, "guarded.tfplan")
	args := append([]string{"plan", "-input=false", "-no-color", "-out=" + planFile}, planArgs...)
	res, _ := tf.run(ctx, dir, filepath.Join(logDir, "plan.log"), nil, args...)
	if !res.OK {
		return res, "", stepError(stack, "plan", res)
	}
	if tier != TierProduction {
		return res, planFile, nil
	}
	jsonPath := filepath.Join(dir, "guarded.plan.json")
	f, err := os.Create(jsonPath)
	if err != nil {
		return res, "", err
	}
	show, _ := tf.run(ctx, dir, filepath.Join(logDir, "show.log"), f, "show", "-json", "-no-color", planFile)
	if err := f.Close(); err != nil && show.OK {
		show.OK, show.Output = false, err.Error()
	}
	if !show.OK {
		return show, "", stepError(stack, "show", show)
	}
	if err := GuardPlanFile(stack, jsonPath, tier, allowed); err != nil {
		res.OK, res.Output = false, err.Error()
		return res, "", err
	}
	return res, planFile, nil
}
