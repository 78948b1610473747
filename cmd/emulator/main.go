// Command emulator runs a command against the AWS emulator, as it would
// run against AWS: inside a private network namespace (only loopback, so
// nothing can reach a real cloud), with moto_server on 127.0.0.1 and the
// environment the cdktf CLI and Terraform need there (provider mirror,
// fake credentials, moto's settings). moto keeps everything in memory:
// what a command deploys is gone when the command ends. Without a command
// it starts a shell, where any number of commands share one emulator.
//
//	go run ./cmd/emulator [-port 4566] [-- command args...]
//	go run ./cmd/emulator -- npx cdktf deploy 'acme-local-*' --auto-approve --skip-provider-lock
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/multiregion/multiregion/harness"
)

const modulePath = "github.com/multiregion/multiregion"

func main() {
	port := flag.Int("port", 4566, "port of moto_server (the environment's emulator.endpoint)")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		shell := os.Getenv("SHELL")
		if shell == "" {
			shell = "sh"
		}
		args = []string{shell}
	}
	var code int
	var err error
	if harness.InPrivateNetns() {
		code, err = inside(*port, args)
	} else {
		code, err = reexec(*port, args)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "emulator:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// reexec runs this program again in a private network namespace.
func reexec(port int, args []string) (int, error) {
	for _, check := range []func() error{harness.RequireMoto, harness.UnshareAvailable} {
		if err := check(); err != nil {
			return 1, err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return 1, err
	}
	cmd := harness.ReexecInNetns(append([]string{self, "-port", strconv.Itoa(port), "--"}, args...), os.Environ())
	return run(cmd)
}

// inside starts moto_server, runs the command with the emulator's
// environment and stops moto_server.
func inside(port int, args []string) (int, error) {
	tmp, err := os.MkdirTemp("", "multiregion-emulator-")
	if err != nil {
		return 1, err
	}
	cache := filepath.Join(tmp, "plugin-cache")
	if repo, err := harness.ModuleRoot(modulePath); err == nil {
		cache = harness.PluginCache(filepath.Join(repo, ".check"))
	}
	env, err := harness.EmulatorEnv(tmp, cache, port)
	if err != nil {
		return 1, err
	}
	motoLog := filepath.Join(tmp, "moto.log")
	moto, err := harness.StartMoto(context.Background(), port, motoLog)
	if err != nil {
		return 1, err
	}
	defer moto.Stop()
	fmt.Fprintf(os.Stderr, "emulator: moto_server on 127.0.0.1:%d (in memory, gone when this ends)\n", port)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	code, err := run(cmd)
	if code != 0 || err != nil {
		fmt.Fprintf(os.Stderr, "emulator: the command exited %d; moto_server's log: %s\n", code, motoLog)
	} else {
		os.RemoveAll(tmp)
	}
	return code, err
}

// run runs cmd on this process's terminal and returns its exit code. A
// Ctrl-C reaches the command from the terminal itself: this process waits
// for it to finish, then cleans up; a SIGTERM is passed on.
func run(cmd *exec.Cmd) (int, error) {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 1, err
	}
	go func() {
		for sig := range sigs {
			if sig == syscall.SIGTERM {
				cmd.Process.Signal(sig)
			}
		}
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}
