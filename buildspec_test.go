package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// buildspec is the shipped buildspec.yml, as CodeBuild reads it.
type buildspec struct {
	Version string `yaml:"version"`
	Env     struct {
		Shell     string            `yaml:"shell"`
		Variables map[string]string `yaml:"variables"`
	} `yaml:"env"`
	Phases map[string]struct {
		Commands []string `yaml:"commands"`
	} `yaml:"phases"`
	Artifacts struct {
		Files []string `yaml:"files"`
	} `yaml:"artifacts"`
}

// TestBuildspecRuns runs the shipped buildspec's phases in order in one
// bash (as CodeBuild does), with stub docker and aws commands that record
// their calls, and checks what it pushes and the image definitions it
// writes: each deploy target's file names an image in its own region's
// registry, the secondary's the replicated repository.
func TestBuildspecRuns(t *testing.T) {
	data, err := os.ReadFile("buildspec.yml")
	if err != nil {
		t.Fatal(err)
	}
	var spec buildspec
	if err := yaml.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Version != "0.2" || spec.Env.Shell != "bash" || !slices.Equal(spec.Artifacts.Files, []string{"imagedefinitions-*.json"}) {
		t.Fatalf("buildspec header %+v", spec)
	}
	for _, tc := range []struct {
		name            string
		staging, noVars bool
	}{{"without staging", false, false}, {"with staging", true, false}, {"started by hand", false, true}} {
		staging := tc.staging
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			os.Mkdir(bin, 0o755)
			calls := filepath.Join(dir, "calls")
			// aws: the image is not in the primary yet, and has replicated
			// to the secondary.
			os.WriteFile(filepath.Join(bin, "aws"), []byte(`#!/bin/sh
echo "aws $*" >> "$CALLS"
case "$*" in
  *get-login-password*) echo secret ;;
  *describe-images*"--region us-west-2"*) exit 0 ;;
  *describe-images*) exit 1 ;;
esac
`), 0o755)
			os.WriteFile(filepath.Join(bin, "docker"), []byte("#!/bin/sh\ncase \"$1\" in login) cat >/dev/null ;; esac\necho \"docker $*\" >> \"$CALLS\"\n"), 0o755)
			os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch AS build\nFROM scratch AS test\nFROM scratch\n"), 0o644)

			var script strings.Builder
			for k, v := range spec.Env.Variables {
				script.WriteString("export " + k + "=" + shellQuote(v) + "\n")
			}
			for _, phase := range []string{"pre_build", "build", "post_build"} {
				for _, c := range spec.Phases[phase].Commands {
					// CodeBuild stops the phase at the first failing command.
					script.WriteString("{\n" + c + "\n} || { echo \"FAILED: " + strings.ReplaceAll(strings.SplitN(c, "\n", 2)[0], "\"", "'") + "\" >&2; exit 1; }\n")
				}
			}
			cmd := exec.Command("bash", "-c", script.String())
			cmd.Dir = dir
			env := []string{
				"PATH=" + bin + ":" + os.Getenv("PATH"), "CALLS=" + calls,
				// The build project's variables.
				"AWS_ACCOUNT_ID=111111111111", "PRIMARY_REGION=us-east-1", "SECONDARY_REGION=us-west-2",
				"IMAGE_REPOSITORY_URI=111111111111.dkr.ecr.us-east-1.amazonaws.com/acme-prod/app", "CONTAINER_NAME=app",
				"CODEBUILD_RESOLVED_SOURCE_VERSION=0123456789abcdef0123456789abcdef01234567", "CODEBUILD_BUILD_SUCCEEDING=1",
			}
			if !tc.noVars { // the pipeline's build action's
				env = append(env, "SECONDARY_REPOSITORY_URI=111111111111.dkr.ecr.us-west-2.amazonaws.com/acme-prod/app")
			}
			if staging {
				env = append(env, "STAGING_REPOSITORY_URI=111111111111.dkr.ecr.us-east-1.amazonaws.com/acme-staging/app", "STAGING_CONTAINER_NAME=web")
			}
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if tc.noVars {
				if err == nil || !strings.Contains(string(out), "SECONDARY_REPOSITORY_URI is not set") {
					t.Errorf("a build without the pipeline's variables ran on: %v\n%s", err, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("buildspec failed: %v\n%s", err, out)
			}
			log, _ := os.ReadFile(calls)
			const tag = "0123456789abcdef0123456789abcdef01234567"
			for _, want := range []string{
				"docker build -f Dockerfile --target test",
				"docker build -f Dockerfile -t 111111111111.dkr.ecr.us-east-1.amazonaws.com/acme-prod/app:" + tag,
				"docker push 111111111111.dkr.ecr.us-east-1.amazonaws.com/acme-prod/app:" + tag,
				"aws ecr describe-images --region us-west-2 --repository-name acme-prod/app --image-ids imageTag=" + tag,
			} {
				if !strings.Contains(string(log), want) {
					t.Errorf("no %q in the calls:\n%s", want, log)
				}
			}
			defs := map[string]string{
				"imagedefinitions-primary.json":   "111111111111.dkr.ecr.us-east-1.amazonaws.com/acme-prod/app:" + tag,
				"imagedefinitions-secondary.json": "111111111111.dkr.ecr.us-west-2.amazonaws.com/acme-prod/app:" + tag,
			}
			if staging {
				defs["imagedefinitions-staging.json"] = "111111111111.dkr.ecr.us-east-1.amazonaws.com/acme-staging/app:" + tag
				if !strings.Contains(string(log), "docker push 111111111111.dkr.ecr.us-east-1.amazonaws.com/acme-staging/app:"+tag) {
					t.Errorf("the image was not pushed to the staging repository:\n%s", log)
				}
				if !strings.Contains(string(log), "docker login --username AWS --password-stdin 111111111111.dkr.ecr.us-east-1.amazonaws.com\n") {
					t.Errorf("no login to the staging registry:\n%s", log)
				}
			} else if _, err := os.Stat(filepath.Join(dir, "imagedefinitions-staging.json")); err == nil {
				t.Error("a staging image definitions file without a staging target")
			}
			for file, uri := range defs {
				raw, err := os.ReadFile(filepath.Join(dir, file))
				if err != nil {
					t.Fatalf("%s: %v\n%s", file, err, out)
				}
				var d []struct{ Name, ImageURI string }
				if err := json.Unmarshal(raw, &d); err != nil || len(d) != 1 {
					t.Fatalf("%s: %s: %v", file, raw, err)
				}
				wantName := "app"
				if file == "imagedefinitions-staging.json" {
					wantName = "web"
				}
				if d[0].ImageURI != uri || d[0].Name != wantName {
					t.Errorf("%s = %s, want %s for container %s", file, raw, uri, wantName)
				}
			}
		})
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
