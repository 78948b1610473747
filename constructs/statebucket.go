package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// StateBucketsProps configures the Terraform state bucket of an account and
// its replica in a second region.
type StateBucketsProps struct {
	// Bucket and ReplicaBucket are the bucket names (globally unique).
	Bucket, ReplicaBucket string
	Account               string
	// Region is the stack's region (the bucket's); ReplicaRegion is the
	// replica's, created through ReplicaProvider.
	Region, ReplicaRegion string
	ReplicaProvider       cdktf.TerraformProvider
	// KeyAlias names the KMS key of each bucket (alias/<KeyAlias> in both
	// regions).
	KeyAlias string
	// NoncurrentDays keeps replaced state versions (current state never
	// expires).
	NoncurrentDays int
	// AccessLogDays keeps each bucket's server access logs (in a log bucket
	// of its own beside it); ForceDestroyLogs lets a destroy empty the log
	// buckets (not in production). The state buckets never are emptied.
	AccessLogDays    int
	ForceDestroyLogs bool
	// ReplicationRoleName is the IAM role S3 replicates with.
	ReplicationRoleName string
}

// StateBuckets are the state bucket and its replica: versioned, SSE-KMS with
// a key of their own in each region, TLS only, private, ACLs off, replaced
// versions expiring, every object and delete marker replicated. Terraform
// locks with a lock file next to the state (use_lockfile), so no DynamoDB
// table is needed; a lock file replicates like the state.
type StateBuckets struct {
	cdk.Construct
	Primary, Replica BucketRef
}

// NewStateBuckets creates both buckets, their keys and the replication.
// Construct ids of the buckets and keys never change: they hold the state.
func NewStateBuckets(scope cdk.Construct, id string, p *StateBucketsProps) *StateBuckets {
	c := cdk.NewConstruct(scope, str(id))
	out := &StateBuckets{Construct: c}
	for _, side := range []struct {
		id, name, region string
		provider         cdktf.TerraformProvider
		ref              *BucketRef
	}{
		{"primary", p.Bucket, p.Region, nil, &out.Primary},
		{"replica", p.ReplicaBucket, p.ReplicaRegion, p.ReplicaProvider, &out.Replica},
	} {
		key := NewKey(c, side.id+"-key", &KeyProps{
			Alias:       p.KeyAlias,
			Description: "Terraform state in " + side.name,
			Account:     p.Account,
			Region:      side.region,
			Provider:    side.provider,
		})
		b := newPrivateBucket(c, side.id+"-bucket", &privateBucketProps{
			Name:             side.name,
			KeyArn:           key.Arn,
			Versioned:        true,
			ExpireNoncurrent: true,
			NoncurrentDays:   p.NoncurrentDays,
			RuleID:           "noncurrent-versions",
			Provider:         side.provider,
		})
		newAccessLogs(c, side.id+"-log-bucket", side.id+"-logging", b, &privateBucketProps{
			Name:          side.name + "-logs",
			ForceDestroy:  p.ForceDestroyLogs,
			RetentionDays: p.AccessLogDays,
			Provider:      side.provider,
		}, side.name, p.Account)
		*side.ref = BucketRef{Name: b.Bucket.Bucket(), Arn: b.Arn, KeyArn: key.Arn, Versioning: b.Versioning}
	}
	NewBucketReplication(c, "replication", &BucketReplicationProps{
		RoleName:          p.ReplicationRoleName,
		Account:           p.Account,
		Source:            &out.Primary,
		SourceRegion:      p.Region,
		Destination:       &out.Replica,
		DestinationRegion: p.ReplicaRegion,
		SourceInStack:     true,
	})
	return out
}
