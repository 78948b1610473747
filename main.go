// Command multiregion synthesizes the Terraform JSON of every customer
// environment in config/environments: three stacks each (primary region,
// secondary region, global). Run it through `npx cdktf synth|deploy`, or
// `go run .` directly.
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/multiregion/multiregion/config"
)

func main() {
	err := run()
	jsii.Close() // before any exit: otherwise every run leaks a /tmp/jsii-runtime.* folder
	if err != nil {
		fmt.Fprintln(os.Stderr, "multiregion:", err)
		os.Exit(1)
	}
}

// run loads and validates every environment, then synthesizes the selected
// ones; on any error nothing is written.
func run() error {
	selection, err := selectedEnvironments()
	if err != nil {
		return err
	}
	envs, err := config.LoadDir(config.DefaultDir, selection)
	if err != nil {
		return err
	}
	dir, keepOrphans := outdir()
	return synthesize(dir, envs, keepOrphans)
}
