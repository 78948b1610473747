package constructs

import (
	"cmp"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// privateBucketProps configures an S3 bucket the way every bucket of this
// app is: public access blocked, encrypted by default, objects expiring,
// TLS only.
type privateBucketProps struct {
	// Name of the bucket (globally unique).
	Name string
	// ForceDestroy lets a destroy empty the bucket (not in production).
	ForceDestroy bool
	// KeyArn encrypts objects with SSE-KMS and an S3 Bucket Key; nil means
	// SSE-S3 (AES256), for log deliveries that cannot write with a CMK.
	KeyArn *string
	// OmitBucketKeyFlag leaves bucket_key_enabled out with SSE-S3 instead
	// of writing false (the same to S3; the ALB log bucket was written so).
	OmitBucketKeyFlag bool
	// ACLs keeps object ACLs working (BucketOwnerPreferred) for a log
	// delivery that is granted access through the bucket ACL; otherwise
	// ACLs are off (BucketOwnerEnforced).
	ACLs bool
	// Versioned turns versioning on.
	Versioned bool
	// RetentionDays before objects expire (0: current objects never do);
	// ExpireNoncurrent also deletes replaced versions as long after they
	// were replaced, or NoncurrentDays after when that is set. Abandoned
	// multipart uploads always go after a week.
	RetentionDays    int
	ExpireNoncurrent bool
	NoncurrentDays   int
	// RuleID names the lifecycle rule (default "expire").
	RuleID string
	// Policy renders the bucket policy from the bucket's ARN attribute; it
	// must deny requests without TLS (denyInsecureTransport). Nil: a policy
	// that only does that.
	Policy func(arn *string) *string
	// PolicyID and VersioningID are the construct ids of the policy and the
	// versioning (default <id>-policy, <id>-versioning): buckets that
	// existed before this helper keep their Terraform addresses.
	PolicyID, VersioningID string
	// Provider creates the bucket in another region than the stack's (nil:
	// the stack's default provider).
	Provider cdktf.TerraformProvider
}

// privateBucket is the bucket and what others reference or wait for.
type privateBucket struct {
	Bucket s3bucket.S3Bucket
	// ID and Arn are the bucket's attributes, read once.
	ID, Arn *string
	// Ownership must exist before a delivery writes through ACLs.
	Ownership cdktf.ITerraformDependable
	// Policy must exist before a service that checks it is pointed at the
	// bucket.
	Policy cdktf.ITerraformDependable
	// Versioning is nil unless Versioned.
	Versioning cdktf.ITerraformDependable
}

// newPrivateBucket creates the bucket and its hardening resources directly
// in scope (no construct of its own, so the addresses of existing buckets
// stay): the bucket is id, its parts id-public-access, id-ownership,
// id-encryption, id-lifecycle, id-policy and id-versioning.
func newPrivateBucket(scope cdk.Construct, id string, p *privateBucketProps) *privateBucket {
	bucket := s3bucket.NewS3Bucket(scope, str(id), &s3bucket.S3BucketConfig{
		Provider:     p.Provider,
		Bucket:       str(p.Name),
		ForceDestroy: boolp(p.ForceDestroy),
		Tags:         nameTag(p.Name),
	})
	out := &privateBucket{Bucket: bucket, ID: bucket.Id(), Arn: bucket.Arn()}
	if p.Versioned {
		out.Versioning = s3bucketversioning.NewS3BucketVersioningA(scope, str(cmp.Or(p.VersioningID, id+"-versioning")), &s3bucketversioning.S3BucketVersioningAConfig{
			Provider:                p.Provider,
			Bucket:                  out.ID,
			VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: str("Enabled")},
		})
	}
	s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(scope, str(id+"-public-access"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Provider:              p.Provider,
		Bucket:                out.ID,
		BlockPublicAcls:       boolp(true),
		BlockPublicPolicy:     boolp(true),
		IgnorePublicAcls:      boolp(true),
		RestrictPublicBuckets: boolp(true),
	})
	ownership := "BucketOwnerEnforced"
	if p.ACLs {
		ownership = "BucketOwnerPreferred"
	}
	out.Ownership = s3bucketownershipcontrols.NewS3BucketOwnershipControls(scope, str(id+"-ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Provider: p.Provider,
		Bucket:   out.ID,
		Rule:     &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: str(ownership)},
	})
	rule := &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{
		ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
			SseAlgorithm: str("AES256"),
		},
	}
	if p.KeyArn != nil {
		rule.ApplyServerSideEncryptionByDefault.SseAlgorithm = str("aws:kms")
		rule.ApplyServerSideEncryptionByDefault.KmsMasterKeyId = p.KeyArn
	}
	if p.KeyArn != nil || !p.OmitBucketKeyFlag {
		rule.BucketKeyEnabled = boolp(p.KeyArn != nil)
	}
	s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(scope, str(id+"-encryption"), &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
		Provider: p.Provider,
		Bucket:   out.ID,
		Rule:     &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{rule},
	})
	expiry := &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{
		Id:                             str(cmp.Or(p.RuleID, "expire")),
		Status:                         str("Enabled"),
		Filter:                         &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{{Prefix: str("")}},
		AbortIncompleteMultipartUpload: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{{DaysAfterInitiation: num(7)}},
	}
	if p.RetentionDays > 0 {
		expiry.Expiration = &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{{Days: num(p.RetentionDays)}}
	}
	if p.ExpireNoncurrent {
		expiry.NoncurrentVersionExpiration = &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{{NoncurrentDays: num(cmp.Or(p.NoncurrentDays, p.RetentionDays))}}
	}
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(scope, str(id+"-lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Provider: p.Provider,
		Bucket:   out.ID,
		Rule:     &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{expiry},
	})
	policy := Policy(denyInsecureTransport(out.Arn)).JSON()
	if p.Policy != nil {
		policy = p.Policy(out.Arn)
	}
	out.Policy = s3bucketpolicy.NewS3BucketPolicy(scope, str(cmp.Or(p.PolicyID, id+"-policy")), &s3bucketpolicy.S3BucketPolicyConfig{
		Provider: p.Provider,
		Bucket:   out.ID,
		Policy:   policy,
	})
	return out
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

// TLSOnlyBucketPolicy denies every request to the bucket without TLS.
func TLSOnlyBucketPolicy(bucket string) PolicyDocument {
	return Policy(denyInsecureTransport(str("arn:aws:s3:::" + bucket)))
}
