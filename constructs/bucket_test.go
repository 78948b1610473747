package constructs

import (
	"strings"
	"testing"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TestPrivateBucket checks the helper's defaults (SSE-S3, no ACLs, TLS-only
// policy, expiry) and its options, and that its construct ids are the ones
// the pinned buckets have always had.
func TestPrivateBucket(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		c := cdk.NewConstruct(stack, str("c"))
		newPrivateBucket(c, "logs", &privateBucketProps{Name: "logs-bucket", RetentionDays: 30})
		newPrivateBucket(c, "bucket", &privateBucketProps{
			Name: "main-bucket", KeyArn: str("arn:aws:kms:us-east-1:111111111111:key/k"), ACLs: true,
			Versioned: true, RetentionDays: 90, ExpireNoncurrent: true, RuleID: "expire-main",
			PolicyID: "policy", VersioningID: "versioning",
		})
	})
	want := map[string][]string{
		"aws_s3_bucket":                                      {"logs", "bucket"},
		"aws_s3_bucket_public_access_block":                  {"logs-public-access", "bucket-public-access"},
		"aws_s3_bucket_ownership_controls":                   {"logs-ownership", "bucket-ownership"},
		"aws_s3_bucket_server_side_encryption_configuration": {"logs-encryption", "bucket-encryption"},
		"aws_s3_bucket_lifecycle_configuration":              {"logs-lifecycle", "bucket-lifecycle"},
		"aws_s3_bucket_policy":                               {"logs-policy", "policy"},
		"aws_s3_bucket_versioning":                           {"versioning"},
	}
	// byID finds a resource by construct id (logical ids are c_<id>_<hash>).
	byID := func(typ, id string) map[string]any {
		for name, r := range doc.resources(typ) {
			if strings.HasPrefix(name, "c_"+id+"_") {
				return r
			}
		}
		t.Fatalf("no %s %q", typ, id)
		return nil
	}
	for typ, ids := range want {
		if n := len(doc.resources(typ)); n != len(ids) {
			t.Errorf("%d %s, want %d", n, typ, len(ids))
		}
		for _, id := range ids {
			byID(typ, id)
		}
	}
	sse := func(id string) map[string]any {
		return byID("aws_s3_bucket_server_side_encryption_configuration", id)["rule"].([]any)[0].(map[string]any)
	}
	if r := sse("logs-encryption"); r["apply_server_side_encryption_by_default"].(map[string]any)["sse_algorithm"] != "AES256" {
		t.Errorf("default encryption %v, want SSE-S3", r)
	}
	if r := sse("bucket-encryption"); r["apply_server_side_encryption_by_default"].(map[string]any)["sse_algorithm"] != "aws:kms" || r["bucket_key_enabled"] != true {
		t.Errorf("encryption with a key %v, want SSE-KMS with a bucket key", r)
	}
	owner := func(id string) any {
		return byID("aws_s3_bucket_ownership_controls", id)["rule"].(map[string]any)["object_ownership"]
	}
	if owner("logs-ownership") != "BucketOwnerEnforced" || owner("bucket-ownership") != "BucketOwnerPreferred" {
		t.Errorf("ownership %v / %v, want ACLs off by default, on with ACLs", owner("logs-ownership"), owner("bucket-ownership"))
	}
	rule := func(id string) map[string]any {
		return byID("aws_s3_bucket_lifecycle_configuration", id)["rule"].([]any)[0].(map[string]any)
	}
	if r := rule("logs-lifecycle"); r["id"] != "expire" || r["noncurrent_version_expiration"] != nil || r["abort_incomplete_multipart_upload"] == nil {
		t.Errorf("default lifecycle %v", r)
	}
	if r := rule("bucket-lifecycle"); r["id"] != "expire-main" || r["noncurrent_version_expiration"] == nil {
		t.Errorf("lifecycle with ExpireNoncurrent %v", r)
	}
	policy := byID("aws_s3_bucket_policy", "logs-policy")["policy"].(string)
	if !strings.Contains(policy, `"aws:SecureTransport":"false"`) || !strings.Contains(policy, "${aws_s3_bucket.c_logs_") {
		t.Errorf("default policy %s, want TLS only on the bucket's arn", policy)
	}
}
