package constructs

import (
	"encoding/json"
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlogging"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketnotification"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketreplicationconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
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
	// ForceDestroy lets a destroy empty the buckets (development and the
	// emulator).
	ForceDestroy bool
	// EventBridge sends object events to EventBridge (an S3 source
	// triggers the pipeline that way).
	EventBridge bool
	// EmulatorIgnoreChanges lists notification attributes an emulator does
	// not store ("eventbridge" on moto), so re-plans stay clean there.
	EmulatorIgnoreChanges []string
}

// ArtifactBucket is a versioned, SSE-KMS, private, TLS-only bucket with
// a lifecycle and access logging into a bucket of its own.
type ArtifactBucket struct {
	cdk.Construct
	Name *string
	Arn  *string
	// KeyArn is the key objects are encrypted with.
	KeyArn *string
	// Versioning must exist before replication is configured.
	Versioning cdktf.ITerraformDependable
	LogBucket  *string
}

// NewArtifactBucket creates the artifact bucket and its access log bucket.
func NewArtifactBucket(scope cdk.Construct, id string, p *ArtifactBucketProps) *ArtifactBucket {
	c := cdk.NewConstruct(scope, str(id))

	// Server access logs go to a bucket of their own; S3 log delivery only
	// writes SSE-S3 objects, so this one cannot use the CMK.
	logs := s3bucket.NewS3Bucket(c, str("log-bucket"), &s3bucket.S3BucketConfig{
		Bucket:       str(p.LogBucketName),
		ForceDestroy: boolp(p.ForceDestroy),
		Tags:         nameTag(p.LogBucketName),
	})
	lockDown(c, "log-bucket", logs, nil)
	logsPolicy := s3bucketpolicy.NewS3BucketPolicy(c, str("log-bucket-policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: logs.Id(),
		Policy: logDeliveryPolicy(*logs.Arn(), p.Account),
	})
	expire(c, "log-bucket", logs, p.RetentionDays)

	bucket := s3bucket.NewS3Bucket(c, str("bucket"), &s3bucket.S3BucketConfig{
		Bucket:       str(p.Name),
		ForceDestroy: boolp(p.ForceDestroy),
		Tags:         nameTag(p.Name),
	})
	versioning := s3bucketversioning.NewS3BucketVersioningA(c, str("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  bucket.Id(),
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: str("Enabled")},
	})
	lockDown(c, "bucket", bucket, p.KeyArn)
	s3bucketpolicy.NewS3BucketPolicy(c, str("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: bucket.Id(),
		Policy: Policy(denyInsecureTransport(bucket.Arn())).JSON(),
	})
	expire(c, "bucket", bucket, p.RetentionDays)
	s3bucketlogging.NewS3BucketLoggingA(c, str("logging"), &s3bucketlogging.S3BucketLoggingAConfig{
		Bucket:       bucket.Id(),
		TargetBucket: logs.Id(),
		TargetPrefix: str(p.Name + "/"),
		DependsOn:    &[]cdktf.ITerraformDependable{logsPolicy},
	})
	if p.EventBridge {
		var lc *cdktf.TerraformResourceLifecycle
		if len(p.EmulatorIgnoreChanges) > 0 {
			lc = &cdktf.TerraformResourceLifecycle{IgnoreChanges: strs(p.EmulatorIgnoreChanges...)}
		}
		s3bucketnotification.NewS3BucketNotification(c, str("notifications"), &s3bucketnotification.S3BucketNotificationConfig{
			Bucket:      bucket.Id(),
			Eventbridge: boolp(true),
			Lifecycle:   lc,
		})
	}
	return &ArtifactBucket{Construct: c, Name: bucket.Bucket(), Arn: bucket.Arn(), KeyArn: p.KeyArn, Versioning: versioning, LogBucket: logs.Bucket()}
}

// lockDown blocks public access, enforces bucket-owner object ownership (no
// ACLs) and sets default encryption: SSE-KMS with keyArn and a bucket key,
// or SSE-S3 when keyArn is nil.
func lockDown(c cdk.Construct, prefix string, bucket s3bucket.S3Bucket, keyArn *string) {
	s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(c, str(prefix+"-public-access"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                bucket.Id(),
		BlockPublicAcls:       boolp(true),
		BlockPublicPolicy:     boolp(true),
		IgnorePublicAcls:      boolp(true),
		RestrictPublicBuckets: boolp(true),
	})
	s3bucketownershipcontrols.NewS3BucketOwnershipControls(c, str(prefix+"-ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: bucket.Id(),
		Rule:   &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: str("BucketOwnerEnforced")},
	})
	def := &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{SseAlgorithm: str("AES256")}
	if keyArn != nil {
		def = &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
			SseAlgorithm: str("aws:kms"), KmsMasterKeyId: keyArn,
		}
	}
	s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(c, str(prefix+"-encryption"), &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket: bucket.Id(),
		Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
			ApplyServerSideEncryptionByDefault: def,
			BucketKeyEnabled:                   boolp(keyArn != nil),
		}},
	})
}

// expire deletes objects and replaced versions after days, and abandoned
// multipart uploads after a week.
func expire(c cdk.Construct, prefix string, bucket s3bucket.S3Bucket, days int) {
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, str(prefix+"-lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: bucket.Id(),
		Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
			Id:                             str("expire"),
			Status:                         str("Enabled"),
			Filter:                         &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{{Prefix: str("")}},
			Expiration:                     &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{{Days: num(days)}},
			NoncurrentVersionExpiration:    &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{{NoncurrentDays: num(days)}},
			AbortIncompleteMultipartUpload: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{{DaysAfterInitiation: num(7)}},
		}},
	})
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
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // strings and maps only: cannot fail
	}
	return str(string(b))
}

// denyInsecureTransport denies every request to the bucket that is not TLS.
func denyInsecureTransport(bucketArn *string) Statement {
	return Statement{
		Sid: "DenyInsecureTransport", Effect: "Deny",
		Principal: map[string]any{"AWS": "*"},
		Action:    []string{"s3:*"},
		Resource:  []string{*bucketArn, *bucketArn + "/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	}
}

// BucketReplicationProps configures the replication of every object of a
// source bucket into a destination bucket in another region.
type BucketReplicationProps struct {
	// RoleName is the replication role's name (IAM names are global).
	RoleName string
	Account  string
	Source   *ArtifactBucket
	// SourceRegion is where the source bucket lives; Provider is a
	// provider of that region (the replication configuration is a setting
	// of the source bucket).
	SourceRegion string
	Provider     cdktf.TerraformProvider
	// Destination is a bucket of the caller's stack; Source must be
	// versioned before this is applied (it is, in an upstream stack).
	Destination *ArtifactBucket
	// DestinationRegion is where the replicas are re-encrypted with the
	// destination bucket's key.
	DestinationRegion string
	// EmulatorIgnoreChanges lists rule attributes an emulator does not
	// store ("rule" on moto), so re-plans stay clean there.
	EmulatorIgnoreChanges []string
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
	var lc *cdktf.TerraformResourceLifecycle
	if len(p.EmulatorIgnoreChanges) > 0 {
		lc = &cdktf.TerraformResourceLifecycle{IgnoreChanges: strs(p.EmulatorIgnoreChanges...)}
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
		Lifecycle: lc,
		// Both buckets must be versioned before a rule is accepted. The
		// source lives in an upstream stack (applied, so versioned, first):
		// a dependency across stacks cannot be expressed in depends_on.
		DependsOn: &[]cdktf.ITerraformDependable{p.Destination.Versioning},
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
