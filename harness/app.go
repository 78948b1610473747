package harness

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ModuleRoot finds the repository: the folder at or above the working
// directory whose go.mod declares module.
func ModuleRoot(module string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			sc := bufio.NewScanner(strings.NewReader(string(data)))
			for sc.Scan() {
				if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" && fields[1] == module {
					return dir, nil
				}
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run this inside the %s repository (no go.mod for it above the working directory)", module)
		}
		dir = parent
	}
}

// Synthesize runs the app (go run . at the repository root) into outdir, a
// scratch folder of the caller's that it empties first, for envs (all when
// empty). The user's cdktf.out is never touched.
func Synthesize(ctx context.Context, repo, outdir string, envs []string) error {
	if matches, _ := filepath.Glob(filepath.Join(repo, "*.go")); len(matches) == 0 {
		return fmt.Errorf("the app (main.go at %s) does not exist: check a synthesized cdktf output instead", repo)
	}
	if err := os.RemoveAll(outdir); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "run", ".")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CDKTF_OUTDIR="+outdir, "MULTIREGION_ENVIRONMENTS="+strings.Join(envs, ","))
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		cmd.Env = append(cmd.Env, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("synthesizing (go run . in %s): %w", repo, err)
	}
	return nil
}

// PluginCache is the provider cache: the user's TF_PLUGIN_CACHE_DIR, else
// one under dir (a folder that outlives the wiped scratch folders: on a
// machine without the mirror it saves a download per run).
func PluginCache(dir string) string {
	if d := os.Getenv("TF_PLUGIN_CACHE_DIR"); d != "" {
		return d
	}
	return filepath.Join(dir, "plugin-cache")
}
