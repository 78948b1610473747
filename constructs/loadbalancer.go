package constructs

import (
	"fmt"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificatevalidation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// CertificateRequest asks for an ACM certificate validated by DNS records
// in an existing Route 53 hosted zone.
type CertificateRequest struct {
	DomainName       string
	AlternativeNames []string
	ZoneID           string
}

// LoadBalancerProps configures an internet-facing Application Load Balancer
// in front of one ECS service.
type LoadBalancerProps struct {
	// Name and TargetGroupName are at most 32 characters (config checks).
	Name            string
	TargetGroupName string
	Account         string
	Region          string
	VpcID           *string
	// SubnetIDs are public subnets in at least two AZs.
	SubnetIDs       []*string
	SecurityGroupID *string
	// TargetPort is the container port; HealthCheckPath its health URL.
	TargetPort      int
	HealthCheckPath string
	// DeletionProtection (production) keeps a destroy from removing the ALB.
	DeletionProtection         bool
	IdleTimeoutSeconds         int
	DeregistrationDelaySeconds int
	// AccessLogBucket is the name of the access log bucket this construct
	// creates (globally unique: include account and region);
	// AccessLogRetentionDays expires its objects; ForceDestroyLogs lets a
	// destroy empty it (not in production).
	AccessLogBucket        string
	AccessLogRetentionDays int
	ForceDestroyLogs       bool
	// SSLPolicy of the HTTPS listener.
	SSLPolicy string
	// CertificateArn is an existing certificate of this region, or
	// Certificate a new one to request; with neither, HTTP forwards to the
	// service and there is no HTTPS listener.
	CertificateArn string
	Certificate    *CertificateRequest
}

// LoadBalancer is the ALB, its access log bucket, the service's target
// group and the listeners.
type LoadBalancer struct {
	cdk.Construct
	Arn *string
	// ArnSuffix and TargetGroupArnSuffix are the LoadBalancer and
	// TargetGroup dimensions of CloudWatch metrics.
	ArnSuffix            *string
	DNSName              *string
	ZoneID               *string
	TargetGroupArn       *string
	TargetGroupArnSuffix *string
	// ForwardingListener sends traffic to the target group (HTTPS when a
	// certificate is configured, else HTTP); a service that registers with
	// the target group must depend on it.
	ForwardingListener lblistener.LbListener
	// CertificateArn is the HTTPS listener's certificate, nil without HTTPS.
	CertificateArn *string
}

// NewLoadBalancer creates the access log bucket, the ALB in the public
// subnets, an ip target group and the listeners: HTTP redirects to HTTPS
// when there is a certificate and forwards otherwise.
func NewLoadBalancer(scope cdk.Construct, id string, p *LoadBalancerProps) *LoadBalancer {
	c := cdk.NewConstruct(scope, str(id))
	out := &LoadBalancer{Construct: c}
	const logPrefix = "alb"
	logsPolicy := accessLogBucket(c, p, logPrefix)

	alb := lb.NewLb(c, str("alb"), &lb.LbConfig{
		Name:                     str(p.Name),
		LoadBalancerType:         str("application"),
		Internal:                 boolp(false),
		SecurityGroups:           &[]*string{p.SecurityGroupID},
		Subnets:                  &p.SubnetIDs,
		DropInvalidHeaderFields:  boolp(true),
		DesyncMitigationMode:     str("defensive"),
		EnableDeletionProtection: boolp(p.DeletionProtection),
		IdleTimeout:              num(p.IdleTimeoutSeconds),
		AccessLogs: &lb.LbAccessLogs{
			Bucket:  str(p.AccessLogBucket),
			Prefix:  str(logPrefix),
			Enabled: boolp(true),
		},
		Tags: nameTag(p.Name),
		// ELB checks that it may write to the bucket when logging is set.
		DependsOn: &[]cdktf.ITerraformDependable{logsPolicy},
	})
	out.Arn, out.ArnSuffix, out.DNSName, out.ZoneID = alb.Arn(), alb.ArnSuffix(), alb.DnsName(), alb.ZoneId()

	tg := lbtargetgroup.NewLbTargetGroup(c, str("target-group"), &lbtargetgroup.LbTargetGroupConfig{
		Name:                str(p.TargetGroupName),
		TargetType:          str("ip"), // awsvpc tasks register by IP
		Port:                num(p.TargetPort),
		Protocol:            str("HTTP"),
		VpcId:               p.VpcID,
		DeregistrationDelay: str(fmt.Sprint(p.DeregistrationDelaySeconds)),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled:            boolp(true),
			Path:               str(p.HealthCheckPath),
			Protocol:           str("HTTP"),
			Matcher:            str("200-399"),
			Interval:           num(15),
			Timeout:            num(5),
			HealthyThreshold:   num(2),
			UnhealthyThreshold: num(3),
		},
		Tags: nameTag(p.TargetGroupName),
		// The name carries the port: a replacement group can exist beside
		// the old one while the listener moves over.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: boolp(true)},
	})
	out.TargetGroupArn, out.TargetGroupArnSuffix = tg.Arn(), tg.ArnSuffix()
	forward := &[]*lblistener.LbListenerDefaultAction{{Type: str("forward"), TargetGroupArn: tg.Arn()}}

	out.CertificateArn = certificate(c, p)
	if out.CertificateArn == nil {
		// No certificate: plain HTTP to the service.
		out.ForwardingListener = lblistener.NewLbListener(c, str("http"), &lblistener.LbListenerConfig{
			LoadBalancerArn: alb.Arn(),
			Port:            num(80),
			Protocol:        str("HTTP"),
			DefaultAction:   forward,
			Tags:            nameTag(p.Name + "-http"),
		})
		return out
	}
	// HTTPS with a TLS 1.2+ policy forwards to the service.
	out.ForwardingListener = lblistener.NewLbListener(c, str("https"), &lblistener.LbListenerConfig{
		LoadBalancerArn: alb.Arn(),
		Port:            num(443),
		Protocol:        str("HTTPS"),
		SslPolicy:       str(p.SSLPolicy),
		CertificateArn:  out.CertificateArn,
		DefaultAction:   forward,
		Tags:            nameTag(p.Name + "-https"),
	})
	// HTTP only redirects to HTTPS, permanently.
	lblistener.NewLbListener(c, str("http"), &lblistener.LbListenerConfig{
		LoadBalancerArn: alb.Arn(),
		Port:            num(80),
		Protocol:        str("HTTP"),
		DefaultAction: &[]*lblistener.LbListenerDefaultAction{{
			Type: str("redirect"),
			Redirect: &lblistener.LbListenerDefaultActionRedirect{
				Protocol:   str("HTTPS"),
				Port:       str("443"),
				StatusCode: str("HTTP_301"),
			},
		}},
		Tags: nameTag(p.Name + "-http"),
	})
	return out
}

// certificate returns the listener's certificate ARN: the configured one,
// or a new ACM certificate once DNS validation completed; nil for none.
func certificate(c cdk.Construct, p *LoadBalancerProps) *string {
	if p.CertificateArn != "" {
		return str(p.CertificateArn)
	}
	if p.Certificate == nil {
		return nil
	}
	req := p.Certificate
	cfg := &acmcertificate.AcmCertificateConfig{
		DomainName:       str(req.DomainName),
		ValidationMethod: str("DNS"),
		Tags:             nameTag(req.DomainName),
		// A changed name list gets a new certificate before the listener
		// lets go of the old one.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: boolp(true)},
	}
	if len(req.AlternativeNames) > 0 {
		cfg.SubjectAlternativeNames = strs(req.AlternativeNames...)
	}
	cert := acmcertificate.NewAcmCertificate(c, str("certificate"), cfg)
	fqdns := validationRecords(c, cert, str(req.ZoneID), 1+len(req.AlternativeNames))
	validated := acmcertificatevalidation.NewAcmCertificateValidation(c, str("validated"), &acmcertificatevalidation.AcmCertificateValidationConfig{
		CertificateArn:        cert.Arn(),
		ValidationRecordFqdns: &fqdns,
	})
	return validated.CertificateArn()
}

// validationRecords creates the DNS validation records of a certificate for
// names names in the zone and returns their names (what a certificate
// validation waits for). One record per name: the certificate has one
// validation option per name, and config knows how many, so the records are
// known at plan time (a for_each keyed by the options' names is not: they
// are unknown until the certificate exists). Which option lands in which
// record does not matter. Certificates of both regions and CloudFront's for
// a name use the same record, as do a name and its wildcard, hence
// allow_overwrite.
func validationRecords(c cdk.Construct, cert acmcertificate.AcmCertificate, zoneID *string, names int) []*string {
	options := cdktf.Fn_Tolist(cert.DomainValidationOptions())
	fqdns := make([]*string, 0, names)
	for i := range names {
		option := cdktf.Fn_Element(options, num(i))
		field := func(f string) *string { return cdktf.Token_AsString(cdktf.Fn_Lookup(option, str(f), nil), nil) }
		record := route53record.NewRoute53Record(c, str(fmt.Sprintf("validation-%d", i)), &route53record.Route53RecordConfig{
			ZoneId:         zoneID,
			Name:           field("resource_record_name"),
			Type:           field("resource_record_type"),
			Records:        &[]*string{field("resource_record_value")},
			Ttl:            num(60),
			AllowOverwrite: boolp(true),
		})
		fqdns = append(fqdns, record.Fqdn())
	}
	return fqdns
}

// accessLogBucket creates the bucket the ALB writes its access logs to:
// private, encrypted (ALB log delivery supports only SSE-S3, not KMS),
// TLS-only, objects expiring after the retention. It returns the bucket
// policy, which the ALB must wait for.
func accessLogBucket(c cdk.Construct, p *LoadBalancerProps, prefix string) cdktf.ITerraformDependable {
	return newPrivateBucket(c, "access-logs", &privateBucketProps{
		Name:              p.AccessLogBucket,
		ForceDestroy:      p.ForceDestroyLogs,
		OmitBucketKeyFlag: true,
		RetentionDays:     p.AccessLogRetentionDays,
		RuleID:            "expire-access-logs",
		Policy: func(*string) *string {
			return AccessLogBucketPolicy(p.AccessLogBucket, prefix, p.Account, p.Region).JSON()
		},
	}).Policy
}

// AccessLogBucketPolicy lets Elastic Load Balancing of the region write
// this account's logs under prefix, and denies every request without TLS.
func AccessLogBucketPolicy(bucket, prefix, account, region string) PolicyDocument {
	arn := "arn:aws:s3:::" + bucket
	// Regions opened before August 2022 deliver from a regional ELB
	// account; newer ones from the log delivery service principal.
	principal := ServicePrincipal("logdelivery.elasticloadbalancing.amazonaws.com")
	if elb, ok := elbAccounts[region]; ok {
		principal = map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", elb)}
	}
	return Policy(
		Statement{
			Sid:       "LoadBalancerWritesAccessLogs",
			Effect:    "Allow",
			Principal: principal,
			Action:    []string{"s3:PutObject"},
			Resource:  []string{fmt.Sprintf("%s/%s/AWSLogs/%s/*", arn, prefix, account)},
		},
		denyInsecureTransport(&arn),
	)
}

// elbAccounts are the Elastic Load Balancing accounts that deliver access
// logs in regions opened before August 2022 (AWS docs, "Enable access logs
// for your Application Load Balancer").
var elbAccounts = map[string]string{
	"us-east-1":      "127311923021",
	"us-east-2":      "033677994240",
	"us-west-1":      "027434742980",
	"us-west-2":      "797873946194",
	"ca-central-1":   "985666609251",
	"eu-central-1":   "054676820928",
	"eu-west-1":      "156460612806",
	"eu-west-2":      "652711504416",
	"eu-west-3":      "009996457667",
	"eu-north-1":     "897822967062",
	"eu-south-1":     "635631232127",
	"ap-northeast-1": "582318560864",
	"ap-northeast-2": "600734575887",
	"ap-northeast-3": "383597477331",
	"ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266",
	"ap-south-1":     "718504428378",
	"sa-east-1":      "507241528517",
}
