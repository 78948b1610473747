package config

import (
	"strings"
	"testing"
)

// An account without a file is derived from its environments: alias = the
// account id, regions = the first environment's.
func TestAccountDerivedFromEnvironments(t *testing.T) {
	envs, err := loadProject(t, map[string]string{
		"acme-dev.yaml": "account_id: \"222222222222\"\nprimary:\n  region: eu-west-1\n  azs: [eu-west-1a, eu-west-1b]\nsecondary:\n  region: eu-central-1\n  azs: [eu-central-1a, eu-central-1b]\n",
		"acme-qa.yaml":  "account_id: \"222222222222\"\nprimary:\n  cidr: 10.50.0.0/16\nsecondary:\n  cidr: 10.51.0.0/16\n",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := envs[0].Account
	if a == nil || envs[1].Account != a {
		t.Fatalf("acme-dev and acme-qa share account 222222222222 but got accounts %v and %v", envs[0].Account, envs[1].Account)
	}
	if a.StackName() != "acme-222222222222-bootstrap" || a.State.Region != "eu-west-1" || a.State.ReplicaRegion != "eu-central-1" || a.State.NoncurrentVersionDays != 90 {
		t.Errorf("derived account %s: state %+v", a.StackName(), a.State)
	}
	if got := a.StateBucket(a.State.ReplicaRegion); got != "acme-tfstate-222222222222-euc1" {
		t.Errorf("replica bucket %s", got)
	}
	if roles := a.RunRoles(); len(roles) != 0 {
		t.Errorf("run roles %v for an account with no HCP Terraform environment", roles)
	}
}

// Run roles: an environment on backend type cloud gets one for its own
// organization and project; with hcp_terraform in the account file, every
// other environment gets one too.
func TestAccountRunRoles(t *testing.T) {
	cloud := "account_id: \"222222222222\"\nbackend:\n  type: cloud\n  cloud:\n    organization: acme\n    project: acme-dev\n    run_role_arn: arn:aws:iam::222222222222:role/acme-dev-hcp-terraform-run\n"
	envs, err := loadProject(t, map[string]string{
		"acme-dev.yaml": cloud,
		"acme-qa.yaml":  "account_id: \"222222222222\"\nprimary:\n  cidr: 10.50.0.0/16\nsecondary:\n  cidr: 10.51.0.0/16\n",
	}, map[string]string{"acme-development.yaml": "account_id: \"222222222222\"\nhcp_terraform:\n  organization: acme-ops\n"})
	if err != nil {
		t.Fatal(err)
	}
	roles := envs[0].Account.RunRoles()
	if len(roles) != 2 {
		t.Fatalf("%d run roles, want 2", len(roles))
	}
	if roles[0].Env.ID() != "acme-dev" || roles[0].Cloud.Organization != "acme" || roles[0].Cloud.ProjectName() != "acme-dev" {
		t.Errorf("acme-dev's role trusts %+v, want its backend's organization and project", roles[0].Cloud)
	}
	if roles[1].Env.ID() != "acme-qa" || roles[1].Cloud.Organization != "acme-ops" || roles[1].Cloud.ProjectName() != DefaultHCPTerraformProject || roles[1].Cloud.Hostname != DefaultHCPTerraformHost {
		t.Errorf("acme-qa's role trusts %+v, want the account's organization, the default project and host", roles[1].Cloud)
	}
	subs := roles[0].Cloud.RunSubjects(envs[0].StackNames())
	if len(subs) != 6 || subs[0] != "organization:acme:project:acme-dev:workspace:acme-dev-primary:run_phase:plan" || subs[5] != "organization:acme:project:acme-dev:workspace:acme-dev-global:run_phase:apply" {
		t.Errorf("subjects %v", subs)
	}
}

// Each problem names the file, the field, the value and what is allowed;
// what an environment misses names the bootstrap output to copy.
func TestAccountProblems(t *testing.T) {
	const env = minimal
	for _, tc := range []struct {
		name     string
		envs     map[string]string
		accounts map[string]string
		want     []string // file base name, field, and words of what is allowed
	}{
		{"unknown key", map[string]string{"acme-prod.yaml": env}, map[string]string{"acme-production.yaml": "account_id: \"111111111111\"\ncolour: red\n"},
			[]string{"acme-production.yaml", "colour", "allowed here: account_id, hcp_terraform, state"}},
		{"bad account id", map[string]string{"acme-prod.yaml": env}, map[string]string{"acme-production.yaml": "account_id: \"1111\"\n"},
			[]string{"acme-production.yaml", "account_id", "12-digit"}},
		{"no environment in the account", map[string]string{"acme-prod.yaml": env}, map[string]string{"acme-other.yaml": "account_id: \"333333333333\"\n"},
			[]string{"acme-other.yaml", "account_id", "no config/environments file names it"}},
		{"alias is an environment name", map[string]string{"acme-prod.yaml": env}, map[string]string{"acme-prod.yaml": "account_id: \"111111111111\"\n"},
			[]string{"acme-prod.yaml", "(file name) alias", "would match 'acme-prod-*'"}},
		{"bad alias", map[string]string{"acme-prod.yaml": env}, map[string]string{"acme-Prod_1.yaml": "account_id: \"111111111111\"\n"},
			[]string{"acme-Prod_1.yaml", "(file name) alias", "2-20 lower-case"}},
		{"two files for one account", map[string]string{"acme-prod.yaml": env}, map[string]string{"acme-main.yaml": "account_id: \"111111111111\"\n", "acme-other.yaml": "account_id: \"111111111111\"\n"},
			[]string{"acme-other.yaml", "account_id", "already describes account 111111111111"}},
		{"replica in the same region", map[string]string{"acme-prod.yaml": env}, map[string]string{"acme-main.yaml": "account_id: \"111111111111\"\nstate:\n  region: us-east-1\n  replica_region: us-east-1\n"},
			[]string{"acme-main.yaml", "state.replica_region", "a region other than state.region (us-east-1)"}},
		{"bad organization", map[string]string{"acme-prod.yaml": env}, map[string]string{"acme-main.yaml": "account_id: \"111111111111\"\nhcp_terraform:\n  organization: \"a b\"\n"},
			[]string{"acme-main.yaml", "hcp_terraform.organization", "letters, digits"}},
		{"cloud with another environment's run role", map[string]string{"acme-dev.yaml": "account_id: \"222222222222\"\nbackend:\n  type: cloud\n  cloud:\n    organization: acme\n    run_role_arn: arn:aws:iam::222222222222:role/acme-prod-hcp-terraform-run\n"}, nil,
			[]string{"acme-dev.yaml", "backend.cloud.run_role_arn", "output run_role_arn_acme_dev of stack acme-222222222222-bootstrap (arn:aws:iam::222222222222:role/acme-dev-hcp-terraform-run)"}},
		{"failover without a replica", map[string]string{"acme-prod.yaml": env + "backend:\n  type: s3\n  s3:\n    bucket: acme-tfstate-111111111111-use1\n    use_replica: true\n"}, nil,
			[]string{"acme-prod.yaml", "backend.s3.replica_bucket", "output state_replica_bucket of stack acme-111111111111-bootstrap (acme-tfstate-111111111111-usw2)"}},
		{"replica bucket is the bucket", map[string]string{"acme-prod.yaml": env + "backend:\n  type: s3\n  s3:\n    bucket: acme-state\n    replica_bucket: acme-state\n"}, nil,
			[]string{"acme-prod.yaml", "backend.s3.replica_bucket", "other than backend.s3.bucket"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadProject(t, tc.envs, tc.accounts)
			for _, p := range problemsOf(t, err) {
				line := p.String()
				if strings.Contains(line, tc.want[0]) && strings.Contains(line, tc.want[1]) && strings.Contains(line, tc.want[2]) {
					return
				}
			}
			t.Errorf("no problem names %q, %q and %q:\n%v", tc.want[0], tc.want[1], tc.want[2], err)
		})
	}
}

// The shipped account files and environments agree: acme-prod names its
// bootstrap bucket and replica, acme-dev its run role.
func TestShippedAccounts(t *testing.T) {
	for _, e := range shipped(t) {
		a := e.Account
		switch e.ID() {
		case "acme-prod":
			s := e.Backend.S3
			if e.Backend.Type != BackendS3 || s.Bucket != a.StateBucket(a.State.Region) || s.ReplicaBucket != a.StateBucket(a.State.ReplicaRegion) || s.ReplicaRegion != a.State.ReplicaRegion || s.UseReplica {
				t.Errorf("acme-prod's backend %+v does not name %s's buckets", s, a.StackName())
			}
		case "acme-dev":
			if e.Backend.Type != BackendCloud || e.Backend.Cloud.RunRoleARN != RunRoleARN(e) {
				t.Errorf("acme-dev's backend %+v", e.Backend)
			}
		}
	}
}

// Without run_role_arn a cloud environment's runs assume the run role its
// account's bootstrap stack makes for it.
func TestCloudRunRoleDefault(t *testing.T) {
	envs, err := loadFiles(t, map[string]string{"globex-dev.yaml": minimal + "backend:\n  type: cloud\n  cloud:\n    organization: globex\n"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := envs[0].Backend.Cloud.RunRoleARN, "arn:aws:iam::111111111111:role/globex-dev-hcp-terraform-run"; got != want {
		t.Errorf("run_role_arn %q, want %q", got, want)
	}
}
