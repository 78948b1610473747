package stacks

import (
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
// be validated (config.LoadDir). Each environment's stacks depend only on
// each other (a pipeline's staging target is addressed by the names the
// staging environment's config determines), so any one environment's
// stacks deploy on their own.
func Build(app cdktf.App, envs []*config.Environment) []*Environment {
	out := make([]*Environment, 0, len(envs))
	for _, env := range envs {
		e := &Environment{Config: env}
		e.Primary = NewPrimary(app, env)
		e.Secondary = NewSecondary(app, env, e.Primary)
		e.Global = NewGlobal(app, env, e.Primary, e.Secondary)
		out = append(out, e)
	}
	for _, a := range accountsOf(envs) {
		NewBootstrap(app, a)
	}
	return out
}
