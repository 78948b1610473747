package dr

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/multiregion/multiregion/config"
)

// clients are the API clients of both regions, plus Route 53 (global).
type clients struct {
	rds     map[string]*rds.Client // by region
	ecs     map[string]*ecs.Client
	metrics map[string]*cloudwatch.Client
	events  map[string]*eventbridge.Client
	dns     *route53.Client
}

// newClients builds the clients for the environment's regions: the
// default credential chain on AWS; on the emulator its endpoint and test
// credentials (moto accepts any).
func newClients(ctx context.Context, env *config.Environment) (*clients, error) {
	opts := []func(*awsconfig.LoadOptions) error{
		// A region that does not answer must not stall the operation.
		awsconfig.WithRetryMaxAttempts(3),
	}
	if env.Emulator != nil {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	}
	base, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, err
	}
	base.HTTPClient = awsHTTPClient()
	var endpoint *string
	if env.Emulator != nil {
		endpoint = aws.String(env.Emulator.Endpoint)
	}
	c := &clients{rds: map[string]*rds.Client{}, ecs: map[string]*ecs.Client{}, metrics: map[string]*cloudwatch.Client{},
		events: map[string]*eventbridge.Client{}}
	for _, region := range []string{env.Primary.Region, env.Secondary.Region} {
		cfg := base.Copy()
		cfg.Region = region
		c.rds[region] = rds.NewFromConfig(cfg, func(o *rds.Options) { o.BaseEndpoint = endpoint })
		c.ecs[region] = ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint = endpoint })
		c.metrics[region] = cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.BaseEndpoint = endpoint })
		c.events[region] = eventbridge.NewFromConfig(cfg, func(o *eventbridge.Options) { o.BaseEndpoint = endpoint })
	}
	cfg := base.Copy()
	cfg.Region = "us-east-1" // Route 53's API
	c.dns = route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = endpoint })
	return c, nil
}

// awsHTTPClient gives up on a region that does not answer within a
// minute per request.
func awsHTTPClient() aws.HTTPClient {
	return awshttp.NewBuildableClient().WithTimeout(time.Minute)
}
