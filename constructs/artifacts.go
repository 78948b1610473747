package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlogging"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketnotification"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketreplicationconfiguration"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// ArtifactBucketProps configures the pipeline's artifact bucket of one region.
type ArtifactBucketProps struct {
	// Name of the bucket (globally unique); LogBucketName receives its
	// server access logs.
	Name          string
	LogBucketName string
	Account       string
	// KeyArn encrypts every object (SSE-KMS with a bucket key).
	KeyArn *string
	// RetentionDays before artifacts (and replaced versions) expire; access
	// logs are kept as long.
	RetentionDays int
	// ForceDestroy lets a destroy empty the buckets (not in production).
	ForceDestroy bool
	// EventBridge sends object events to EventBridge (an S3 source
	// triggers the pipeline that way).
	EventBridge bool
}

// ArtifactBucket is a versioned, SSE-KMS, private, TLS-only bucket with
// a lifecycle and access logging into a bucket of its own.
type ArtifactBucket struct {
	cdk.Construct
	BucketRef
	LogBucket *string
}

// BucketRef is a versioned SSE-KMS bucket as replication sees it.
type BucketRef struct {
	Name *string
	Arn  *string
	// KeyArn is the key objects are encrypted with.
	KeyArn *string
	// Versioning must exist before replication is configured.
	Versioning cdktf.ITerraformDependable
}

// NewArtifactBucket creates the artifact bucket and its access log bucket.
func NewArtifactBucket(scope cdk.Construct, id string, p *ArtifactBucketProps) *ArtifactBucket {
	c := cdk.NewConstruct(scope, str(id))

	bucket := newPrivateBucket(c, "bucket", &privateBucketProps{
		Name:             p.Name,
		ForceDestroy:     p.ForceDestroy,
		KeyArn:           p.KeyArn,
		Versioned:        true,
		RetentionDays:    p.RetentionDays,
		ExpireNoncurrent: true,
		PolicyID:         "policy",
		VersioningID:     "versioning",
	})
	logs := newAccessLogs(c, "log-bucket", "logging", bucket, &privateBucketProps{
		Name:          p.LogBucketName,
		ForceDestroy:  p.ForceDestroy,
		RetentionDays: p.RetentionDays,
	}, p.Name, p.Account)
	if p.EventBridge {
		s3bucketnotification.NewS3BucketNotification(c, str("notifications"), &s3bucketnotification.S3BucketNotificationConfig{
			Bucket:      bucket.ID,
			Eventbridge: boolp(true),
		})
	}
	return &ArtifactBucket{Construct: c, BucketRef: BucketRef{Name: bucket.Bucket.Bucket(), Arn: bucket.Arn, KeyArn: p.KeyArn, Versioning: bucket.Versioning}, LogBucket: logs.Bucket.Bucket()}
}

// newAccessLogs creates the bucket (construct id bucketID) that receives
// the S3 server access logs of bucket under prefix/, and the logging
// configuration (loggingID). S3 log delivery only writes SSE-S3 objects, so
// the log bucket cannot use a CMK; its policy admits the log delivery of
// account only. props names the log bucket and its retention.
func newAccessLogs(c cdk.Construct, bucketID, loggingID string, bucket *privateBucket, props *privateBucketProps, prefix, account string) *privateBucket {
	props.ExpireNoncurrent = true
	props.Policy = func(arn *string) *string { return logDeliveryPolicy(*arn, account) }
	logs := newPrivateBucket(c, bucketID, props)
	s3bucketlogging.NewS3BucketLoggingA(c, str(loggingID), &s3bucketlogging.S3BucketLoggingAConfig{
		Bucket:       bucket.ID,
		TargetBucket: logs.ID,
		TargetPrefix: str(prefix + "/"),
		DependsOn:    &[]cdktf.ITerraformDependable{logs.Policy},
		Provider:     props.Provider,
	})
	return logs
}

// logDeliveryPolicy lets S3 server access logging of this account write
// into the log bucket, over TLS only. Resource and Action are plain strings:
// moto accepts log delivery only when they are (AWS takes either form).
func logDeliveryPolicy(bucketArn, account string) *string {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{
				"Sid": "S3ServerAccessLogs", "Effect": "Allow",
				"Principal": ServicePrincipal("logging.s3.amazonaws.com"),
				"Action":    "s3:PutObject",
				"Resource":  bucketArn + "/*",
				"Condition": map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}},
			},
			denyInsecureTransport(&bucketArn),
		},
	}
	return str(jsonText(doc))
}

// BucketReplicationProps configures the replication of every object of a
// source bucket into a destination bucket in another region.
type BucketReplicationProps struct {
	// RoleName is the replication role's name (IAM names are global).
	RoleName string
	Account  string
	Source   *BucketRef
	// SourceRegion is where the source bucket lives; Provider is a
	// provider of that region (the replication configuration is a setting
	// of the source bucket).
	SourceRegion string
	Provider     cdktf.TerraformProvider
	// Destination is a bucket of the caller's stack; Source must be
	// versioned before this is applied (it is, in an upstream stack).
	Destination *BucketRef
	// SourceInStack makes the rule wait for the source's versioning too,
	// when the source bucket is in the same stack.
	SourceInStack bool
	// DestinationRegion is where the replicas are re-encrypted with the
	// destination bucket's key.
	DestinationRegion string
}

// BucketReplication is the replication rule and the role S3 replicates with.
type BucketReplication struct {
	cdk.Construct
	RoleArn *string
}

// NewBucketReplication creates the role (only the replication permissions
// on exactly these buckets and keys) and the replication configuration.
func NewBucketReplication(scope cdk.Construct, id string, p *BucketReplicationProps) *BucketReplication {
	c := cdk.NewConstruct(scope, str(id))
	src, dst := *p.Source.Arn, *p.Destination.Arn
	role := iamrole.NewIamRole(c, str("role"), &iamrole.IamRoleConfig{
		Name:             str(p.RoleName),
		Description:      str(fmt.Sprintf("S3 replication of %s to %s", p.SourceRegion, p.DestinationRegion)),
		AssumeRolePolicy: AssumeRolePolicy("s3.amazonaws.com", p.Account).JSON(),
		Tags:             nameTag(p.RoleName),
	})
	iamrolepolicy.NewIamRolePolicy(c, str("policy"), &iamrolepolicy.IamRolePolicyConfig{
		Role:   role.Id(),
		Name:   str("replicate"),
		Policy: ReplicationPolicy(src, dst, *p.Source.KeyArn, *p.Destination.KeyArn, p.SourceRegion, p.DestinationRegion).JSON(),
	})
	deps := []cdktf.ITerraformDependable{p.Destination.Versioning}
	if p.SourceInStack {
		deps = append(deps, p.Source.Versioning)
	}
	s3bucketreplicationconfiguration.NewS3BucketReplicationConfigurationA(c, str("replication"), &s3bucketreplicationconfiguration.S3BucketReplicationConfigurationAConfig{
		Provider: p.Provider,
		Bucket:   p.Source.Name,
		Role:     role.Arn(),
		Rule: &[]*s3bucketreplicationconfiguration.S3BucketReplicationConfigurationRule{{
			Id:                      str("everything"),
			Status:                  str("Enabled"),
			Filter:                  &s3bucketreplicationconfiguration.S3BucketReplicationConfigurationRuleFilter{Prefix: str("")},
			DeleteMarkerReplication: &s3bucketreplicationconfiguration.S3BucketReplicationConfigurationRuleDeleteMarkerReplication{Status: str("Enabled")},
			SourceSelectionCriteria: &s3bucketreplicationconfiguration.S3BucketReplicationConfigurationRuleSourceSelectionCriteria{
				SseKmsEncryptedObjects: &s3bucketreplicationconfiguration.S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects{Status: str("Enabled")},
			},
			Destination: &s3bucketreplicationconfiguration.S3BucketReplicationConfigurationRuleDestination{
				Bucket:                  p.Destination.Arn,
				EncryptionConfiguration: &s3bucketreplicationconfiguration.S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration{ReplicaKmsKeyId: p.Destination.KeyArn},
			},
		}},
		// Both buckets must be versioned before a rule is accepted. The
		// source lives in an upstream stack (applied, so versioned, first):
		// a dependency across stacks cannot be expressed in depends_on.
		DependsOn: &deps,
	})
	return &BucketReplication{Construct: c, RoleArn: role.Arn()}
}

// ReplicationPolicy is what S3 replication of SSE-KMS objects needs: read
// the source's configuration and object versions, decrypt with the source
// key through S3 in the source region, write replicas and encrypt them with
// the destination key through S3 in the destination region.
func ReplicationPolicy(srcBucket, dstBucket, srcKey, dstKey, srcRegion, dstRegion string) PolicyDocument {
	via := func(region string) map[string]map[string]any {
		return map[string]map[string]any{"StringEquals": {"kms:ViaService": "s3." + region + ".amazonaws.com"}}
	}
	return Policy(
		Allow([]string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, srcBucket),
		Allow([]string{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"}, srcBucket+"/*"),
		Allow([]string{"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"}, dstBucket+"/*"),
		Statement{Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{srcKey}, Condition: via(srcRegion)},
		Statement{Effect: "Allow", Action: []string{"kms:Encrypt", "kms:GenerateDataKey"}, Resource: []string{dstKey}, Condition: via(dstRegion)},
	)
}
