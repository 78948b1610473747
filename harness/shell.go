package harness

import (
	"fmt"
	"os"
)

// EmulatorEnv is the environment in which the cdktf CLI and Terraform work
// against moto_server on port as they would against AWS: the user's
// environment without anything that could point at a real account or
// another Terraform configuration, fake credentials, the Terraform CLI
// config (provider mirror, plugin cache pluginCache) written into dir,
// CHECKPOINT_DISABLE, and AWS_ENDPOINT_URL at moto for any service the
// stacks' endpoints blocks do not name.
func EmulatorEnv(dir, pluginCache string, port int) ([]string, error) {
	if err := os.MkdirAll(pluginCache, 0o755); err != nil {
		return nil, err
	}
	rc, err := writeCLIConfig(dir, pluginCache)
	if err != nil {
		return nil, err
	}
	return append(childEnv(os.Environ(), rc), fmt.Sprintf("AWS_ENDPOINT_URL=http://127.0.0.1:%d", port)), nil
}
