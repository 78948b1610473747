package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options configure Offline and Emulate.
type Options struct {
	// Scratch is the folder the harness works in: new, empty, or one it made
	// before (anything else is refused). Stack copies, stub and emulator
	// state, logs and the Terraform CLI config go there.
	Scratch string
	// Parallel is how many stacks Offline checks at once; default runtime.NumCPU().
	Parallel int
	// Quick makes Offline run one Terraform command per stack instead of
	// two: plan only (whose first step is the same validation terraform
	// validate does, so no stack runs validate unless its plan fails), and no
	// show -json, so no plan.json. Each command costs ~1.5-2 s of CPU just to
	// load the AWS provider's schema.
	Quick bool
	// PerStack makes Offline plan each stack in a Terraform run of its own
	// (not all in one combined run), so each stack's plan log is that
	// stack's plan alone, as Terraform prints it.
	PerStack bool
	// Port is the port Emulate starts moto_server on; default 4566.
	Port int
	// PluginCacheDir is the provider cache shared by all stacks; default
	// $TF_PLUGIN_CACHE_DIR, else <Scratch>/plugin-cache.
	PluginCacheDir string
	// Log receives a line per finished step; nil discards them.
	Log io.Writer
	// AllowDestroy names the addresses of stateful resources an apply of a
	// production-tier stack may delete or replace (see GuardDestructive).
	AllowDestroy []string
}

// StepResult is the outcome of one Terraform command.
type StepResult struct {
	Ran      bool          // the step was attempted (false: skipped after an earlier failure)
	OK       bool          // it succeeded
	Duration time.Duration // wall time
	Output   string        // tail of its output, when it failed
	Log      string        // path of its full log
}

// Status is "ok", "FAIL", or "-" for a step that did not run.
func (s StepResult) Status() string {
	switch {
	case !s.Ran:
		return "-"
	case s.OK:
		return "ok"
	}
	return "FAIL"
}

// stepError describes a failed step for the joined error of a run: stack,
// step, Terraform's first error line and where the full log is.
func stepError(stack, step string, s StepResult) error {
	msg := ""
	for line := range strings.Lines(s.Output) {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "Error:") {
			msg = ": " + t
			break
		}
	}
	if s.Log != "" {
		msg += " (log: " + s.Log + ")"
	}
	return fmt.Errorf("%s: %s failed%s", stack, step, msg)
}

// DefaultMirror is where the AWS provider mirror is looked for when
// TF_PROVIDER_MIRROR is not set.
const DefaultMirror = "/opt/tf-plugins"

// fakeAccessKey is the access key every child process gets; it exists nowhere.
const fakeAccessKey = "AKIAFAKEFAKEFAKEFAKE"

// RequireTerraform checks that the terraform CLI is on PATH and runs.
func RequireTerraform() error {
	bin, err := exec.LookPath("terraform")
	if err != nil {
		return errors.New("terraform is not on PATH: install Terraform 1.11.x from " +
			"https://releases.hashicorp.com/terraform/ (or the `terraform` package of " +
			"HashiCorp's apt/yum repository or Homebrew tap) and put it on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version", "-json")
	cmd.Env = childEnv(os.Environ(), os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s version failed: %w", bin, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || !strings.HasPrefix(v.Version, "1.") {
		return fmt.Errorf("%s is not Terraform 1.x (version output %q); install Terraform 1.11.x", bin, bytes.TrimSpace(out))
	}
	return nil
}

// terraform runs the terraform CLI with the harness's CLI config and a
// sanitized environment.
type terraform struct {
	bin   string
	env   []string
	logMu sync.Mutex
	logTo io.Writer
}

// newTerraform prepares the scratch folder and its CLI config for opts.
func newTerraform(opts *Options) (*terraform, error) {
	if opts.Scratch == "" {
		return nil, errors.New("harness: Options.Scratch is required")
	}
	scratch, err := filepath.Abs(opts.Scratch)
	if err != nil {
		return nil, err
	}
	opts.Scratch = scratch
	// The harness replaces stack copies and state in its scratch folder, so it
	// refuses any other folder, such as the project itself (whose cdktf.out
	// and state/ are exactly where its copies would go).
	marker := filepath.Join(scratch, ".harness-scratch")
	if entries, err := os.ReadDir(scratch); err == nil && len(entries) > 0 && !fileExists(marker) {
		return nil, fmt.Errorf("harness: scratch folder %s is not empty and not one the harness made; use a new or empty folder", scratch)
	}
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(marker, []byte("scratch folder of the multiregion harness: its content is replaced on every run\n"), 0o644); err != nil {
		return nil, err
	}
	if opts.Parallel <= 0 {
		opts.Parallel = runtime.NumCPU()
	}
	if opts.Port == 0 {
		opts.Port = 4566
	}
	if opts.PluginCacheDir == "" {
		opts.PluginCacheDir = os.Getenv("TF_PLUGIN_CACHE_DIR")
	}
	if opts.PluginCacheDir == "" {
		opts.PluginCacheDir = filepath.Join(scratch, "plugin-cache")
	}
	if err := os.MkdirAll(opts.PluginCacheDir, 0o755); err != nil {
		return nil, err
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		return nil, RequireTerraform() // explains how to get it
	}
	rc, err := writeCLIConfig(scratch, opts.PluginCacheDir)
	if err != nil {
		return nil, err
	}
	logTo := opts.Log
	if logTo == nil {
		logTo = io.Discard
	}
	return &terraform{bin: bin, env: childEnv(os.Environ(), rc), logTo: logTo}, nil
}

// writeCLIConfig writes the Terraform CLI config (cliConfig) into dir as
// terraformrc and returns its path. The mirror is TF_PROVIDER_MIRROR, else
// DefaultMirror; none when it does not exist (the public registry, as on a
// user's laptop).
func writeCLIConfig(dir, cacheDir string) (string, error) {
	mirror := os.Getenv("TF_PROVIDER_MIRROR")
	if mirror == "" {
		mirror = DefaultMirror
	}
	if _, err := os.Stat(mirror); err != nil {
		mirror = ""
	}
	rc := filepath.Join(dir, "terraformrc")
	return rc, os.WriteFile(rc, cliConfig(cacheDir, mirror), 0o644)
}

// cliConfig is the Terraform CLI config: a plugin cache shared by every stack
// and, when a mirror exists, the AWS provider from that mirror only.
func cliConfig(cacheDir, mirror string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "plugin_cache_dir = %q\n", cacheDir)
	if mirror != "" {
		fmt.Fprintf(&b, `provider_installation {
  filesystem_mirror {
    path = %q
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`, mirror)
	}
	return b.Bytes()
}

// droppedEnv are the variables no child process inherits: they could point
// Terraform or the provider at a real account, HCP Terraform, another data
// dir or CLI config, or extra CLI arguments.
var droppedEnv = []string{
	"AWS_", "TF_CLI_", "TF_WORKSPACE=", "TF_DATA_DIR=", "TF_PLUGIN_CACHE_DIR=",
	"TF_REATTACH_PROVIDERS=", "TF_TOKEN_", "TF_CLOUD_", "TF_INPUT=",
	"TF_IN_AUTOMATION=", "CHECKPOINT_DISABLE=",
}

// childEnv is base without droppedEnv, plus fake credentials and
// non-interactive settings, with cliConfig as the Terraform CLI config.
func childEnv(base []string, cliConfig string) []string {
	env := make([]string, 0, len(base)+12)
	hasGOGC, hasLogLevel := false, false
	for _, kv := range base {
		if strings.HasPrefix(kv, "GOGC=") {
			hasGOGC = true
		}
		if strings.HasPrefix(kv, "TF_LOG") {
			hasLogLevel = true
		}
		dropped := false
		for _, p := range droppedEnv {
			if strings.HasPrefix(kv, p) {
				dropped = true
				break
			}
		}
		if !dropped {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_ACCESS_KEY_ID="+fakeAccessKey,
		"AWS_SECRET_ACCESS_KEY=fake",
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_INPUT=0",
		"TF_CLI_CONFIG_FILE="+cliConfig,
	)
	if !hasGOGC {
		// Loading the AWS provider's schema dominates every command; with less
		// frequent GC it costs ~40% less CPU (measured: validate 3.0 -> 1.7 CPU-s)
		// for ~10% more memory. Terraform passes it on to the provider.
		env = append(env, "GOGC=400")
	}
	if !hasLogLevel {
		// With no log level set, the provider's SDKs log every RPC at TRACE
		// to stderr (33 MB of JSON for the 12 example stacks), which
		// Terraform parses only to drop it: ~2.5 of 37 CPU-s of an offline
		// plan. A user who sets any TF_LOG* variable gets the logs back.
		env = append(env, quietProviderLogs...)
	}
	return env
}

// quietProviderLogs turns off the provider-side logs of terraform-plugin-log:
// the SDK, protocol, framework and mux subsystems, and the provider's own.
var quietProviderLogs = []string{
	"TF_LOG_SDK=off", "TF_LOG_SDK_PROTO=off", "TF_LOG_SDK_FRAMEWORK=off",
	"TF_LOG_SDK_MUX=off", "TF_LOG_SDK_HELPER_SCHEMA=off", "TF_LOG_PROVIDER=off",
}

// run runs terraform args in dir and logs its output to logPath. Stdout goes
// to stdout instead when that is non-nil. The exit code is returned as well,
// for plan -detailed-exitcode. On ctx cancel Terraform gets an interrupt, so it
// can stop cleanly and save state, as on Ctrl-C.
func (tf *terraform) run(ctx context.Context, dir, logPath string, stdout io.Writer, args ...string) (res StepResult, code int) {
	res = StepResult{Ran: true, Log: logPath}
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		res.Output = err.Error()
		return res, -1
	}
	logf, err := os.Create(logPath)
	if err != nil {
		res.Output = err.Error()
		return res, -1
	}
	defer logf.Close()
	fmt.Fprintf(logf, "$ cd %s && terraform %s\n", dir, strings.Join(args, " "))
	tail := &tailWriter{}
	combined := io.MultiWriter(logf, tail)

	cmd := exec.CommandContext(ctx, tf.bin, args...)
	cmd.Dir = dir
	cmd.Env = tf.env
	cmd.Stdout, cmd.Stderr = combined, combined
	if stdout != nil {
		cmd.Stdout = stdout
	}
	// Own process group: a terminal's Ctrl-C reaches only us, and we interrupt
	// Terraform once (a second interrupt would make it abort without saving).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 2 * time.Minute
	err = cmd.Run()
	if ctx.Err() != nil && cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // providers left behind by a killed Terraform
	}
	code = -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	res.OK = err == nil
	if err != nil {
		res.Output = tail.String()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || ctx.Err() != nil {
			res.Output += "\n" + err.Error()
		}
		fmt.Fprintf(logf, "\n# %v\n", err)
	}
	return res, code
}

// logf writes one progress line.
func (tf *terraform) logf(format string, args ...any) {
	tf.logMu.Lock()
	defer tf.logMu.Unlock()
	fmt.Fprintf(tf.logTo, format+"\n", args...)
}

// tailWriter keeps the end of what is written to it.
type tailWriter struct{ buf []byte }

const tailBytes = 8 << 10

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4*tailBytes {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

// String is the last 40 lines (at most tailBytes) written.
func (t *tailWriter) String() string {
	b := t.buf
	if len(b) > tailBytes {
		b = b[len(b)-tailBytes:]
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

// scratchStackDir is where a stack's copy lives: three levels below the
// scratch folder, like cdktf.out/stacks/<stack>, so that the relative state
// path ../../../state/<stack>.tfstate resolves to <scratch>/state.
func scratchStackDir(scratch, stack string) string {
	return filepath.Join(scratch, "cdktf.out", "stacks", stack)
}

// copyStack replaces dst with a copy of the stack folder src, leaving out the
// working files a user's own deploys may have left there (.terraform, the
// lock file, state, plans), so the check depends on the synthesized files only.
func copyStack(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return copyTree(src, dst, func(name string) bool {
		return name == ".terraform" || name == ".terraform.lock.hcl" || name == offlineOverrideFile ||
			strings.Contains(name, ".tfstate") || strings.HasSuffix(name, ".tfplan")
	})
}

// copyTree copies folder src to dst, keeping symlinks as symlinks and leaving
// out entries whose name skip reports (skip may be nil).
func copyTree(src, dst string, skip func(name string) bool) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != src && skip != nil && skip(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// dropLockHashes removes the checksums from dir/.terraform.lock.hcl. Every
// Terraform command re-hashes the 700 MB AWS provider binary against them
// before it starts (~0.7 s CPU each, measured); with no hashes recorded that
// check is skipped. Init verified the package when it installed it, and this
// lock file exists only in scratch.
func dropLockHashes(dir string) error {
	path := filepath.Join(dir, ".terraform.lock.hcl")
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var out []string
	inHashes := false
	for line := range strings.Lines(string(data)) {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "hashes") && strings.HasSuffix(t, "["):
			inHashes = true
		case inHashes:
			inHashes = t != "]"
		default:
			out = append(out, line)
		}
	}
	return os.WriteFile(path, []byte(strings.Join(out, "")), 0o644)
}
