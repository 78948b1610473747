package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudtrail"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TrailProps configures a multi-region CloudTrail trail.
type TrailProps struct {
	// Name of the trail; BucketName of the bucket it writes to.
	Name       string
	BucketName string
	Account    string
	// Region is where the trail and its bucket live.
	Region string
	// RetentionDays before log files expire.
	RetentionDays int
	// ForceDestroy lets a destroy empty the bucket.
	ForceDestroy bool
}

// Trail is a multi-region trail with log file validation, encrypted with a
// key of its own, into a private, versioned, TLS-only bucket.
type Trail struct {
	cdk.Construct
	Arn        *string
	BucketName *string
	KeyArn     *string
}

// NewTrail creates the key, the bucket and the trail.
func NewTrail(scope cdk.Construct, id string, p *TrailProps) *Trail {
	c := cdk.NewConstruct(scope, str(id))
	trailArn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", p.Region, p.Account, p.Name)
	key := NewKey(c, "key", &KeyProps{
		Alias:       p.Name,
		Description: "CloudTrail log files of " + p.Name,
		Account:     p.Account,
		Region:      p.Region,
		Statements: []Statement{
			{
				Sid: "CloudTrailEncrypts", Effect: "Allow", Principal: ServicePrincipal("cloudtrail.amazonaws.com"),
				Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"},
				Condition: map[string]map[string]any{
					"StringEquals": {"aws:SourceArn": trailArn},
					"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": fmt.Sprintf("arn:aws:cloudtrail:*:%s:trail/*", p.Account)},
				},
			},
			{
				Sid: "CloudTrailDescribes", Effect: "Allow", Principal: ServicePrincipal("cloudtrail.amazonaws.com"),
				Action: []string{"kms:DescribeKey"}, Resource: []string{"*"},
				Condition: map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailArn}},
			},
		},
	})
	bucket := s3bucket.NewS3Bucket(c, str("bucket"), &s3bucket.S3BucketConfig{
		Bucket:       str(p.BucketName),
		ForceDestroy: boolp(p.ForceDestroy),
		Tags:         nameTag(p.BucketName),
	})
	s3bucketversioning.NewS3BucketVersioningA(c, str("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  bucket.Id(),
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: str("Enabled")},
	})
	lockDown(c, "bucket", bucket, key.Arn)
	expire(c, "bucket", bucket, p.RetentionDays)
	source := map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailArn}}
	policy := s3bucketpolicy.NewS3BucketPolicy(c, str("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: bucket.Id(),
		Policy: Policy(
			Statement{Sid: "CloudTrailChecksAcl", Effect: "Allow", Principal: ServicePrincipal("cloudtrail.amazonaws.com"),
				Action: []string{"s3:GetBucketAcl"}, Resource: []string{*bucket.Arn()}, Condition: source},
			Statement{Sid: "CloudTrailWrites", Effect: "Allow", Principal: ServicePrincipal("cloudtrail.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{fmt.Sprintf("%s/AWSLogs/%s/*", *bucket.Arn(), p.Account)}, Condition: source},
			denyInsecureTransport(bucket.Arn()),
		).JSON(),
	})
	trail := cloudtrail.NewCloudtrail(c, str("trail"), &cloudtrail.CloudtrailConfig{
		Name:                       str(p.Name),
		S3BucketName:               bucket.Id(),
		IsMultiRegionTrail:         boolp(true),
		IncludeGlobalServiceEvents: boolp(true),
		EnableLogFileValidation:    boolp(true),
		KmsKeyId:                   key.Arn,
		Tags:                       nameTag(p.Name),
		// CloudTrail checks the bucket policy when the trail is created.
		DependsOn: &[]cdktf.ITerraformDependable{policy},
	})
	return &Trail{Construct: c, Arn: trail.Arn(), BucketName: bucket.Bucket(), KeyArn: key.Arn}
}
