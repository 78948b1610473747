package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudtrail"
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
	source := map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailArn}}
	bucket := newPrivateBucket(c, "bucket", &privateBucketProps{
		Name:             p.BucketName,
		ForceDestroy:     p.ForceDestroy,
		KeyArn:           key.Arn,
		Versioned:        true,
		RetentionDays:    p.RetentionDays,
		ExpireNoncurrent: true,
		Policy: func(arn *string) *string {
			return Policy(
				Statement{Sid: "CloudTrailChecksAcl", Effect: "Allow", Principal: ServicePrincipal("cloudtrail.amazonaws.com"),
					Action: []string{"s3:GetBucketAcl"}, Resource: []string{*arn}, Condition: source},
				Statement{Sid: "CloudTrailWrites", Effect: "Allow", Principal: ServicePrincipal("cloudtrail.amazonaws.com"),
					Action: []string{"s3:PutObject"}, Resource: []string{fmt.Sprintf("%s/AWSLogs/%s/*", *arn, p.Account)}, Condition: source},
				denyInsecureTransport(arn),
			).JSON()
		},
		PolicyID:     "policy",
		VersioningID: "versioning",
	})
	trail := cloudtrail.NewCloudtrail(c, str("trail"), &cloudtrail.CloudtrailConfig{
		Name:                       str(p.Name),
		S3BucketName:               bucket.ID,
		IsMultiRegionTrail:         boolp(true),
		IncludeGlobalServiceEvents: boolp(true),
		EnableLogFileValidation:    boolp(true),
		KmsKeyId:                   key.Arn,
		Tags:                       nameTag(p.Name),
		// CloudTrail checks the bucket policy when the trail is created.
		DependsOn: &[]cdktf.ITerraformDependable{bucket.Policy},
	})
	return &Trail{Construct: c, Arn: trail.Arn(), BucketName: bucket.Bucket.Bucket(), KeyArn: key.Arn}
}
