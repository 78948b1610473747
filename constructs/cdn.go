package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificatevalidation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// AWS managed CloudFront policies, referenced by id: nothing to create.
const (
	// CachePolicyUseOriginCacheControl caches only what the origin marks
	// cacheable (default TTL 0), keyed by path, Host and cookies.
	CachePolicyUseOriginCacheControl = "83da9c7e-98b4-4e11-a168-04f0df8e2c65"
	// CachePolicyCachingDisabled never caches.
	CachePolicyCachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	// OriginRequestPolicyAllViewer forwards every viewer header (Host
	// included), cookie and query string.
	OriginRequestPolicyAllViewer = "216adef6-5c7f-47e4-b989-5492eafa07d3"
	// ResponseHeadersPolicySecurityHeaders adds HSTS, X-Content-Type-Options,
	// X-Frame-Options, Referrer-Policy and X-XSS-Protection.
	ResponseHeadersPolicySecurityHeaders = "67f7725c-6f97-4210-82d7-5512b31e9d03"
)

// OriginHeaderName is the header CloudFront adds to every origin request
// when an origin secret is configured; the load balancers require it.
const OriginHeaderName = "X-Origin-Verify"

// Origin ids inside the distribution.
const (
	OriginPrimary   = "primary"
	OriginSecondary = "secondary"
	OriginGroupID   = "failover"
)

// failoverStatusCodes make CloudFront retry a GET, HEAD or OPTIONS request
// on the secondary origin (timeouts and refused connections do too).
var failoverStatusCodes = []int{500, 502, 503, 504}

// CDNOrigin is one origin of the distribution.
type CDNOrigin struct {
	// DomainName CloudFront connects to: origin.<domain> (the DNS failover
	// pair) for the primary, the load balancer's own name for the secondary.
	DomainName *string
}

// CDNProps configures the CloudFront distribution in front of both regions.
type CDNProps struct {
	// Name prefixes names, e.g. acme-prod.
	Name    string
	Account string
	// Region of the log bucket and its key (the stack's default provider).
	Region string
	// Aliases are the names the distribution answers for; the first is the
	// certificate's domain name, the rest its alternative names.
	Aliases []string
	// CertificateArn is an existing us-east-1 certificate for Aliases; when
	// empty one is requested through CertificateProvider (us-east-1) and
	// DNS-validated in ZoneID.
	CertificateArn      string
	CertificateProvider cdktf.TerraformProvider
	ZoneID              *string
	// ValidationRecords creates the certificate's validation records; false
	// when another stack already keeps the same records in the zone (ACM's
	// validation record of a name is the same for every certificate of the
	// account), so two stacks never fight over one record.
	ValidationRecords bool
	// Primary and Secondary origins; OriginFailover puts them in an origin
	// group that the default behaviour targets.
	Primary, Secondary CDNOrigin
	OriginFailover     bool
	// OriginHTTPS connects to the origins over TLS 1.2 on 443 (else HTTP
	// on 80).
	OriginHTTPS bool
	// OriginSecret, when set, is sent as OriginHeaderName to the origins.
	OriginSecret *string
	// APIPaths are never cached, allow every method and go to the primary
	// origin (whose name fails over in DNS).
	APIPaths   []string
	PriceClass string
	// WebACLArn attaches a WAFv2 web ACL (nil: none).
	WebACLArn *string
	// LogBucket is the access log bucket's name (globally unique),
	// LogRetentionDays its expiry; ForceDestroyLogs lets a destroy empty it.
	LogBucket        string
	LogRetentionDays int
	ForceDestroyLogs bool
}

// CDN is the distribution with its certificate and access log bucket.
type CDN struct {
	cdk.Construct
	DistributionID *string
	DomainName     *string
	// HostedZoneID is CloudFront's alias zone.
	HostedZoneID   *string
	Arn            *string
	CertificateArn *string
	LogsKey        *Key
}

// NewCDN creates the access log bucket, the certificate (unless given)
// and the distribution.
func NewCDN(scope cdk.Construct, id string, p *CDNProps) *CDN {
	c := cdk.NewConstruct(scope, str(id))
	out := &CDN{Construct: c}
	logsDomain, logsReady := cdnLogBucket(c, p, out)
	out.CertificateArn = cdnCertificate(c, p)

	origin := func(id string, o CDNOrigin) *cloudfrontdistribution.CloudfrontDistributionOrigin {
		cfg := &cloudfrontdistribution.CloudfrontDistributionOriginCustomOriginConfig{
			HttpPort: num(80), HttpsPort: num(443),
			OriginProtocolPolicy: str("http-only"),
			OriginSslProtocols:   strs("TLSv1.2"),
		}
		if p.OriginHTTPS {
			cfg.OriginProtocolPolicy = str("https-only")
		}
		out := &cloudfrontdistribution.CloudfrontDistributionOrigin{
			OriginId: str(id), DomainName: o.DomainName, CustomOriginConfig: cfg,
		}
		if p.OriginSecret != nil {
			out.CustomHeader = &[]*cloudfrontdistribution.CloudfrontDistributionOriginCustomHeader{{
				Name: str(OriginHeaderName), Value: sensitive(p.OriginSecret),
			}}
		}
		return out
	}
	origins := []*cloudfrontdistribution.CloudfrontDistributionOrigin{origin(OriginPrimary, p.Primary), origin(OriginSecondary, p.Secondary)}

	allMethods := strs("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
	cached := strs("GET", "HEAD")
	// The default behaviour caches only what the origin marks cacheable and
	// forwards the viewer's Host, so each load balancer's certificate (for
	// the app's names) matches on either origin.
	def := &cloudfrontdistribution.CloudfrontDistributionDefaultCacheBehavior{
		TargetOriginId:          str(OriginPrimary),
		AllowedMethods:          allMethods,
		CachedMethods:           cached,
		ViewerProtocolPolicy:    str("redirect-to-https"),
		Compress:                boolp(true),
		CachePolicyId:           str(CachePolicyUseOriginCacheControl),
		OriginRequestPolicyId:   str(OriginRequestPolicyAllViewer),
		ResponseHeadersPolicyId: str(ResponseHeadersPolicySecurityHeaders),
	}
	var groups []*cloudfrontdistribution.CloudfrontDistributionOriginGroup
	if p.OriginFailover {
		// CloudFront fails over GET, HEAD and OPTIONS only, and refuses other
		// methods on a behaviour that targets an origin group: writes go
		// through APIPaths to the primary origin, whose name fails over in
		// DNS.
		def.TargetOriginId = str(OriginGroupID)
		def.AllowedMethods = strs("GET", "HEAD", "OPTIONS")
		groups = append(groups, &cloudfrontdistribution.CloudfrontDistributionOriginGroup{
			OriginId:         str(OriginGroupID),
			FailoverCriteria: &cloudfrontdistribution.CloudfrontDistributionOriginGroupFailoverCriteria{StatusCodes: nums(failoverStatusCodes...)},
			Member: &[]*cloudfrontdistribution.CloudfrontDistributionOriginGroupMember{
				{OriginId: str(OriginPrimary)}, {OriginId: str(OriginSecondary)},
			},
		})
	}
	var ordered []*cloudfrontdistribution.CloudfrontDistributionOrderedCacheBehavior
	for _, path := range p.APIPaths {
		ordered = append(ordered, &cloudfrontdistribution.CloudfrontDistributionOrderedCacheBehavior{
			PathPattern:             str(path),
			TargetOriginId:          str(OriginPrimary),
			AllowedMethods:          allMethods,
			CachedMethods:           cached,
			ViewerProtocolPolicy:    str("redirect-to-https"),
			Compress:                boolp(true),
			CachePolicyId:           str(CachePolicyCachingDisabled),
			OriginRequestPolicyId:   str(OriginRequestPolicyAllViewer),
			ResponseHeadersPolicyId: str(ResponseHeadersPolicySecurityHeaders),
		})
	}
	cfg := &cloudfrontdistribution.CloudfrontDistributionConfig{
		Enabled:              boolp(true),
		Comment:              str(p.Name + ": the app in front of both regions"),
		Aliases:              strs(p.Aliases...),
		PriceClass:           str(p.PriceClass),
		HttpVersion:          str("http2and3"),
		IsIpv6Enabled:        boolp(true),
		Origin:               &origins,
		DefaultCacheBehavior: def,
		Restrictions: &cloudfrontdistribution.CloudfrontDistributionRestrictions{
			GeoRestriction: &cloudfrontdistribution.CloudfrontDistributionRestrictionsGeoRestriction{RestrictionType: str("none")},
		},
		ViewerCertificate: &cloudfrontdistribution.CloudfrontDistributionViewerCertificate{
			AcmCertificateArn:      out.CertificateArn,
			SslSupportMethod:       str("sni-only"),
			MinimumProtocolVersion: str("TLSv1.2_2021"),
		},
		LoggingConfig: &cloudfrontdistribution.CloudfrontDistributionLoggingConfig{
			Bucket:         logsDomain,
			Prefix:         str("cloudfront/"),
			IncludeCookies: boolp(false),
		},
		WebAclId:  p.WebACLArn,
		Tags:      nameTag(p.Name),
		DependsOn: &logsReady,
	}
	if len(groups) > 0 {
		cfg.OriginGroup = &groups
	}
	if len(ordered) > 0 {
		cfg.OrderedCacheBehavior = &ordered
	}
	dist := cloudfrontdistribution.NewCloudfrontDistribution(c, str("distribution"), cfg)
	out.DistributionID, out.DomainName, out.HostedZoneID, out.Arn = dist.Id(), dist.DomainName(), dist.HostedZoneId(), dist.Arn()
	return out
}

// cdnCertificate returns the viewer certificate: the given one, or a new
// us-east-1 certificate once DNS validation completed.
func cdnCertificate(c cdk.Construct, p *CDNProps) *string {
	if p.CertificateArn != "" {
		return str(p.CertificateArn)
	}
	cert := acmcertificate.NewAcmCertificate(c, str("certificate"), &acmcertificate.AcmCertificateConfig{
		DomainName:              str(p.Aliases[0]),
		SubjectAlternativeNames: strs(p.Aliases[1:]...),
		ValidationMethod:        str("DNS"),
		KeyAlgorithm:            str("RSA_2048"),
		Tags:                    nameTag(p.Aliases[0]),
		Provider:                p.CertificateProvider,
		// A changed name list gets a new certificate before the
		// distribution lets go of the old one.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: boolp(true)},
	})
	var fqdns []*string
	if p.ValidationRecords {
		fqdns = validationRecords(c, cert, p.ZoneID, len(p.Aliases))
	}
	cfg := &acmcertificatevalidation.AcmCertificateValidationConfig{
		CertificateArn: cert.Arn(),
		Provider:       p.CertificateProvider,
	}
	if len(fqdns) > 0 {
		cfg.ValidationRecordFqdns = &fqdns
	}
	return acmcertificatevalidation.NewAcmCertificateValidation(c, str("certificate-validated"), cfg).CertificateArn()
}

// cdnLogBucket creates the access log bucket and returns the domain name
// CloudFront's logging takes. Standard logging grants the awslogsdelivery
// account write access through the bucket ACL, so ACLs stay enabled
// (BucketOwnerPreferred); every public access is blocked; objects are
// encrypted with a key of their own and expire after the retention. It
// returns what the distribution must wait for.
func cdnLogBucket(c cdk.Construct, p *CDNProps, out *CDN) (*string, []cdktf.ITerraformDependable) {
	out.LogsKey = NewKey(c, "logs-key", &KeyProps{
		Alias:       p.LogBucket,
		Description: fmt.Sprintf("%s: CloudFront access logs", p.Name),
		Account:     p.Account,
		Region:      p.Region,
		// CloudFront's log delivery writes SSE-KMS objects with this key;
		// its requests carry no source account to condition on.
		Statements: []Statement{{
			Sid: "CloudFrontLogDeliveryEncrypts", Effect: "Allow",
			Principal: ServicePrincipal("delivery.logs.amazonaws.com"),
			Action:    []string{"kms:GenerateDataKey*"},
			Resource:  []string{"*"},
		}},
	})
	logs := newPrivateBucket(c, "access-logs", &privateBucketProps{
		Name:          p.LogBucket,
		ForceDestroy:  p.ForceDestroyLogs,
		KeyArn:        out.LogsKey.Arn,
		ACLs:          true,
		RetentionDays: p.LogRetentionDays,
		RuleID:        "expire-access-logs",
		// By name, not the arn attribute: known at plan time.
		Policy: func(*string) *string { return TLSOnlyBucketPolicy(p.LogBucket).JSON() },
	})
	// The distribution may only point its logs at the bucket once ACLs work
	// and the policy is in place.
	return logs.Bucket.BucketDomainName(), []cdktf.ITerraformDependable{logs.Ownership, logs.Policy}
}
