package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"
)

// netnsEnv marks a process started by ReexecInNetns.
const netnsEnv = "MULTIREGION_NETNS"

// InPrivateNetns reports whether this process runs in the private network
// namespace ReexecInNetns made: marked so, and with no network interface but
// loopback.
func InPrivateNetns() bool {
	if os.Getenv(netnsEnv) != "1" {
		return false
	}
	// net.Interfaces asks the kernel about this process's namespace
	// (/sys/class/net would still show the host's).
	ifaces, err := net.Interfaces()
	if err != nil {
		return false
	}
	for _, i := range ifaces {
		if i.Flags&net.FlagLoopback == 0 {
			return false
		}
	}
	return true
}

// ReexecInNetns returns a command that runs args (args[0] is the program) in
// a new user and network namespace, where only loopback exists and is up, with
// env plus the marker InPrivateNetns checks. Nothing run there can reach
// anything but 127.0.0.1. The caller sets Stdout/Stderr and runs it; a Go test
// passes os.Args[0] and -test.run=^TestName$ to re-run itself there.
func ReexecInNetns(args []string, env []string) *exec.Cmd {
	cmd := exec.Command("unshare", unshareArgs(args)...)
	cmd.Env = append(append([]string(nil), env...), netnsEnv+"=1")
	return cmd
}

// unshareArgs are the arguments of unshare that run args with loopback up.
func unshareArgs(args []string) []string {
	script := shellQuote(ipCommand()) + ` link set lo up && exec "$@"`
	return append([]string{"-rn", "sh", "-c", script, "sh"}, args...)
}

// UnshareAvailable checks that ReexecInNetns can work here, by making such a
// namespace once; its error says what is missing.
func UnshareAvailable() error {
	if _, err := exec.LookPath("unshare"); err != nil {
		return errors.New("unshare is not on PATH: install util-linux")
	}
	if _, err := exec.LookPath(ipCommand()); err != nil {
		return errors.New("ip is not on PATH or in /usr/sbin, /sbin: install iproute2")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "unshare", unshareArgs([]string{"true"})...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("cannot create a private network namespace with `unshare -rn` (%v: %s). "+
			"Unprivileged user namespaces must be allowed: sysctl kernel.unprivileged_userns_clone=1 "+
			"and user.max_user_namespaces > 0; on Ubuntu 23.10+ also kernel.apparmor_restrict_unprivileged_userns=0; "+
			"in a container, a seccomp/AppArmor profile that permits unshare(CLONE_NEWUSER). "+
			"Or skip the emulator phase", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// ipCommand is the ip tool, which often lives in /usr/sbin, off a user's PATH.
func ipCommand() string {
	if p, err := exec.LookPath("ip"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/ip", "/sbin/ip"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "ip"
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
