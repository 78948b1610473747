package stacks

import (
	"slices"
	"testing"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// The global dashboard shows what the environment has: health checks,
// CloudFront, the replica lag (read in the secondary region) and, once
// delivery names its failure rule, the pipeline's failed executions (read
// in the pipeline's region, the primary).
func TestGlobalWatchesSections(t *testing.T) {
	id := func(s string) *string { return &s }
	for _, tc := range []struct {
		name, body     string
		watches        GlobalWatches
		want           []string
		pipelineRegion string
	}{
		{"nothing yet", "", GlobalWatches{}, nil, ""},
		{"everything, primary in us-east-1", "", GlobalWatches{
			HealthCheckIDs:      map[string]*string{config.RolePrimary: id("hc-1"), config.RoleSecondary: id("hc-2")},
			DistributionID:      id("E123"),
			ReplicaIdentifier:   id("acme-dev-usw2-db"),
			PipelineFailureRule: id("acme-dev-pipeline-failed"),
		}, []string{"Route 53 health checks", "CloudFront", "Cross-region replication", "Delivery pipeline"}, ""},
		{"pipeline outside us-east-1", "primary:\n  region: eu-west-1\nsecondary:\n  region: eu-central-1\n",
			GlobalWatches{PipelineFailureRule: id("acme-dev-pipeline-failed")}, []string{"Delivery pipeline"}, "eu-west-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, err := config.Parse("envs/acme-dev.yaml", []byte("account_id: \"111111111111\"\n"+tc.body))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range tc.watches.sections(env) {
				got = append(got, s.Title)
				for _, w := range s.Watches {
					switch w.Kind {
					case constructs.HealthCheckStatus:
						if w.Alarm == nil || w.Region != "" {
							t.Errorf("health check watch %+v, want an alarm in us-east-1", w)
						}
					case constructs.ReplicaLagHigh:
						if w.Region != env.Secondary.Region {
							t.Errorf("replica lag read in %q, want %s", w.Region, env.Secondary.Region)
						}
					case constructs.PipelineFailures:
						if w.Region != tc.pipelineRegion || w.Alarm != nil {
							t.Errorf("pipeline watch %+v, want a dashboard-only watch in %q", w, tc.pipelineRegion)
						}
					}
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("sections %v, want %v", got, tc.want)
			}
		})
	}
}
