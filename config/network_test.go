package config

import (
	"fmt"
	"slices"
	"testing"
)

// Bad network input: each case names the field, the value and what is
// allowed; nothing else is reported.
func TestNetworkBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		// want is one problem: field, value, and fragments of what is allowed.
		field, value string
		want         []string
	}{
		{
			name:  "identical CIDRs",
			body:  "primary:\n  cidr: 10.0.0.0/16\nsecondary:\n  cidr: 10.0.0.0/16\n",
			field: "secondary.cidr", value: "10.0.0.0/16",
			want: []string{"does not overlap primary.cidr 10.0.0.0/16", "peered"},
		},
		{
			name:  "overlapping CIDRs",
			body:  "primary:\n  cidr: 10.0.0.0/16\nsecondary:\n  cidr: 10.0.128.0/20\n",
			field: "secondary.cidr", value: "10.0.128.0/20",
			want: []string{"does not overlap primary.cidr 10.0.0.0/16"},
		},
		{
			name:  "secondary containing primary",
			body:  "primary:\n  cidr: 10.0.4.0/24\nsecondary:\n  cidr: 10.0.0.0/16\n",
			field: "secondary.cidr", value: "10.0.0.0/16",
			want: []string{"does not overlap primary.cidr 10.0.4.0/24"},
		},
		{
			name:  "unknown endpoint service",
			body:  "network:\n  interface_endpoints: [ecr.api, dynamo]\n",
			field: "network.interface_endpoints[1]", value: "dynamo",
			want: []string{"an AWS service name: one of", "ecr.dkr", "secretsmanager"},
		},
		{
			name:  "full service name instead of the short one",
			body:  "network:\n  interface_endpoints: [com.amazonaws.us-east-1.logs]\n",
			field: "network.interface_endpoints[0]", value: "com.amazonaws.us-east-1.logs",
			want: []string{"an AWS service name: one of"},
		},
		{
			name:  "peer CIDR in the endpoint list",
			body:  "network:\n  interface_endpoints: [logs, 10.1.0.0/16]\n",
			field: "network.interface_endpoints[1]", value: "10.1.0.0/16",
			want: []string{"not a CIDR block", "secondary.cidr 10.1.0.0/16", "each region reaches AWS through its own"},
		},
		{
			name:  "peer subnet in the endpoint list",
			body:  "network:\n  interface_endpoints: [10.0.64.0/20]\n",
			field: "network.interface_endpoints[0]", value: "10.0.64.0/20",
			want: []string{"not a CIDR block", "primary.cidr 10.0.0.0/16"},
		},
		{
			name:  "other CIDR in the endpoint list",
			body:  "network:\n  interface_endpoints: [192.168.0.0/24]\n",
			field: "network.interface_endpoints[0]", value: "192.168.0.0/24",
			want: []string{"not a CIDR block", "VPC's own CIDR only"},
		},
		{
			name:  "s3 as an interface endpoint",
			body:  "network:\n  interface_endpoints: [s3]\n",
			field: "network.interface_endpoints[0]", value: "s3",
			want: []string{"S3 gateway endpoint"},
		},
		{
			name:  "duplicate endpoint",
			body:  "network:\n  interface_endpoints: [logs, sts, logs]\n",
			field: "network.interface_endpoints[2]", value: "logs",
			want: []string{"each service once"},
		},
		{
			name:  "no internet egress without the endpoints tasks need",
			body:  "network:\n  interface_endpoints: [ecr.api, logs]\n  app_internet_egress: false\n",
			field: "network.app_internet_egress", value: "false",
			want: []string{"add ecr.dkr, secretsmanager to network.interface_endpoints"},
		},
		{
			name:  "unknown load balancer ingress",
			body:  "network:\n  load_balancer_ingress: vpn\n",
			field: "network.load_balancer_ingress", value: "vpn",
			want: []string{"one of internet", "cloudfront"},
		},
		{
			name:  "CloudFront origin port",
			body:  "network:\n  load_balancer_ingress: cloudfront\n  cloudfront_origin_port: 8443\n",
			field: "network.cloudfront_origin_port", value: "8443",
			want: []string{"443", "or 80"},
		},
		{
			name:  "CloudFront port without CloudFront",
			body:  "network:\n  cloudfront_origin_port: 443\n",
			field: "network.cloudfront_origin_port", value: "443",
			want: []string{"only with network.load_balancer_ingress cloudfront"},
		},
		{
			name:  "prefix list id without CloudFront",
			body:  "primary:\n  cloudfront_prefix_list_id: pl-3b927c52\n",
			field: "primary.cloudfront_prefix_list_id", value: "pl-3b927c52",
			want: []string{"only with network.load_balancer_ingress cloudfront"},
		},
		{
			name:  "malformed prefix list id",
			body:  "network:\n  load_balancer_ingress: cloudfront\nsecondary:\n  cloudfront_prefix_list_id: sg-1234\n",
			field: "secondary.cloudfront_prefix_list_id", value: "sg-1234",
			want: []string{"a prefix list id"},
		},
		{
			name:  "region without a reviewed prefix list id",
			body:  "network:\n  load_balancer_ingress: cloudfront\nsecondary:\n  region: eu-central-2\n  cidr: 10.1.0.0/16\n",
			field: "secondary.cloudfront_prefix_list_id", value: "",
			want: []string{"required for eu-central-2", "describe-managed-prefix-lists --region eu-central-2"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) { expectProblem(t, minimal+tc.body, tc.field, tc.value, tc.want) })
	}
}

// Defaults: production gets every interface endpoint and no internet
// egress from the app tier; development gets neither endpoints nor a
// restriction; CloudFront ingress takes the region's reviewed prefix list.
func TestNetworkDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, body  string
		endpoints   []string
		internet    bool
		ingress     string
		port        int
		primaryPL   string
		secondaryPL string
	}{
		{name: "development", body: "", endpoints: []string{}, internet: true, ingress: IngressInternet},
		{name: "production", body: "tier: production\n", endpoints: DefaultInterfaceEndpoints, internet: false, ingress: IngressInternet},
		{name: "production without endpoints", body: "tier: production\nnetwork:\n  interface_endpoints: []\n", endpoints: []string{}, internet: true, ingress: IngressInternet},
		{name: "development with the task endpoints", body: "network:\n  interface_endpoints: [ecr.api, ecr.dkr, logs, secretsmanager]\n",
			endpoints: RequiredTaskEndpoints, internet: false, ingress: IngressInternet},
		{name: "internet egress kept on", body: "tier: production\nnetwork:\n  app_internet_egress: true\n", endpoints: DefaultInterfaceEndpoints, internet: true, ingress: IngressInternet},
		{name: "cloudfront", body: "network:\n  load_balancer_ingress: cloudfront\n", endpoints: []string{}, internet: true,
			ingress: IngressCloudFront, port: 80, primaryPL: "pl-3b927c52", secondaryPL: "pl-82a045eb"}, // no certificate: HTTP
		{name: "cloudfront with a certificate", body: "network:\n  load_balancer_ingress: cloudfront\nload_balancer:\n  certificate:\n    domain_name: origin.example.com\n    zone_id: Z123ABC\n",
			endpoints: []string{}, internet: true, ingress: IngressCloudFront, port: 443, primaryPL: "pl-3b927c52", secondaryPL: "pl-82a045eb"},
		{name: "cloudfront over HTTP, own id", body: "network:\n  load_balancer_ingress: cloudfront\n  cloudfront_origin_port: 80\nsecondary:\n  cloudfront_prefix_list_id: pl-0123456789abcdef0\n",
			endpoints: []string{}, internet: true, ingress: IngressCloudFront, port: 80, primaryPL: "pl-3b927c52", secondaryPL: "pl-0123456789abcdef0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := mustParse(t, minimal+tc.body)
			n := env.Network
			if !slices.Equal(n.InterfaceEndpoints, tc.endpoints) || n.InterfaceEndpoints == nil {
				t.Errorf("interface_endpoints %#v, want %#v", n.InterfaceEndpoints, tc.endpoints)
			}
			if *n.AppInternetEgress != tc.internet {
				t.Errorf("app_internet_egress %v, want %v", *n.AppInternetEgress, tc.internet)
			}
			if n.LoadBalancerIngress != tc.ingress || n.CloudFrontOriginPort != tc.port {
				t.Errorf("load balancer ingress %s port %d, want %s %d", n.LoadBalancerIngress, n.CloudFrontOriginPort, tc.ingress, tc.port)
			}
			if env.Primary.CloudFrontPrefixListID != tc.primaryPL || env.Secondary.CloudFrontPrefixListID != tc.secondaryPL {
				t.Errorf("prefix lists %q %q, want %q %q", env.Primary.CloudFrontPrefixListID, env.Secondary.CloudFrontPrefixListID, tc.primaryPL, tc.secondaryPL)
			}
		})
	}
}

// The reviewed prefix list table covers only supported regions and holds
// well-formed, distinct ids.
func TestCloudFrontPrefixListTable(t *testing.T) {
	seen := map[string]string{}
	for region, id := range cloudFrontPrefixLists {
		if !knownRegion(region) {
			t.Errorf("%s is not a supported region", region)
		}
		if !prefixListRe.MatchString(id) {
			t.Errorf("%s: malformed id %s", region, id)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("%s and %s share %s", region, other, id)
		}
		seen[id] = region
	}
	for _, s := range DefaultInterfaceEndpoints {
		if !slices.Contains(interfaceServices, s) {
			t.Errorf("default endpoint %s is not an accepted service", s)
		}
	}
}

// The example environments load: production has the endpoints and no
// internet egress from the app tier.
func TestExampleEnvironmentsNetwork(t *testing.T) {
	for _, env := range shipped(t) {
		if env.Production() && (len(env.Network.InterfaceEndpoints) == 0 || *env.Network.AppInternetEgress) {
			t.Errorf("%s: production without interface endpoints or with app internet egress", env.ID())
		}
	}
}

// The subnet rule: one quarter of the VPC per tier, AZ index within it.
func TestLayout(t *testing.T) {
	r := Region{Region: "us-east-1", CIDR: "10.0.0.0/16", AZs: []string{"us-east-1a", "us-east-1b", "us-east-1c"}}
	got := r.Layout()
	want := []Subnets{
		{"us-east-1a", "10.0.0.0/20", "10.0.64.0/20", "10.0.128.0/20"},
		{"us-east-1b", "10.0.16.0/20", "10.0.80.0/20", "10.0.144.0/20"},
		{"us-east-1c", "10.0.32.0/20", "10.0.96.0/20", "10.0.160.0/20"},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("AZ %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	small := Region{Region: "us-east-1", CIDR: "192.168.4.0/24", AZs: []string{"us-east-1a", "us-east-1b"}}
	if s := small.Layout()[1]; s.Database != "192.168.4.144/28" {
		t.Errorf("/24 VPC database subnet of AZ 2 = %s, want 192.168.4.144/28", s.Database)
	}
}

// An environment's stacks may use its two regions and the edge region.
func TestRegions(t *testing.T) {
	env, err := Parse("envs/acme-dev.yaml", []byte(minimal+"primary:\n  region: eu-west-1\n  cidr: 10.0.0.0/16\nsecondary:\n  region: us-east-1\n  cidr: 10.1.0.0/16\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(env.Regions()); got != "[eu-west-1 us-east-1]" {
		t.Errorf("regions %s, want [eu-west-1 us-east-1]", got)
	}
}
