package constructs

import (
	"fmt"
	"slices"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrreplicationconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepositorypolicy"
)

// RepositoryProps configures a private ECR repository.
type RepositoryProps struct {
	// Name of the repository, e.g. acme-prod/app (the same in every region).
	Name    string
	Account string
	// KmsKeyArn encrypts the images (a key of the repository's region).
	KmsKeyArn *string
	// ImmutableTags forbids pushing a tag twice.
	ImmutableTags bool
	// KeepTaggedImages is how many tagged images the lifecycle policy keeps;
	// UntaggedExpiryDays expires untagged ones (superseded layers of a
	// re-pushed tag, failed builds).
	KeepTaggedImages   int
	UntaggedExpiryDays int
	// ForceDelete lets a destroy delete a repository that still has images
	// (not in production).
	ForceDelete bool
	// PullerRoleArns may pull images: the task execution roles that run
	// them. The policy names them in an aws:PrincipalArn condition rather
	// than as principals, because ECR rejects a principal that does not
	// exist yet and the secondary region's role is created after this
	// repository.
	PullerRoleArns []string
}

// Repository is a private ECR repository: scan on push, KMS-encrypted, a
// lifecycle policy and a pull policy for the task execution roles.
type Repository struct {
	cdk.Construct
	Name *string
	Arn  *string
	// URL is <account>.dkr.ecr.<region>.amazonaws.com/<name>.
	URL *string
}

// NewRepository creates the repository, its lifecycle policy and its
// repository policy.
func NewRepository(scope cdk.Construct, id string, p *RepositoryProps) *Repository {
	c := cdk.NewConstruct(scope, str(id))
	mutability := "MUTABLE"
	if p.ImmutableTags {
		mutability = "IMMUTABLE"
	}
	repo := ecrrepository.NewEcrRepository(c, str("repository"), &ecrrepository.EcrRepositoryConfig{
		Name:                       str(p.Name),
		ImageTagMutability:         str(mutability),
		ImageScanningConfiguration: &ecrrepository.EcrRepositoryImageScanningConfiguration{ScanOnPush: boolp(true)},
		EncryptionConfiguration: &[]*ecrrepository.EcrRepositoryEncryptionConfiguration{{
			EncryptionType: str("KMS"),
			KmsKey:         p.KmsKeyArn,
		}},
		ForceDelete: boolp(p.ForceDelete),
		Tags:        nameTag(p.Name),
	})
	ecrlifecyclepolicy.NewEcrLifecyclePolicy(c, str("lifecycle"), &ecrlifecyclepolicy.EcrLifecyclePolicyConfig{
		Repository: repo.Name(),
		Policy:     LifecyclePolicy(p.KeepTaggedImages, p.UntaggedExpiryDays),
	})
	if len(p.PullerRoleArns) > 0 {
		ecrrepositorypolicy.NewEcrRepositoryPolicy(c, str("policy"), &ecrrepositorypolicy.EcrRepositoryPolicyConfig{
			Repository: repo.Name(),
			Policy:     pullPolicy(p.Account, p.PullerRoleArns),
		})
	}
	return &Repository{Construct: c, Name: repo.Name(), Arn: repo.Arn(), URL: repo.RepositoryUrl()}
}

// PullActions are what pulling an image from ECR takes (besides
// ecr:GetAuthorizationToken, which has no resource).
var PullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

// pullPolicy lets the named roles of the account pull.
func pullPolicy(account string, roles []string) *string {
	roles = slices.Clone(roles)
	slices.Sort(roles)
	return Policy(Statement{
		Sid:       "PullByTaskExecutionRoles",
		Effect:    "Allow",
		Principal: map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", account)},
		Action:    PullActions,
		Condition: map[string]map[string]any{"ArnEquals": {"aws:PrincipalArn": roles}},
	}).JSON()
}

// LifecyclePolicy expires untagged images after untaggedDays and keeps the
// newest keepTagged tagged images.
func LifecyclePolicy(keepTagged, untaggedDays int) *string {
	type selection struct {
		TagStatus      string   `json:"tagStatus"`
		TagPatternList []string `json:"tagPatternList,omitempty"`
		CountType      string   `json:"countType"`
		CountUnit      string   `json:"countUnit,omitempty"`
		CountNumber    int      `json:"countNumber"`
	}
	type rule struct {
		RulePriority int               `json:"rulePriority"`
		Description  string            `json:"description"`
		Selection    selection         `json:"selection"`
		Action       map[string]string `json:"action"`
	}
	expire := map[string]string{"type": "expire"}
	return str(jsonText(map[string][]rule{"rules": {
		{1, fmt.Sprintf("Expire untagged images after %d days", untaggedDays),
			selection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: untaggedDays}, expire},
		{2, fmt.Sprintf("Keep the newest %d tagged images", keepTagged),
			selection{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "imageCountMoreThan", CountNumber: keepTagged}, expire},
	}}))
}

// ReplicationRule sends the images of repositories whose names start with
// one of Prefixes to a destination region of the same account.
type ReplicationRule struct {
	Region   string
	Prefixes []string
}

// RegistryReplicationProps configures the replication of a private
// registry (one account, one region).
type RegistryReplicationProps struct {
	Account string
	Rules   []ReplicationRule
}

// RegistryReplication is the registry's replication configuration. There is
// one per registry (account and region): whoever owns it must list every
// repository of the registry that replicates.
type RegistryReplication struct {
	cdk.Construct
}

// NewRegistryReplication sets the registry's replication configuration.
func NewRegistryReplication(scope cdk.Construct, id string, p *RegistryReplicationProps) *RegistryReplication {
	c := cdk.NewConstruct(scope, str(id))
	var rules []*ecrreplicationconfiguration.EcrReplicationConfigurationReplicationConfigurationRule
	for _, r := range p.Rules {
		var filters []*ecrreplicationconfiguration.EcrReplicationConfigurationReplicationConfigurationRuleRepositoryFilter
		for _, prefix := range r.Prefixes {
			filters = append(filters, &ecrreplicationconfiguration.EcrReplicationConfigurationReplicationConfigurationRuleRepositoryFilter{
				Filter:     str(prefix),
				FilterType: str("PREFIX_MATCH"),
			})
		}
		rules = append(rules, &ecrreplicationconfiguration.EcrReplicationConfigurationReplicationConfigurationRule{
			Destination: &[]*ecrreplicationconfiguration.EcrReplicationConfigurationReplicationConfigurationRuleDestination{{
				Region:     str(r.Region),
				RegistryId: str(p.Account),
			}},
			RepositoryFilter: &filters,
		})
	}
	ecrreplicationconfiguration.NewEcrReplicationConfiguration(c, str("replication"), &ecrreplicationconfiguration.EcrReplicationConfigurationConfig{
		ReplicationConfiguration: &ecrreplicationconfiguration.EcrReplicationConfigurationReplicationConfiguration{
			Rule: &rules,
		},
	})
	return &RegistryReplication{Construct: c}
}
