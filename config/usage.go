package config

import (
	"math"
	"reflect"
)

// Usage is what the cost estimate assumes about how much the environment is
// used: a plan tells what is deployed, not how many requests it serves.
// Every figure is per month; "per region" ones apply to each region that
// has the thing. Every key is optional (UsageDefaults), and none changes
// what is synthesized.
type Usage struct {
	// RequestsMillions are viewer requests through CloudFront and WAF.
	RequestsMillions *float64 `yaml:"requests_millions"`
	// CDNTransferGB is what CloudFront sends to viewers.
	CDNTransferGB *float64 `yaml:"cdn_transfer_gb"`
	// LoadBalancerLCUs is the average LCU count of each load balancer.
	LoadBalancerLCUs *float64 `yaml:"load_balancer_lcus"`
	// NATProcessedGB is what the NAT gateways of a region process, per region.
	NATProcessedGB *float64 `yaml:"nat_processed_gb"`
	// EndpointProcessedGB is what the interface endpoints of a region
	// process, per region.
	EndpointProcessedGB *float64 `yaml:"endpoint_processed_gb"`
	// LogIngestionGB is what all log groups of a region take in (app,
	// flow logs, database, builds), per region.
	LogIngestionGB *float64 `yaml:"log_ingestion_gb"`
	// InterRegionGB is what crosses between the two regions: database and
	// bucket replication, image replication, peering traffic.
	InterRegionGB *float64 `yaml:"inter_region_gb"`
	// BuildsPerMonth is how often each build project runs (a release runs
	// the build and, with a replicated repository, the mirror).
	BuildsPerMonth *float64 `yaml:"builds_per_month"`
	// BuildMinutes is how long one build runs (at most the project's timeout).
	BuildMinutes *float64 `yaml:"build_minutes"`
	// ContainerInsightsMetrics is the metric count of a cluster with
	// Container Insights (about ten each for the cluster, the service and
	// the task family).
	ContainerInsightsMetrics *float64 `yaml:"container_insights_metrics"`
	// StorageGB is what each S3 bucket and each ECR repository holds.
	StorageGB *float64 `yaml:"storage_gb"`
	// ExtraBackupGB is backup storage of each database beyond the free
	// allowance (as much as its provisioned storage).
	ExtraBackupGB *float64 `yaml:"extra_backup_gb"`
}

// UsageDefaults are the assumptions where the file says nothing: a small
// production app. They do not depend on the tier, so the estimate of an
// environment at another tier differs only in what is deployed.
var UsageDefaults = UsageValues{
	RequestsMillions:         10,
	CDNTransferGB:            100,
	LoadBalancerLCUs:         1,
	NATProcessedGB:           50,
	EndpointProcessedGB:      20,
	LogIngestionGB:           10,
	InterRegionGB:            20,
	BuildsPerMonth:           30,
	BuildMinutes:             8,
	ContainerInsightsMetrics: 30,
	StorageGB:                5,
	ExtraBackupGB:            0,
}

// UsageValues is Usage with every figure resolved.
type UsageValues struct {
	RequestsMillions, CDNTransferGB, LoadBalancerLCUs, NATProcessedGB, EndpointProcessedGB,
	LogIngestionGB, InterRegionGB, BuildsPerMonth, BuildMinutes, ContainerInsightsMetrics,
	StorageGB, ExtraBackupGB float64
}

// usageField is one key of the usage section with its setting and default.
type usageField struct {
	key string
	v   **float64
	def float64
}

// fields pairs each key with its setting and its default, the UsageValues
// field of the same name, for defaults and validation in one place.
func (u *Usage) fields() []usageField {
	defaults := reflect.ValueOf(UsageDefaults)
	settings := reflect.ValueOf(u).Elem()
	var out []usageField
	for _, k := range yamlKeysOf(settings.Type()) {
		name := settings.Type().Field(k.index).Name
		out = append(out, usageField{k.name, settings.Field(k.index).Addr().Interface().(**float64), defaults.FieldByName(name).Float()})
	}
	return out
}

func (u *Usage) applyDefaults() {
	for _, f := range u.fields() {
		setDefault(f.v, ptr(f.def))
	}
}

// Values returns the resolved figures (defaults for any left unset).
func (u *Usage) Values() UsageValues {
	resolved := *u
	resolved.applyDefaults()
	var out UsageValues
	values := reflect.ValueOf(&out).Elem()
	settings := reflect.ValueOf(resolved)
	for i := range settings.NumField() {
		values.FieldByName(settings.Type().Field(i).Name).SetFloat(*settings.Field(i).Interface().(*float64))
	}
	return out
}

// maxUsage bounds every figure: far beyond what this platform is sized
// for, so a typo (an extra zero or three) is caught.
const maxUsage = 1e7

func (e *Environment) validateUsage(c *fileProblems) {
	for _, f := range e.Usage.fields() {
		if *f.v == nil {
			continue
		}
		v := **f.v
		if math.IsNaN(v) || v < 0 || v > maxUsage {
			c.add("usage."+f.key, v, "a number from 0 to %g (per month; see docs/cost.md)", float64(maxUsage))
		}
	}
}
