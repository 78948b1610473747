package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// pipelineRules are a stack's EventBridge rules that start a pipeline on a
// push, by name, with their state ("" is enabled).
func pipelineRules(s stack) map[string]string {
	out := map[string]string{}
	for _, r := range s.resources("aws_cloudwatch_event_rule") {
		name, _ := r["name"].(string)
		if strings.HasSuffix(name, "pipeline-push") {
			state, _ := r["state"].(string)
			out[name] = state
		}
	}
	return out
}

// acme-prod's secondary stack has the standby release path: a pipeline in
// the secondary region, sourced from the CodeCommit replica of this stack,
// with this stack's build project, artifact store and approval topic, whose
// only deploy is the secondary region's own service; its push trigger is
// off while the primary writes, on after a failover (and then the main
// pipeline's is off).
func TestStandbyPipelineDeploysToTheSecondaryOnly(t *testing.T) {
	var env *config.Environment
	for _, e := range synthEnvs {
		if e.ID() == "acme-prod" {
			env = e
		}
	}
	if env == nil || !env.StandbyPipeline() {
		t.Fatal("acme-prod has no standby pipeline")
	}
	sec := loadStack(t, env.StackName(config.RoleSecondary))
	region := env.Secondary.Region
	pipelines := sec.resources("aws_codepipeline")
	if len(pipelines) != 1 {
		t.Fatalf("%d pipelines in the secondary stack, want the standby one", len(pipelines))
	}
	for _, p := range pipelines {
		if p["name"] != env.PipelineName(config.RoleSecondary) {
			t.Errorf("pipeline %v", p["name"])
		}
		// One store, in the pipeline's own region: AWS refuses a region on
		// the store of a single-region pipeline.
		stores := p["artifact_store"].([]any)
		if _, named := stores[0].(map[string]any)["region"]; len(stores) != 1 || named ||
			!strings.HasPrefix(stores[0].(map[string]any)["location"].(string), "${aws_s3_bucket.artifacts") {
			t.Errorf("artifact stores %v, want this stack's bucket only, naming no region", stores)
		}
		deploys := 0
		for _, st := range p["stage"].([]any) {
			for _, a := range st.(map[string]any)["action"].([]any) {
				a := a.(map[string]any)
				cfg, _ := a["configuration"].(map[string]any)
				switch a["category"] {
				case "Source":
					if a["provider"] != "CodeCommit" || !strings.HasPrefix(cfg["RepositoryName"].(string), "${aws_codecommit_repository.") {
						t.Errorf("source %v %v, want this stack's CodeCommit replica", a["provider"], cfg["RepositoryName"])
					}
				case "Build":
					if !strings.HasPrefix(cfg["ProjectName"].(string), "${aws_codebuild_project.standby-build") {
						t.Errorf("build project %v, want this stack's standby build", cfg["ProjectName"])
					}
				case "Approval":
					if !strings.HasPrefix(cfg["NotificationArn"].(string), "${aws_sns_topic.standby-approval-topic") {
						t.Errorf("approval topic %v, want this stack's", cfg["NotificationArn"])
					}
				case "Deploy":
					deploys++
					if a["region"] != region || !strings.HasPrefix(cfg["ClusterName"].(string), "${aws_ecs_cluster.") || !strings.HasPrefix(cfg["ServiceName"].(string), "${aws_ecs_service.") {
						t.Errorf("deploy %v to %v/%v in %v, want this stack's service in %s", a["name"], cfg["ClusterName"], cfg["ServiceName"], a["region"], region)
					}
				}
			}
		}
		if deploys != 1 {
			t.Errorf("%d deploy actions, want the secondary's service only", deploys)
		}
		if strings.Contains(jsonText(p), "terraform_remote_state") {
			t.Error("the standby pipeline reads another stack: it must work with the primary region down")
		}
	}
	if b, _ := json.Marshal(sec.resources("aws_codebuild_project")); !strings.Contains(string(b), region) {
		t.Errorf("the standby build does not name %s", region)
	}
	rules := pipelineRules(sec)
	if rules[env.PipelineTriggerRule(config.RoleSecondary)] != "DISABLED" {
		t.Errorf("standby trigger %v, want DISABLED while the primary writes", rules)
	}
	if g := pipelineRules(loadStack(t, env.StackName(config.RoleGlobal))); len(g) != 1 || g[env.PipelineTriggerRule(config.RolePrimary)] != "" {
		t.Errorf("main pipeline trigger %v, want enabled while the primary writes", g)
	}

	failover := synthEnvRoles(t, env.ID(), config.RoleSecondary, config.ReplicaDetached)
	if got := pipelineRules(failover[config.RoleSecondary])[env.PipelineTriggerRule(config.RoleSecondary)]; got != "" {
		t.Errorf("after failover the standby trigger is %q, want enabled", got)
	}
	if got := pipelineRules(failover[config.RoleGlobal])[env.PipelineTriggerRule(config.RolePrimary)]; got != "DISABLED" {
		t.Errorf("after failover the main pipeline's trigger is %q, want DISABLED", got)
	}
}
