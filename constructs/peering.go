package constructs

import (
	"maps"
	"slices"

	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcpeeringconnection"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcpeeringconnectionaccepter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcpeeringconnectionoptions"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// PeerSide is one VPC of a peering connection.
type PeerSide struct {
	VpcID     *string
	CidrBlock string
	// RouteTables get a route to the other side's CIDR (private and
	// database tables; public subnets never route to the peer), keyed by a
	// stable name that becomes part of the route's address.
	RouteTables map[string]*string
}

// PeeringProps configures a cross-region VPC peering connection. The
// requester side uses the scope's default provider; the accepter side is
// created through AccepterProvider, an alias for the accepter's region.
type PeeringProps struct {
	Name             string
	Account          string
	Requester        PeerSide
	Accepter         PeerSide
	AccepterRegion   string
	AccepterProvider cdktf.TerraformProvider
}

// Peering is an accepted VPC peering connection with routes on both sides.
type Peering struct {
	cdk.Construct
	ConnectionID *string
}

// NewPeering requests the connection, accepts it in the peer region, allows
// private DNS resolution both ways and adds the routes in both VPCs.
func NewPeering(scope cdk.Construct, id string, p *PeeringProps) *Peering {
	c := cdk.NewConstruct(scope, str(id))
	pcx := vpcpeeringconnection.NewVpcPeeringConnection(c, str("requester"), &vpcpeeringconnection.VpcPeeringConnectionConfig{
		VpcId:       p.Requester.VpcID,
		PeerVpcId:   p.Accepter.VpcID,
		PeerRegion:  str(p.AccepterRegion),
		PeerOwnerId: str(p.Account),
		AutoAccept:  boolp(false), // cross-region: only the accepter side can accept
		Tags:        nameTag(p.Name),
	})
	acc := vpcpeeringconnectionaccepter.NewVpcPeeringConnectionAccepterA(c, str("accepter"), &vpcpeeringconnectionaccepter.VpcPeeringConnectionAccepterAConfig{
		Provider:               p.AccepterProvider,
		VpcPeeringConnectionId: pcx.Id(),
		AutoAccept:             boolp(true),
		Tags:                   nameTag(p.Name),
	})
	// DNS options can only be set once the connection is active, on each
	// side by that side's region.
	vpcpeeringconnectionoptions.NewVpcPeeringConnectionOptions(c, str("requester-options"), &vpcpeeringconnectionoptions.VpcPeeringConnectionOptionsConfig{
		VpcPeeringConnectionId: acc.Id(),
		Requester: &vpcpeeringconnectionoptions.VpcPeeringConnectionOptionsRequester{
			AllowRemoteVpcDnsResolution: boolp(true),
		},
	})
	vpcpeeringconnectionoptions.NewVpcPeeringConnectionOptions(c, str("accepter-options"), &vpcpeeringconnectionoptions.VpcPeeringConnectionOptionsConfig{
		Provider:               p.AccepterProvider,
		VpcPeeringConnectionId: acc.Id(),
		Accepter: &vpcpeeringconnectionoptions.VpcPeeringConnectionOptionsAccepter{
			AllowRemoteVpcDnsResolution: boolp(true),
		},
	})
	for _, name := range slices.Sorted(maps.Keys(p.Requester.RouteTables)) {
		route.NewRoute(c, str("requester-"+name), &route.RouteConfig{
			RouteTableId:           p.Requester.RouteTables[name],
			DestinationCidrBlock:   str(p.Accepter.CidrBlock),
			VpcPeeringConnectionId: acc.Id(),
		})
	}
	for _, name := range slices.Sorted(maps.Keys(p.Accepter.RouteTables)) {
		route.NewRoute(c, str("accepter-"+name), &route.RouteConfig{
			Provider:               p.AccepterProvider,
			RouteTableId:           p.Accepter.RouteTables[name],
			DestinationCidrBlock:   str(p.Requester.CidrBlock),
			VpcPeeringConnectionId: acc.Id(),
		})
	}
	return &Peering{Construct: c, ConnectionID: acc.Id()}
}
