package diagram

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goldenStacks reads an example environment's stacks from the golden files
// (testdata/<stack>.tf.json, byte for byte what the app synthesizes).
func goldenStacks(t *testing.T, env string) []Stack {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", env+"-*.tf.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files for %s: %v", env, err)
	}
	var stacks []Stack
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		stacks = append(stacks, Stack{Name: strings.TrimSuffix(filepath.Base(p), ".tf.json"), JSON: data})
	}
	return stacks
}

// goldenEnvs are the example environments with golden files.
func goldenEnvs(t *testing.T) []string {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "*-primary.tf.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	var envs []string
	for _, p := range paths {
		envs = append(envs, strings.TrimSuffix(filepath.Base(p), "-primary.tf.json"))
	}
	return envs
}

// TestCommittedDiagramsAreCurrent fails when docs/diagrams holds a picture
// that the stacks no longer give. UPDATE_DIAGRAMS=1 go test ./diagram/
// rewrites them (as go run ./cmd/diagram does from cdktf.out).
func TestCommittedDiagramsAreCurrent(t *testing.T) {
	dir := filepath.Join("..", "docs", "diagrams")
	update := os.Getenv("UPDATE_DIAGRAMS") == "1"
	for _, env := range goldenEnvs(t) {
		t.Run(env, func(t *testing.T) {
			files, err := Render(context.Background(), env, goldenStacks(t, env))
			if err != nil {
				t.Fatal(err)
			}
			if update {
				if _, err := files.Write(dir); err != nil {
					t.Fatal(err)
				}
			}
			mmd, svg := Paths(dir, env)
			for path, want := range map[string][]byte{mmd: files.Mermaid, svg: files.SVG} {
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (UPDATE_DIAGRAMS=1 go test ./diagram/ writes it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s is stale: regenerate with UPDATE_DIAGRAMS=1 go test ./diagram/ (or go run ./cmd/diagram after a synth)", path)
				}
			}
		})
	}
}

// edgeBetween finds an edge by label and the first lines of its ends.
func edgeBetween(g *Graph, from, label, to string) bool {
	title := map[string]string{}
	var walk func(c *Cluster)
	walk = func(c *Cluster) {
		title[c.ID] = c.Label
		for _, n := range c.Nodes {
			title[n.ID] = strings.Join(n.Lines, " | ")
		}
		for _, k := range c.Clusters {
			walk(k)
		}
	}
	walk(&g.Root)
	return slices.ContainsFunc(g.Edges, func(e Edge) bool {
		return strings.Contains(title[e.From], from) && strings.Contains(e.Label, label) && strings.Contains(title[e.To], to)
	})
}

// TestProductionPicture checks what the acme-prod picture shows: the
// regions' tiers and AZs, the front door, replication, the pipeline's
// deploy targets and the cross-stack links.
func TestProductionPicture(t *testing.T) {
	g, err := Build("acme-prod", goldenStacks(t, "acme-prod"))
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	var walk func(c *Cluster)
	walk = func(c *Cluster) {
		labels = append(labels, c.Label)
		for _, k := range c.Clusters {
			walk(k)
		}
	}
	walk(&g.Root)
	for _, want := range []string{
		"acme-prod-primary · us-east-1", "acme-prod-secondary · us-west-2", "acme-prod-global · us-east-1",
		"VPC 10.0.0.0/16 · acme-prod-use1", "VPC 10.1.0.0/16 · acme-prod-usw2",
		"public subnets: us-east-1a 10.0.0.0/20 · us-east-1b 10.0.16.0/20",
		"database subnets: us-west-2a 10.1.128.0/20 · us-west-2b 10.1.144.0/20",
		"CodePipeline acme-prod-pipeline",
	} {
		if !slices.Contains(labels, want) {
			t.Errorf("no cluster %q; clusters: %q", want, labels)
		}
	}
	for _, e := range []struct{ from, label, to string }{
		{"Application Load Balancer | acme-prod-use1-app", "tcp :8080", "ECS service app"},
		{"ECS service app", "tcp :5432", "RDS postgres writer"},
		{"ECS service app", "pulls image", "ECR repository"},
		{"RDS postgres writer | acme-prod-use1-db", "cross-region replication", "RDS read replica | acme-prod-usw2-db"},
		{"ECR repository", "ECR replication", "ECR repository"},
		{"S3 bucket | acme-prod-use1-artifacts", "S3 replication", "S3 bucket | acme-prod-usw2-artifacts"},
		{"CodeCommit | acme-prod-app | acme-prod: source", "every push", "CodeBuild acme-prod-mirror"},
		{"CodeBuild acme-prod-mirror", "git push --mirror", "CodeCommit | acme-prod-app | acme-prod: replica"},
		{"VPC peering", "requester 10.1.0.0/16", "VPC 10.1.0.0/16"},
		{"VPC peering", "accepter 10.0.0.0/16", "VPC 10.0.0.0/16"},
		{"CodeCommit | acme-prod-app | acme-prod: source", "push to main", "1. Source"},
		{"2. Build", "runs build", "CodeBuild acme-prod-build"},
		{"3. Deploy_to_Staging", "deploys to us-east-1", "ECS acme-staging-use1 / app"},
		{"5. Deploy_to_Production", "deploys to us-east-1", "ECS service app"},
		{"5. Deploy_to_Production", "deploys to us-west-2", "ECS service app"},
		{"WAF web ACL", "filters requests", "CloudFront"},
		{"Route 53 alias records", "alias", "CloudFront"},
		{"CloudFront", "origin secondary", "Application Load Balancer | acme-prod-usw2-app"},
		{"Route 53 failover PRIMARY", "alias, primary", "Application Load Balancer | acme-prod-use1-app"},
		{"Route 53 failover SECONDARY", "fails over on", "Route 53 health check"},
		{"Route 53 health check", "probes", "Application Load Balancer | acme-prod-usw2-app"},
		{"Terraform state | s3://acme-tfstate-111111111111-use1/acme-prod-primary/terraform.tfstate", "remote state", "Terraform state | s3://acme-tfstate-111111111111-use1/acme-prod-secondary/terraform.tfstate"},
		{"Terraform state | s3://acme-tfstate-111111111111-use1/acme-prod-secondary/terraform.tfstate", "remote state", "Terraform state | s3://acme-tfstate-111111111111-use1/acme-prod-global/terraform.tfstate"},
	} {
		if !edgeBetween(g, e.from, e.label, e.to) {
			t.Errorf("no edge %q -[%s]-> %q", e.from, e.label, e.to)
		}
	}
	for _, e := range g.Edges {
		if e.Label == "" {
			t.Errorf("edge %s -> %s has no label", e.From, e.To)
		}
	}
}

// TestStackOrderDoesNotMatter: the same stacks in any order give the same picture.
func TestStackOrderDoesNotMatter(t *testing.T) {
	stacks := goldenStacks(t, "acme-prod")
	a, err := Build("acme-prod", stacks)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(stacks)
	b, err := Build("acme-prod", stacks)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Mermaid(), b.Mermaid()) || !bytes.Equal(a.DOT(), b.DOT()) {
		t.Error("the picture depends on the order the stacks come in")
	}
}

// TestRemoteStackNames: the stack a terraform_remote_state reads, for each backend.
func TestRemoteStackNames(t *testing.T) {
	for _, c := range []struct {
		cfg  map[string]any
		want string
	}{
		{map[string]any{"path": "../../../state/acme-prod-primary.tfstate"}, "acme-prod-primary"},
		{map[string]any{"bucket": "b", "key": "acme-prod-primary/terraform.tfstate"}, "acme-prod-primary"},
		{map[string]any{"organization": "o", "workspaces": map[string]any{"name": "acme-prod-primary"}}, "acme-prod-primary"},
		{map[string]any{}, "acme-prod-primary"}, // cdktf's data source name
	} {
		if got := remoteStack("cross-stack-reference-input-acme-prod-primary", c.cfg); got != c.want {
			t.Errorf("remoteStack(%v) = %q, want %q", c.cfg, got, c.want)
		}
	}
}

// TestNoStacks is an error, not an empty picture.
func TestNoStacks(t *testing.T) {
	if _, err := Build("acme-none", nil); err == nil {
		t.Error("no error for an environment without stacks")
	}
	if _, err := Build("acme-bad", []Stack{{Name: "acme-bad-primary", JSON: []byte("{")}}); err == nil || !strings.Contains(err.Error(), "acme-bad-primary") {
		t.Errorf("error %v does not name the stack", err)
	}
}
