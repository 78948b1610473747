package stacks

import (
	"fmt"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// imageRepository is the service's image repository as the build sees it.
type imageRepository struct {
	// Name is the repository name (the same in both regions); Container
	// the container the image definitions name.
	Name, Container string
	Arn, URL        *string
	// SecondaryArn is the replicated repository in the secondary region.
	SecondaryArn *string
}

// imageRepositoryOf returns an environment's image repository.
// TODO(issue 4): read it from the containers' typed fields once they land.
func imageRepositoryOf(env *config.Environment, _ *Primary) imageRepository {
	name := env.ID() + "/app"
	arn := func(region string) *string {
		return str(fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", region, env.AccountID, name))
	}
	return imageRepository{
		Name: name, Container: "app",
		Arn:          arn(env.Primary.Region),
		URL:          str(fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", env.AccountID, env.Primary.Region, name)),
		SecondaryArn: arn(env.Secondary.Region),
	}
}

// ecsTarget is the region's service as a pipeline deploy target.
// TODO(issue 4): read cluster, service and roles from the containers' typed fields.
func ecsTarget(env *config.Environment, _ *Regional, region, file string) constructs.EcsDeployTarget {
	family := fmt.Sprintf("%s-%s-app", env.ID(), shortRegion(region))
	role := func(suffix string) *string {
		return str(fmt.Sprintf("arn:aws:iam::%s:role/%s-%s", env.AccountID, family, suffix))
	}
	return constructs.EcsDeployTarget{
		Action:       "Deploy-" + region,
		Region:       region,
		ClusterName:  str(fmt.Sprintf("%s-%s", env.ID(), shortRegion(region))),
		ServiceName:  str("app"),
		FileName:     file,
		PassRoleArns: []*string{role("exec"), role("task")},
	}
}

// stagingEndpoint is the URL the approver checks: the staging
// environment's primary load balancer.
// TODO(issue 4): the load balancer's DNS name.
func stagingEndpoint(_ *Environment) *string { return nil }

