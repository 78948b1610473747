package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// AccountsDirName is the folder beside the environments folder that holds
// the optional per-account files, config/accounts/<customer>-<alias>.yaml.
const AccountsDirName = "accounts"

// DefaultHCPTerraformHost is HCP Terraform's host; Terraform Enterprise
// installations set their own.
const DefaultHCPTerraformHost = "app.terraform.io"

// DefaultHCPTerraformProject is the project HCP Terraform puts workspaces
// in when none is named.
const DefaultHCPTerraformProject = "Default Project"

// WorkloadIdentityAudience is the audience HCP Terraform puts in its AWS
// workload identity tokens (TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE's default).
const WorkloadIdentityAudience = "aws.workload.identity"

// Account is one AWS account of a customer: what its bootstrap stack
// creates for the environments that live in it (state buckets in two
// regions, the HCP Terraform identity provider, a run role per environment).
// Every (customer, account_id) pair of the environments has one; the file
// config/accounts/<customer>-<alias>.yaml is optional and names it or
// overrides its defaults.
type Account struct {
	// File is the account file, "" when the account is derived from the
	// environments alone.
	File string `yaml:"-"`
	// Customer and Alias come from the file name <customer>-<alias>.yaml;
	// Alias is the account id when there is no file.
	Customer string `yaml:"-"`
	Alias    string `yaml:"-"`

	// ID is the 12-digit AWS account id.
	ID string `yaml:"account_id"`
	// State is where the account's Terraform state lives.
	State StateBuckets `yaml:"state"`
	// HCPTerraform, when set, gives every environment of the account that
	// is not itself on backend type cloud an HCP Terraform run role (for
	// runs in that organization and project).
	HCPTerraform *CloudBackend `yaml:"hcp_terraform"`

	// Environments are the account's environments (ids, sorted). Computed.
	Environments []*Environment `yaml:"-"`
	// Emulator is the emulator of the account's environments, if any: an
	// emulated account's bootstrap is applied there too. Computed.
	Emulator *Emulator `yaml:"-"`
}

// StateBuckets are the account's state bucket and its replica.
type StateBuckets struct {
	// Region of the state bucket. Default: the primary region of the
	// account's first environment (by id).
	Region string `yaml:"region"`
	// ReplicaRegion of the replica. Default: that environment's secondary
	// region.
	ReplicaRegion string `yaml:"replica_region"`
	// NoncurrentVersionDays keeps replaced state versions this long. Default 90.
	NoncurrentVersionDays int `yaml:"noncurrent_version_days"`
}

// RunRole is the HCP Terraform run role of one environment.
type RunRole struct {
	Env *Environment
	// Cloud is the organization, project and host whose runs may assume it.
	Cloud CloudBackend
}

// StackName is the bootstrap stack, <customer>-<alias>-bootstrap.
func (a *Account) StackName() string {
	return fmt.Sprintf("%s-%s%s", a.Customer, a.Alias, BootstrapSuffix)
}

// BootstrapSuffix ends the name of every account's bootstrap stack, which
// belongs to no environment.
const BootstrapSuffix = "-bootstrap"

// Where names the account in messages: its file, or its environments.
func (a *Account) Where() string {
	if a.File != "" {
		return a.File
	}
	return fmt.Sprintf("account %s of %s", a.ID, strings.Join(a.envIDs(), ", "))
}

func (a *Account) envIDs() []string {
	var ids []string
	for _, e := range a.Environments {
		ids = append(ids, e.ID())
	}
	return ids
}

// StateBucket is the name of the state bucket in region:
// <customer>-tfstate-<account>-<short region>, globally unique through the
// account id.
func (a *Account) StateBucket(region string) string {
	return fmt.Sprintf("%s-tfstate-%s-%s", a.Customer, a.ID, ShortRegion(region))
}

// RunRoleName is the IAM role HCP Terraform runs of env assume.
func RunRoleName(env *Environment) string { return env.ID() + "-hcp-terraform-run" }

// RunRoleARN is the ARN of env's run role in its account.
func RunRoleARN(env *Environment) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", env.AccountID, RunRoleName(env))
}

// RunRoles are the account's environments that HCP Terraform runs: those on
// backend type cloud (their own organization and project) and, when the
// account names an organization, every other one.
func (a *Account) RunRoles() []RunRole {
	var out []RunRole
	for _, e := range a.Environments {
		switch {
		case e.Backend.Type == BackendCloud && e.Backend.Cloud != nil:
			out = append(out, RunRole{Env: e, Cloud: *e.Backend.Cloud})
		case a.HCPTerraform != nil:
			out = append(out, RunRole{Env: e, Cloud: *a.HCPTerraform})
		}
	}
	return out
}

// ProjectName is the HCP Terraform project, its default when unnamed.
func (c CloudBackend) ProjectName() string {
	if c.Project == "" {
		return DefaultHCPTerraformProject
	}
	return c.Project
}

// RunSubjects are the `sub` claims of the plan and apply runs of stacks in
// the organization and project of c, the workspaces named after the stacks.
func (c CloudBackend) RunSubjects(stacks []string) []string {
	var out []string
	for _, s := range stacks {
		for _, phase := range []string{"plan", "apply"} {
			out = append(out, fmt.Sprintf("organization:%s:project:%s:workspace:%s:run_phase:%s", c.Organization, c.ProjectName(), s, phase))
		}
	}
	return out
}

var aliasRe = regexp.MustCompile(`^[a-z][a-z0-9]{1,19}$`)

// loadAccounts reads the account files in dir (optional) and derives an
// account for every (customer, account_id) pair of envs, attaching each
// environment to its account (Environment.Account). Every problem comes
// back; the account of an environment is set even when there are problems.
func loadAccounts(dir string, envs []*Environment) Problems {
	var ps Problems
	paths, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	slices.Sort(paths)
	byKey := map[string]*Account{} // customer/account id
	for _, path := range paths {
		a, fileProblems := parseAccount(path)
		ps = append(ps, fileProblems...)
		if a == nil {
			continue
		}
		key := a.Customer + "/" + a.ID
		if prev := byKey[key]; prev != nil {
			ps = append(ps, Problem{File: path, Field: "account_id", Value: a.ID,
				Want: fmt.Sprintf("one file per account: %s already describes account %s of %s", prev.File, a.ID, a.Customer)})
			continue
		}
		byKey[key] = a
	}
	for _, e := range envs {
		key := e.Customer + "/" + e.AccountID
		a := byKey[key]
		if a == nil {
			a = &Account{Customer: e.Customer, Alias: e.AccountID, ID: e.AccountID}
			byKey[key] = a
		}
		a.Environments = append(a.Environments, e)
		e.Account = a
	}
	for _, a := range byKey {
		ps = append(ps, a.resolve()...)
	}
	return ps
}

// parseAccount reads one account file strictly.
func parseAccount(path string) (*Account, Problems) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Problems{unreadable(path, err)}
	}
	a := &Account{File: path}
	a.Customer, a.Alias, _ = strings.Cut(fileBase(path), "-")
	// The same input rules as an environment file; an account is small, so
	// its input problems are reported alone.
	if _, ps, _ := decodeStrict(path, data, a); len(ps) > 0 {
		return nil, ps
	}
	c := &fileProblems{file: path}
	c.customer(a.Customer, "<alias>")
	if !aliasRe.MatchString(a.Alias) {
		c.add("(file name) alias", a.Alias, "the alias part of <customer>-<alias>.yaml must be 2-20 lower-case letters and digits, starting with a letter")
	}
	if !accountRe.MatchString(a.ID) {
		c.add("account_id", a.ID, "required: the 12-digit AWS account id (quote it in YAML)")
	}
	if h := a.HCPTerraform; h != nil {
		if !orgRe.MatchString(h.Organization) {
			c.add("hcp_terraform.organization", h.Organization, "an HCP Terraform organization name: letters, digits, - and _")
		}
		if h.RunRoleARN != "" {
			c.add("hcp_terraform.run_role_arn", h.RunRoleARN, "nothing here: the bootstrap stack makes a run role per environment")
		}
		setDefault(&h.Hostname, DefaultHCPTerraformHost)
	}
	return a, c.list
}

// resolve applies the defaults the environments give and checks the account
// against them.
func (a *Account) resolve() Problems {
	c := &fileProblems{file: a.Where()}
	if a.File != "" && len(a.Environments) == 0 {
		c.add("account_id", a.ID, "the account of at least one environment of %s (no config/environments file names it)", a.Customer)
		return c.list
	}
	first := a.Environments[0]
	for _, e := range a.Environments {
		if a.Alias == e.Name {
			c.add("(file name) alias", a.Alias, "an alias that is no environment name of %s: stack %s would match '%s-*'", a.Customer, a.StackName(), e.ID())
		}
		if e.Emulator != nil {
			a.Emulator = e.Emulator
		}
	}
	setDefault(&a.State.Region, first.Primary.Region)
	setDefault(&a.State.ReplicaRegion, first.Secondary.Region)
	setDefault(&a.State.NoncurrentVersionDays, 90)
	// Regions taken from an environment are checked in its file.
	if a.File != "" && !knownRegion(a.State.Region) {
		c.add("state.region", a.State.Region, "one of %s", strings.Join(Regions(), ", "))
	}
	if a.File != "" && (!knownRegion(a.State.ReplicaRegion) || a.State.ReplicaRegion == a.State.Region) {
		c.add("state.replica_region", a.State.ReplicaRegion, "a region other than state.region (%s): one of %s", a.State.Region, strings.Join(Regions(), ", "))
	}
	if a.State.NoncurrentVersionDays < 1 {
		c.add("state.noncurrent_version_days", a.State.NoncurrentVersionDays, "at least 1")
	}
	ps := c.list
	for _, e := range a.Environments {
		ps = append(ps, a.checkBackend(e)...)
	}
	return ps
}

// checkBackend checks that an environment's backend names what the
// bootstrap stack gives it, and says which output to copy when it does not.
func (a *Account) checkBackend(e *Environment) Problems {
	c := &fileProblems{file: e.File}
	switch b := e.Backend; b.Type {
	case BackendS3:
		if b.S3 == nil || !b.S3.UseReplica {
			break
		}
		if b.S3.ReplicaBucket == "" {
			c.add("backend.s3.replica_bucket", "", "required with use_replica: the replica of %s, output state_replica_bucket of stack %s (%s)", b.S3.Bucket, a.StackName(), a.StateBucket(a.State.ReplicaRegion))
		}
		if b.S3.ReplicaRegion == "" {
			c.add("backend.s3.replica_region", "", "required with use_replica: the replica's region, output state_replica_region of stack %s (%s)", a.StackName(), a.State.ReplicaRegion)
		}
	case BackendCloud:
		if b.Cloud == nil {
			break
		}
		want := RunRoleARN(e)
		setDefault(&b.Cloud.RunRoleARN, want) // the run role the account's bootstrap stack makes for e
		if b.Cloud.RunRoleARN != want {
			c.add("backend.cloud.run_role_arn", b.Cloud.RunRoleARN, "the role HCP Terraform runs of %s assume: output %s of stack %s (%s)", e.ID(), RunRoleOutput(e), a.StackName(), want)
		}
	}
	return c.list
}

// RunRoleOutput is the bootstrap stack's output with env's run role ARN.
func RunRoleOutput(env *Environment) string {
	return "run_role_arn_" + strings.ReplaceAll(env.ID(), "-", "_")
}

// Tier is the strictest tier among the account's environments: the state
// of a production environment is production data.
func (a *Account) Tier() Tier {
	for _, e := range a.Environments {
		if e.Production() {
			return TierProduction
		}
	}
	return TierDevelopment
}

// Scope is the tier and the regions of the config that owns stack: an
// environment's for its three stacks; for an account's bootstrap stack, the
// account's tier and its two state regions. ok is false for a stack that
// none of envs (or their accounts) owns.
func Scope(envs []*Environment, stack string) (tier Tier, regions []string, ok bool) {
	for _, e := range envs {
		if slices.Contains(e.StackNames(), stack) {
			return e.Tier, e.Regions(), true
		}
		if a := e.Account; a != nil && a.StackName() == stack {
			return a.Tier(), []string{a.State.Region, a.State.ReplicaRegion}, true
		}
	}
	return "", nil, false
}
