package constructs

import (
	"fmt"
	"strings"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
)

// EndpointsProps configures the VPC endpoints of one VPC.
type EndpointsProps struct {
	Name    string
	Region  string
	VpcID   *string
	VpcCIDR string
	// GatewayRouteTableIDs get the S3 gateway endpoint's route (the private
	// tables; the database tier reaches nothing outside the VPCs).
	GatewayRouteTableIDs []*string
	// SubnetIDs hold the interface endpoints' network interfaces, one
	// subnet per AZ (the private tier).
	SubnetIDs []*string
	// InterfaceServices are short service names, e.g. ecr.api, logs.
	InterfaceServices []string
}

// Endpoints are the S3 gateway endpoint and the interface endpoints of a
// VPC, so private subnets reach AWS without NAT.
type Endpoints struct {
	cdk.Construct
	// S3PrefixListID is the region's S3 prefix list, which the gateway
	// endpoint routes: security groups allow HTTPS to S3 through it.
	S3PrefixListID *string
	// SecurityGroupID guards the interface endpoints (HTTPS from the VPC);
	// nil when there are none.
	SecurityGroupID *string
	// InterfaceEndpointIDs by short service name.
	InterfaceEndpointIDs map[string]*string
}

// NewEndpoints creates the S3 gateway endpoint and one interface endpoint
// with private DNS per service behind a security group of their own.
func NewEndpoints(scope cdk.Construct, id string, p *EndpointsProps) *Endpoints {
	c := cdk.NewConstruct(scope, str(id))
	e := &Endpoints{Construct: c, InterfaceEndpointIDs: map[string]*string{}}

	s3 := vpcendpoint.NewVpcEndpoint(c, str("s3"), &vpcendpoint.VpcEndpointConfig{
		VpcId:           p.VpcID,
		ServiceName:     str(serviceName(p.Region, "s3")),
		VpcEndpointType: str("Gateway"),
		RouteTableIds:   &p.GatewayRouteTableIDs,
		Tags:            nameTag(p.Name + "-s3"),
	})
	e.S3PrefixListID = s3.PrefixListId()

	if len(p.InterfaceServices) == 0 {
		return e
	}
	e.SecurityGroupID = securitygroup.NewSecurityGroup(c, str("sg"), &securitygroup.SecurityGroupConfig{
		Name:        str(p.Name + "-endpoints"),
		Description: str("Interface endpoints: HTTPS from the VPC only"),
		VpcId:       p.VpcID,
		Tags:        nameTag(p.Name + "-endpoints"),
	}).Id()
	// Endpoints only answer; no egress rule, so none is allowed.
	ingress(c, "sg-in-vpc", &rule{group: e.SecurityGroupID, port: 443, cidr: p.VpcCIDR,
		description: "HTTPS from the VPC to the AWS service endpoints"})
	for _, svc := range p.InterfaceServices {
		ep := vpcendpoint.NewVpcEndpoint(c, str(strings.ReplaceAll(svc, ".", "-")), &vpcendpoint.VpcEndpointConfig{
			VpcId:             p.VpcID,
			ServiceName:       str(serviceName(p.Region, svc)),
			VpcEndpointType:   str("Interface"),
			SubnetIds:         &p.SubnetIDs,
			SecurityGroupIds:  &[]*string{e.SecurityGroupID},
			PrivateDnsEnabled: boolp(true), // the SDKs' default hostnames resolve to the endpoint
			Tags:              nameTag(fmt.Sprintf("%s-%s", p.Name, svc)),
		})
		e.InterfaceEndpointIDs[svc] = ep.Id()
	}
	return e
}

// serviceName is the endpoint service of an AWS service in a region.
func serviceName(region, service string) string {
	return fmt.Sprintf("com.amazonaws.%s.%s", region, service)
}
