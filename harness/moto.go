package harness

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// motoLauncher starts moto_server in-process after applying the harness's
// patches, each named after the AWS API shape it restores (see the file).
//
//go:embed moto/launcher.py
var motoLauncher []byte

// MotoPatch is the launcher's verdict on one patch: Needed (moto without it
// answers in the wrong shape) and Applies (with it, in the AWS shape).
type MotoPatch struct {
	Patch    string `json:"patch"`
	Restores string `json:"restores"`
	Needed   bool   `json:"needed"`
	Applies  bool   `json:"applies"`
}

// writeMotoLauncher writes the launcher into dir and returns its path.
func writeMotoLauncher(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "moto-launcher.py")
	return path, os.WriteFile(path, motoLauncher, 0o644)
}

// motoPython is the Python that has moto: the interpreter of the
// moto_server script when it names one, else python3 (a pyenv shim
// resolves to the same version).
func motoPython() string {
	if bin, err := exec.LookPath("moto_server"); err == nil {
		if f, err := os.Open(bin); err == nil {
			defer f.Close()
			line, _ := bufio.NewReader(f).ReadString('\n')
			fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "#!"))
			if len(fields) > 0 && strings.Contains(filepath.Base(fields[0]), "python") {
				return fields[0]
			}
		}
	}
	return "python3"
}

// motoCommand runs the launcher with args (serve ... or check).
func motoCommand(ctx context.Context, launcher string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, motoPython(), append([]string{launcher}, args...)...)
}

// CheckMotoPatches runs every patch's probe against moto in-process, without
// and with the patch. A patch that is no longer needed or no longer applies
// is an error naming it.
func CheckMotoPatches(ctx context.Context, scratch string) ([]MotoPatch, error) {
	launcher, err := writeMotoLauncher(scratch)
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := motoCommand(ctx, launcher, "check")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var patches []MotoPatch
	var problems []string
	for line := range strings.Lines(stdout.String()) {
		var p MotoPatch
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			return patches, fmt.Errorf("moto launcher check: %q: %w", line, err)
		}
		patches = append(patches, p)
		if !p.Needed {
			problems = append(problems, fmt.Sprintf("%s is no longer needed: moto answers in the AWS shape (%s) without it; drop the patch", p.Patch, p.Restores))
		}
		if !p.Applies {
			problems = append(problems, fmt.Sprintf("%s no longer applies: with it moto still does not answer in the AWS shape (%s)", p.Patch, p.Restores))
		}
	}
	if len(problems) > 0 {
		return patches, fmt.Errorf("moto launcher: %s", strings.Join(problems, "; "))
	}
	if runErr != nil {
		return patches, fmt.Errorf("moto launcher check: %v: %s", runErr, lastLines(stderr.String(), 10))
	}
	return patches, nil
}

// Moto is a running patched moto_server.
type Moto struct {
	Endpoint string // its URL, http://127.0.0.1:<port>
	cmd      *exec.Cmd
	done     chan struct{} // closed when it exits
}

// StartMoto starts the patched moto_server (the embedded launcher) on
// 127.0.0.1:port (0 picks a free port), logging to logPath, and waits (at
// most 30 s) until it answers.
func StartMoto(ctx context.Context, port int, logPath string) (*Moto, error) {
	if port == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("port %d is already in use: the emulator needs it free", port)
	}
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child holds its own descriptor
	launcher, err := writeMotoLauncher(filepath.Dir(logPath))
	if err != nil {
		return nil, err
	}
	// moto_server with the harness's patches (see moto/launcher.py).
	cmd := motoCommand(context.Background(), launcher, "serve", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// moto's account (123456789012) then has AWS managed policies to attach.
	// A DNS-validated ACM certificate turns ISSUED at once instead of 60 s
	// after its request (moto's default): the global stack's certificate
	// validation then waits for its records, not for a timer (-28 s).
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true", "MOTO_ACM_VALIDATION_WAIT=0")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // stopped by us, after destroy, not by Ctrl-C
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	m := &Moto{Endpoint: "http://" + addr, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(m.done) }()

	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("http://" + addr + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
		}
		select {
		case <-m.done:
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("moto_server exited before it answered:\n%s", lastLines(string(out), 10))
		case <-ctx.Done():
			m.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.Stop()
			return nil, fmt.Errorf("moto_server did not answer on %s within 30s (log: %s)", addr, logPath)
		}
	}
}

// Stop ends moto_server's process group: politely, then by force.
func (m *Moto) Stop() {
	select {
	case <-m.done:
		return // exited and reaped: its pid may belong to someone else now
	default:
	}
	pgid := m.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-m.done:
		return
	case <-time.After(5 * time.Second):
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-m.done
}
