package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// KeyProps configures a customer managed KMS key.
type KeyProps struct {
	// Alias without the alias/ prefix, e.g. acme-prod-logs.
	Alias       string
	Description string
	Account     string
	Region      string
	// LogsEncryption lets CloudWatch Logs of this account and region use the
	// key for log groups.
	LogsEncryption bool
	// ViaServices are AWS services (e.g. rds, secretsmanager) through which
	// principals of this account may use the key, in this region only, the
	// way AWS managed keys admit their service: RDS storage, Performance
	// Insights and enhanced monitoring data go through rds, managed secrets
	// through secretsmanager.
	ViaServices []string
	// Statements are added to the key policy as they are, for services
	// whose requests carry no aws:SourceAccount to condition on (SNS
	// publishers, CloudFront log delivery).
	Statements []Statement
	// Provider creates the key in another region than the stack's (nil:
	// the stack's default provider). Region must be that region.
	Provider cdktf.TerraformProvider
}

// Key is a customer managed KMS key with rotation on and an alias.
type Key struct {
	cdk.Construct
	Arn *string
}

// NewKey creates the key and its alias. The key policy keeps the account in
// control (so IAM policies can grant use) and admits only the named services.
func NewKey(scope cdk.Construct, id string, props *KeyProps) *Key {
	c := cdk.NewConstruct(scope, str(id))
	root := fmt.Sprintf("arn:aws:iam::%s:root", props.Account)
	statements := []Statement{{
		Sid: "AccountAdministers", Effect: "Allow",
		Principal: map[string]any{"AWS": root},
		Action:    []string{"kms:*"}, Resource: []string{"*"},
	}}
	if props.LogsEncryption {
		statements = append(statements, Statement{
			Sid: "CloudWatchLogsEncrypts", Effect: "Allow",
			Principal: ServicePrincipal(fmt.Sprintf("logs.%s.amazonaws.com", props.Region)),
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"ArnLike": {
				"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", props.Region, props.Account),
			}},
		})
	}
	if len(props.ViaServices) > 0 {
		var via []string
		for _, svc := range props.ViaServices {
			via = append(via, fmt.Sprintf("%s.%s.amazonaws.com", svc, props.Region))
		}
		statements = append(statements, Statement{
			Sid: "AccountUseThroughServices", Effect: "Allow",
			Principal: map[string]any{"AWS": "*"},
			// CreateGrant lets the service keep using the key for the
			// resource's lifetime (RDS storage, Secrets Manager versions).
			Action:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:ListGrants", "kms:DescribeKey"},
			Resource: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {
				"kms:CallerAccount": props.Account,
				"kms:ViaService":    via,
			}},
		})
	}
	statements = append(statements, props.Statements...)
	key := kmskey.NewKmsKey(c, str("key"), &kmskey.KmsKeyConfig{
		Description:          str(props.Description),
		EnableKeyRotation:    boolp(true),
		DeletionWindowInDays: num(30),
		Policy:               Policy(statements...).JSON(),
		Tags:                 nameTag(props.Alias),
		Provider:             props.Provider,
	})
	kmsalias.NewKmsAlias(c, str("alias"), &kmsalias.KmsAliasConfig{
		Name:        str("alias/" + props.Alias),
		TargetKeyId: key.KeyId(),
		Provider:    props.Provider,
	})
	return &Key{Construct: c, Arn: key.Arn()}
}

// sidOf turns a service principal into a Sid fragment: sns.amazonaws.com -> Sns.
func sidOf(svc string) string {
	out := []byte{}
	up := true
	for _, r := range []byte(svc) {
		if r == '.' {
			break
		}
		if r == '-' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		out = append(out, r)
	}
	return string(out)
}
