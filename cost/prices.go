package cost

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// pricesYAML is the price list shipped with the estimate (prices.yaml).
//
//go:embed prices.yaml
var pricesYAML []byte

// PricesFile names the price list in messages.
const PricesFile = "cost/prices.yaml"

// Prices is the price list: when it was read, where from, and the prices.
type Prices struct {
	Read    string                  `yaml:"read" json:"read"`
	Sources map[string]string       `yaml:"sources" json:"sources"`
	Regions map[string]RegionPrices `yaml:"regions" json:"-"`
	Global  GlobalPrices            `yaml:"global" json:"-"`
}

// RegionPrices are one region's prices (USD).
type RegionPrices struct {
	FargateVCPUHour            float64            `yaml:"fargate_vcpu_hour"`
	FargateGBHour              float64            `yaml:"fargate_gb_hour"`
	FargateSpotVCPUHour        float64            `yaml:"fargate_spot_vcpu_hour"`
	FargateSpotGBHour          float64            `yaml:"fargate_spot_gb_hour"`
	ALBHour                    float64            `yaml:"alb_hour"`
	ALBLCUHour                 float64            `yaml:"alb_lcu_hour"`
	NATGatewayHour             float64            `yaml:"nat_gateway_hour"`
	NATGatewayGB               float64            `yaml:"nat_gateway_gb"`
	PublicIPv4Hour             float64            `yaml:"public_ipv4_hour"`
	InterfaceEndpointHour      float64            `yaml:"interface_endpoint_hour"`
	InterfaceEndpointGB        float64            `yaml:"interface_endpoint_gb"`
	RDSInstanceHour            map[string]float64 `yaml:"rds_instance_hour"`
	RDSStorageGBMonth          map[string]float64 `yaml:"rds_storage_gb_month"`
	RDSBackupGBMonth           float64            `yaml:"rds_backup_gb_month"`
	KMSKeyMonth                float64            `yaml:"kms_key_month"`
	SecretMonth                float64            `yaml:"secret_month"`
	LogIngestionGB             float64            `yaml:"log_ingestion_gb"`
	LogStorageGBMonth          float64            `yaml:"log_storage_gb_month"`
	AlarmMetricMonth           float64            `yaml:"alarm_metric_month"`
	AlarmHighResMetricMonth    float64            `yaml:"alarm_high_resolution_metric_month"`
	CompositeAlarmMonth        float64            `yaml:"composite_alarm_month"`
	DashboardMonth             float64            `yaml:"dashboard_month"`
	CustomMetricMonth          float64            `yaml:"custom_metric_month"`
	CodeBuildMinute            map[string]float64 `yaml:"codebuild_minute"`
	CodePipelineV1Month        float64            `yaml:"codepipeline_v1_month"`
	CodePipelineV2ActionMinute float64            `yaml:"codepipeline_v2_action_minute"`
	S3GBMonth                  float64            `yaml:"s3_gb_month"`
	ECRGBMonth                 float64            `yaml:"ecr_gb_month"`
	InterRegionGB              float64            `yaml:"inter_region_gb"`
}

// GlobalPrices are the prices of global services (USD).
type GlobalPrices struct {
	CloudFrontGB                   float64 `yaml:"cloudfront_gb"`
	CloudFrontHTTPS10k             float64 `yaml:"cloudfront_https_10k"`
	WAFWebACLMonth                 float64 `yaml:"waf_web_acl_month"`
	WAFRuleMonth                   float64 `yaml:"waf_rule_month"`
	WAFMillionRequests             float64 `yaml:"waf_million_requests"`
	Route53ZoneMonth               float64 `yaml:"route53_zone_month"`
	Route53HealthCheckMonth        float64 `yaml:"route53_health_check_month"`
	Route53HealthCheckFeatureMonth float64 `yaml:"route53_health_check_feature_month"`
}

// LoadPrices reads the shipped price list.
func LoadPrices() (*Prices, error) { return ParsePrices(PricesFile, pricesYAML) }

// ParsePrices reads a price list strictly (an unknown key is an error) and
// checks that every price is there and not negative, naming each gap.
func ParsePrices(name string, data []byte) (*Prices, error) {
	var p Prices
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var errs []error
	if p.Read == "" {
		errs = append(errs, fmt.Errorf("%s: read: missing: the date the prices were read (YYYY-MM-DD)", name))
	}
	if len(p.Sources) == 0 {
		errs = append(errs, fmt.Errorf("%s: sources: missing: the pages the prices come from", name))
	}
	if len(p.Regions) == 0 {
		errs = append(errs, fmt.Errorf("%s: regions: missing: prices per region", name))
	}
	for _, region := range slices.Sorted(maps.Keys(p.Regions)) {
		errs = append(errs, checkPrices(name, "regions."+region, reflect.ValueOf(p.Regions[region]))...)
	}
	errs = append(errs, checkPrices(name, "global", reflect.ValueOf(p.Global))...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &p, nil
}

// checkPrices reports every price of v (a struct of float64s and maps) that
// is missing or negative.
func checkPrices(name, path string, v reflect.Value) []error {
	var errs []error
	for i := range v.NumField() {
		key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Float64:
			if f.Float() <= 0 {
				errs = append(errs, fmt.Errorf("%s: %s.%s: %v: want a price above 0 (USD)", name, path, key, f.Float()))
			}
		case reflect.Map:
			if f.Len() == 0 {
				errs = append(errs, fmt.Errorf("%s: %s.%s: missing: want a price per kind", name, path, key))
			}
			for _, k := range f.MapKeys() {
				if f.MapIndex(k).Float() <= 0 {
					errs = append(errs, fmt.Errorf("%s: %s.%s.%v: %v: want a price above 0 (USD)", name, path, key, k, f.MapIndex(k).Float()))
				}
			}
		}
	}
	return errs
}

// region returns the prices of a region, or an error naming the file.
func (p *Prices) region(name string) (*RegionPrices, error) {
	r, ok := p.Regions[name]
	if !ok {
		return nil, fmt.Errorf("%s has no prices for region %q (it has %s): add them", PricesFile, name, strings.Join(slices.Sorted(maps.Keys(p.Regions)), ", "))
	}
	return &r, nil
}
