// Command dr runs the disaster-recovery operations of one environment
// against AWS (or the emulator its config names), from the surviving
// region: names and ARNs come from the environment's config file.
//
//	go run ./cmd/dr status   -env acme-prod
//	go run ./cmd/dr failover -env acme-prod [--execute] [--force]
//	go run ./cmd/dr failback -env acme-prod [--execute]
//
// Without --execute every step says what it would do. The JSON report goes
// to stdout (or -report FILE), one line per step to stderr. Exit status: 0
// done, 1 a step failed, 3 refused (a check said no; nothing was changed
// after it), 2 bad usage.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/internal/dr"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	ops := map[string]func(context.Context, dr.Options) (*dr.Report, error){
		"status": dr.GetStatus, "failover": dr.Failover, "failback": dr.Failback,
	}
	usage := "usage: dr status|failover|failback -env <customer>-<env> [-config DIR] [--execute] [--force] [-report FILE]"
	if len(args) == 0 || ops[args[0]] == nil {
		fmt.Fprintln(os.Stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("dr "+args[0], flag.ContinueOnError)
	envName := fs.String("env", "", "environment, e.g. acme-prod (its file is <config>/<env>.yaml)")
	dir := fs.String("config", config.DefaultDir, "folder of the environment files")
	execute := fs.Bool("execute", false, "act (default: a dry run that says what it would do)")
	force := fs.Bool("force", false, "fail over although the replica lag is above the replica-lag alarm's threshold or unknown")
	reportPath := fs.String("report", "", "write the JSON report to this file instead of stdout")
	if err := fs.Parse(args[1:]); err != nil || *envName == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, usage)
		return 2
	}
	file := filepath.Join(*dir, *envName+".yaml")
	env, err := config.LoadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := ops[args[0]](ctx, dr.Options{Env: env, File: file, Execute: *execute, Force: *force, Log: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out, _ := json.MarshalIndent(rep, "", "  ")
	out = append(out, '\n')
	if *reportPath != "" {
		err = os.WriteFile(*reportPath, out, 0o644)
	} else {
		_, err = os.Stdout.Write(out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	switch rep.Result {
	case "refused":
		return 3
	case "failed":
		return 1
	}
	return 0
}
