package harness

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	// Endpoint is its URL, http://127.0.0.1:<port>.
	Endpoint string
	server   *motoServer
}

// StartMoto starts the patched moto_server on 127.0.0.1:port (0 picks a
// free port), logging to logPath, and waits until it answers.
func StartMoto(ctx context.Context, port int, logPath string) (*Moto, error) {
	if port == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	m, err := startMoto(ctx, port, logPath)
	if err != nil {
		return nil, err
	}
	return &Moto{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), server: m}, nil
}

// Stop ends moto_server.
func (m *Moto) Stop() { m.server.stop() }
