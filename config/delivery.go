package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Where a repository's source lives (repository.type).
const (
	// RepositoryCodeCommit is a CodeCommit repository in the primary region
	// with a replica in the secondary, kept in sync on every push.
	RepositoryCodeCommit = "codecommit"
	// RepositoryS3 is a source archive (s3://<artifact bucket>/source/<name>.zip)
	// that another system uploads; bucket replication copies it to the
	// secondary region. For accounts without CodeCommit.
	RepositoryS3 = "s3"
)

// Repository is the environment's source repository, the pipeline's source.
type Repository struct {
	// Name of the repository. Default <customer>-<env>-app.
	Name string `yaml:"name"`
	// DefaultBranch is the branch the pipeline builds. Default main.
	DefaultBranch string `yaml:"default_branch"`
	// Type is codecommit (default) or s3.
	Type string `yaml:"type"`
	// Replica keeps a copy of a CodeCommit repository in the secondary
	// region, mirrored on every push. Default true.
	Replica *bool `yaml:"replica"`
}

// Pipeline is the delivery pipeline: build on every push to the default
// branch, deploy to a staging environment, wait for an approval, deploy to
// this environment in both regions.
type Pipeline struct {
	// Staging names another environment of the same customer (staging or
	// acme-staging) whose primary service gets every build first. Default
	// none: the pipeline deploys straight to this environment.
	Staging string `yaml:"staging"`
	// Approval puts a manual approval before the deploy to this environment.
	// Default true in production.
	Approval *bool `yaml:"approval"`
	// Approvers are IAM principal ARNs (account root, roles, users) that may
	// assume the approver role. Default: this account's root, i.e. whoever
	// the account's IAM policies let assume it.
	Approvers []string `yaml:"approvers"`
	// ApprovalEmails are subscribed to the approval topic.
	ApprovalEmails []string `yaml:"approval_emails"`
	// ApprovalTimeoutMinutes before a pending approval fails (5 to 86400).
	// Default 10080 (7 days, AWS's own default).
	ApprovalTimeoutMinutes int `yaml:"approval_timeout_minutes"`
	// CloudTrail records every API call (approvals included) in a
	// multi-region trail. Default true in production.
	CloudTrail *bool `yaml:"cloudtrail"`
	// CodePipeline creates the pipeline itself and what hangs off it
	// (trigger, approval topic, approver role, notifications). Default
	// true; false keeps repository, artifact buckets and build project.
	CodePipeline *bool `yaml:"codepipeline"`
	// Standby adds a second pipeline in the secondary region for releases
	// while the primary region is down: sourced from the repository's
	// replica, with its own build, artifact store and approval topic,
	// deploying to the secondary region only. Its push trigger is off
	// while the primary writes (one release runs once) and on after a
	// failover, when the main pipeline's is off. Default true in production
	// with a CodeCommit replica.
	Standby *bool `yaml:"standby"`
	// ArtifactRetentionDays before build artifacts (and old versions)
	// expire. Default 90 in production, 30 otherwise.
	ArtifactRetentionDays int `yaml:"artifact_retention_days"`
	// Build is the CodeBuild project that builds the image.
	Build Build `yaml:"build"`

	// StagingID is the staging environment's id (<customer>-<env>),
	// resolved from Staging. Computed, not read from the file.
	StagingID string `yaml:"-"`
	// StagingService is the staging environment's primary service, named
	// by that environment's config; StagingURL what the approver checks
	// (its domain; "" without one). Computed.
	StagingService *ServiceNames `yaml:"-"`
	StagingURL     string        `yaml:"-"`
}

// Build is the CodeBuild environment of the image build.
type Build struct {
	// Image is a CodeBuild curated image. Default
	// aws/codebuild/amazonlinux-x86_64-standard:5.0.
	Image string `yaml:"image"`
	// ComputeType default BUILD_GENERAL1_MEDIUM in production, else SMALL.
	ComputeType string `yaml:"compute_type"`
	// TimeoutMinutes of one build (5 to 2160). Default 30.
	TimeoutMinutes int `yaml:"timeout_minutes"`
}

// buildComputeTypes are the Linux container compute types of CodeBuild's
// on-demand fleet.
var buildComputeTypes = []string{"BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"}

var (
	codeCommitNameRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	branchRe         = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$`)
	principalRe      = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:(root|role/[\w+=,.@/-]{1,512}|user/[\w+=,.@/-]{1,512})$`)
	buildImgRe       = regexp.MustCompile(`^[a-z0-9][a-z0-9./_:@-]{2,254}$`)
)

// Delivery reports whether the environment has a delivery pipeline.
func (e *Environment) Delivery() bool { return e.Pipeline != nil }

// ApprovalRequired reports whether a pipeline waits for a manual approval.
func (e *Environment) ApprovalRequired() bool {
	return e.Pipeline != nil && *e.Pipeline.Approval
}

// SourceRepositoryName is the source (CodeCommit) repository's name; the
// image repository is ImageRepositoryName.
func (e *Environment) SourceRepositoryName() string {
	if e.Repository == nil || e.Repository.Name == "" {
		return e.ID() + "-app"
	}
	return e.Repository.Name
}

func (e *Environment) applyDeliveryDefaults() {
	prod := e.Production()
	if r := e.Repository; r != nil {
		setDefault(&r.Name, e.SourceRepositoryName())
		setDefault(&r.DefaultBranch, "main")
		setDefault(&r.Type, RepositoryCodeCommit)
		// An s3 source is copied by the artifact bucket's replication.
		setDefault(&r.Replica, ptr(r.Type == RepositoryCodeCommit))
	}
	p := e.Pipeline
	if p == nil {
		return
	}
	setDefault(&p.Approval, ptr(prod))
	if *p.Approval && len(p.Approvers) == 0 {
		// An empty list too: an approval nobody may give would block every
		// release.
		p.Approvers = []string{fmt.Sprintf("arn:aws:iam::%s:root", e.AccountID)}
	}
	setDefault(&p.ApprovalTimeoutMinutes, 10080)
	setDefault(&p.CloudTrail, ptr(prod))
	setDefault(&p.CodePipeline, ptr(true))
	setDefault(&p.Standby, ptr(prod && *p.CodePipeline && e.standbySource()))
	setDefault(&p.ArtifactRetentionDays, pick(prod, 90, 30))
	setDefault(&p.Build.Image, "aws/codebuild/amazonlinux-x86_64-standard:5.0")
	setDefault(&p.Build.ComputeType, pick(prod, "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_SMALL"))
	setDefault(&p.Build.TimeoutMinutes, 30)
}

func (e *Environment) validateDelivery(c *fileProblems) {
	if r := e.Repository; r != nil {
		if !codeCommitNameRe.MatchString(r.Name) || strings.HasSuffix(r.Name, ".git") {
			c.add("repository.name", r.Name, "1-100 letters, digits, '.', '_' and '-', not ending in .git (a CodeCommit repository name)")
		}
		if !branchRe.MatchString(r.DefaultBranch) || strings.Contains(r.DefaultBranch, "..") || strings.HasSuffix(r.DefaultBranch, "/") || strings.HasSuffix(r.DefaultBranch, ".lock") {
			c.add("repository.default_branch", r.DefaultBranch, "a git branch name: letters, digits, '.', '_', '-' and '/', e.g. main")
		}
		if r.Type != RepositoryCodeCommit && r.Type != RepositoryS3 {
			c.add("repository.type", r.Type, "one of %s (a repository with a replica), %s (source archives uploaded to the artifact bucket)", RepositoryCodeCommit, RepositoryS3)
		}
		if r.Type == RepositoryS3 && *r.Replica {
			c.add("repository.replica", true, "false (or unset) with type s3: the artifact bucket's replication already copies the source archive")
		}
	}
	p := e.Pipeline
	if p == nil {
		return
	}
	if e.Repository == nil {
		c.add("pipeline", "(set)", "a pipeline needs a source: add a repository section (e.g. repository: {name: %s})", e.SourceRepositoryName())
	}
	if p.Staging != "" && !strings.Contains(p.Staging, "-") && !envNameRe.MatchString(p.Staging) {
		c.add("pipeline.staging", p.Staging, "the name of another environment of customer %s, e.g. staging (for %s-staging.yaml)", e.Customer, e.Customer)
	}
	for i, a := range p.Approvers {
		if !principalRe.MatchString(a) {
			c.add(fmt.Sprintf("pipeline.approvers[%d]", i), a, "an IAM principal ARN: arn:aws:iam::<account>:root, ...:role/<name> or ...:user/<name>")
		}
	}
	if len(p.Approvers) > 0 && !*p.Approval {
		c.add("pipeline.approvers", strings.Join(p.Approvers, ","), "only with pipeline.approval true (there is nothing to approve)")
	}
	c.emails("pipeline.approval_emails", p.ApprovalEmails, "an e-mail address like release-managers@example.com (no display name)")
	if len(p.ApprovalEmails) > 0 && !*p.Approval {
		c.add("pipeline.approval_emails", strings.Join(p.ApprovalEmails, ","), "only with pipeline.approval true (nobody is asked to approve)")
	}
	c.between("pipeline.approval_timeout_minutes", p.ApprovalTimeoutMinutes, 5, 86400, "minutes (60 days)")
	c.between("pipeline.artifact_retention_days", p.ArtifactRetentionDays, 1, 3650, "days")
	if !buildImgRe.MatchString(p.Build.Image) {
		c.add("pipeline.build.image", p.Build.Image, "a CodeBuild image, e.g. aws/codebuild/amazonlinux-x86_64-standard:5.0")
	}
	if !slices.Contains(buildComputeTypes, p.Build.ComputeType) {
		c.add("pipeline.build.compute_type", p.Build.ComputeType, "one of %s", strings.Join(buildComputeTypes, ", "))
	}
	c.between("pipeline.build.timeout_minutes", p.Build.TimeoutMinutes, 5, 2160, "minutes")
	if *p.CodePipeline && e.Service.DeployedBy == DeployedByTerraform {
		c.add("service.deployed_by", e.Service.DeployedBy, "%s: the pipeline deploys this environment's service, so Terraform must not own its task definition revision (an apply would roll a release back)", DeployedByPipeline)
	}
	if *p.Standby && (!*p.CodePipeline || !e.standbySource()) {
		c.add("pipeline.standby", true, "only with pipeline.codepipeline: true and a CodeCommit repository with its replica (repository.type codecommit, repository.replica true): the standby pipeline is sourced from the replica")
	}
	if *p.CodePipeline && !*e.Registry.Replication {
		c.add("registry.replication", false, "true with a pipeline: the secondary region deploys the image replicated into its own repository")
	}
	if !*p.CodePipeline && (p.Staging != "" || *p.Approval) {
		c.add("pipeline.codepipeline", false, "true when pipeline.staging or pipeline.approval is set: only the pipeline deploys to staging and asks for approval")
	}
}

// resolveStaging checks every pipeline's staging environment across files:
// it must exist, belong to the same customer, and live where the pipeline
// can deploy to it (same account; its primary region one of the pipeline's
// two regions, which have the artifact stores). It sets StagingID.
func resolveStaging(envs []*Environment) Problems {
	byID := map[string]*Environment{}
	var ids []string
	for _, e := range envs {
		byID[e.ID()] = e
		ids = append(ids, e.ID())
	}
	var ps Problems
	for _, e := range envs {
		p := e.Pipeline
		if p == nil || p.Staging == "" {
			continue
		}
		c := &fileProblems{file: e.File}
		id := p.Staging
		if !strings.Contains(id, "-") {
			id = e.Customer + "-" + id
		}
		customer, _, _ := strings.Cut(id, "-")
		var own []string
		for _, other := range ids {
			if strings.HasPrefix(other, e.Customer+"-") && other != e.ID() {
				own = append(own, strings.TrimPrefix(other, e.Customer+"-"))
			}
		}
		target := byID[id]
		switch {
		case customer != e.Customer:
			c.add("pipeline.staging", p.Staging, "an environment of customer %s (not %s's): one of %s", e.Customer, customer, orNone(own))
		case id == e.ID():
			c.add("pipeline.staging", p.Staging, "another environment: a pipeline cannot stage to its own environment")
		case target == nil:
			c.add("pipeline.staging", p.Staging, "an existing environment of customer %s (no file %s.yaml): one of %s", e.Customer, id, orNone(own))
		case target.AccountID != e.AccountID:
			c.add("pipeline.staging", p.Staging, "an environment in the same account (%s has account %s, this one %s)", id, target.AccountID, e.AccountID)
		case target.Primary.Region != e.Primary.Region && target.Primary.Region != e.Secondary.Region:
			c.add("pipeline.staging", p.Staging, "an environment whose primary region (%s) is %s or %s, where the pipeline has artifact stores", target.Primary.Region, e.Primary.Region, e.Secondary.Region)
		case target.Service.DeployedBy == DeployedByTerraform && *p.CodePipeline:
			// Reported where the fix goes: the staging environment's file.
			ps = append(ps, Problem{File: target.File, Field: "service.deployed_by", Value: target.Service.DeployedBy,
				Want: fmt.Sprintf("%s: %s's pipeline deploys this service (pipeline.staging in %s), so Terraform must not own its task definition revision", DeployedByPipeline, e.ID(), e.File)})
		default:
			p.StagingID = id
			names := target.ServiceNames(target.Primary.Region)
			p.StagingService = &names
			if target.Edge() {
				p.StagingURL = "https://" + target.DNS.Domain
			}
		}
		ps = append(ps, c.list...)
	}
	return ps
}

func orNone(ids []string) string {
	if len(ids) == 0 {
		return "(none)"
	}
	return strings.Join(ids, ", ")
}

// standbySource reports whether the secondary region has a repository a
// standby pipeline can read: the CodeCommit replica.
func (e *Environment) standbySource() bool {
	r := e.Repository
	return r != nil && r.Type == RepositoryCodeCommit && r.Replica != nil && *r.Replica
}

// StandbyPipeline reports whether the secondary region has the standby
// release pipeline.
func (e *Environment) StandbyPipeline() bool {
	return e.Pipeline != nil && e.Pipeline.Standby != nil && *e.Pipeline.Standby
}

// PipelineName is the delivery pipeline of the region with the given role:
// the main one (primary) or the standby one (secondary).
func (e *Environment) PipelineName(role string) string {
	if role == RoleSecondary {
		return e.ID() + "-standby-pipeline"
	}
	return e.ID() + "-pipeline"
}

// PipelineTriggerRule is the EventBridge rule that starts that pipeline on
// a push; only the writer's region's rule is enabled.
func (e *Environment) PipelineTriggerRule(role string) string { return e.PipelineName(role) + "-push" }
