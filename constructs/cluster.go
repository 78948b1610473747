package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsclustercapacityproviders"
)

// ClusterProps configures an ECS cluster for Fargate services.
type ClusterProps struct {
	Name string
	// SpotPercent is the share of tasks the cluster's default strategy puts
	// on FARGATE_SPOT (0-100).
	SpotPercent int
}

// Cluster is an ECS cluster with Container Insights and the FARGATE and
// FARGATE_SPOT capacity providers.
type Cluster struct {
	cdk.Construct
	Name *string
	Arn  *string
}

// NewCluster creates the cluster and attaches the Fargate capacity providers.
func NewCluster(scope cdk.Construct, id string, p *ClusterProps) *Cluster {
	c := cdk.NewConstruct(scope, str(id))
	cluster := ecscluster.NewEcsCluster(c, str("cluster"), &ecscluster.EcsClusterConfig{
		Name: str(p.Name),
		Setting: &[]*ecscluster.EcsClusterSetting{{
			Name:  str("containerInsights"),
			Value: str("enabled"),
		}},
		Tags: nameTag(p.Name),
	})
	var strategy []*ecsclustercapacityproviders.EcsClusterCapacityProvidersDefaultCapacityProviderStrategy
	for _, s := range CapacityStrategy(p.SpotPercent) {
		strategy = append(strategy, &ecsclustercapacityproviders.EcsClusterCapacityProvidersDefaultCapacityProviderStrategy{
			CapacityProvider: str(s.Provider), Weight: num(s.Weight), Base: num(s.Base),
		})
	}
	ecsclustercapacityproviders.NewEcsClusterCapacityProviders(c, str("capacity-providers"), &ecsclustercapacityproviders.EcsClusterCapacityProvidersConfig{
		ClusterName:                     cluster.Name(),
		CapacityProviders:               strs("FARGATE", "FARGATE_SPOT"),
		DefaultCapacityProviderStrategy: &strategy,
	})
	return &Cluster{Construct: c, Name: cluster.Name(), Arn: cluster.Arn()}
}

// CapacityShare is one entry of a capacity provider strategy.
type CapacityShare struct {
	Provider string
	Weight   int
	Base     int
}

// CapacityStrategy splits tasks between FARGATE and FARGATE_SPOT so that
// spotPercent of them run on spot, in lowest terms (70 -> 3:7). Below 100
// percent, the first task (base 1) always runs on regular FARGATE, so a
// spot reclaim never takes the last task; providers with weight 0 are left
// out.
func CapacityStrategy(spotPercent int) []CapacityShare {
	spotPercent = min(max(spotPercent, 0), 100)
	g := gcd(spotPercent, 100-spotPercent)
	regular, spot := (100-spotPercent)/g, spotPercent/g
	var out []CapacityShare
	if regular > 0 {
		out = append(out, CapacityShare{Provider: "FARGATE", Weight: regular, Base: 1})
	}
	if spot > 0 {
		out = append(out, CapacityShare{Provider: "FARGATE_SPOT", Weight: spot})
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
