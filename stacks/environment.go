package stacks

import (
	"fmt"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
)

// Environment is the three stacks of one customer environment.
type Environment struct {
	Config    *config.Environment
	Primary   *Primary
	Secondary *Secondary
	Global    *Global
}

// Build adds the stacks of every environment to app. The environments must
// be validated (config.LoadDir), and a pipeline's staging environment must
// be among them. Stacks are built in dependency order across
// environments: every primary, then every secondary, then every global
// stack, so a global stack can read another environment's primary (a
// pipeline's staging target: prod-global -> staging-primary).
func Build(app cdktf.App, envs []*config.Environment) []*Environment {
	out := make([]*Environment, 0, len(envs))
	byID := map[string]*Environment{}
	for _, env := range envs {
		e := &Environment{Config: env}
		e.Primary = NewPrimary(app, env)
		out = append(out, e)
		byID[env.ID()] = e
	}
	for _, e := range out {
		e.Secondary = NewSecondary(app, e.Config, e.Primary)
	}
	for _, e := range out {
		var staging *Environment
		if p := e.Config.Pipeline; p != nil && p.StagingID != "" {
			if staging = byID[p.StagingID]; staging == nil {
				panic(fmt.Sprintf("%s: staging environment %s is not being built (select it too)", e.Config.ID(), p.StagingID))
			}
		}
		e.Global = NewGlobal(app, e.Config, e.Primary, e.Secondary, staging)
	}
	for _, a := range accountsOf(envs) {
		NewBootstrap(app, a)
	}
	return out
}
