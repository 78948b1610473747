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
// be validated.
func Build(app cdktf.App, envs []*config.Environment) []*Environment {
	out := make([]*Environment, 0, len(envs))
	for _, env := range envs {
		e := &Environment{Config: env}
		e.Primary = NewPrimary(app, env)
		e.Secondary = NewSecondary(app, env, e.Primary)
		e.Global = NewGlobal(app, env, e.Primary, e.Secondary)
		out = append(out, e)
	}
	return out
}
