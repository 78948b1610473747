package stacks

import (
	"fmt"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/constructs"
)

// Regional is what both regional stacks build alike: the platform of one
// region. Other capabilities take what they need from its typed fields:
// subnet ids by tier and route table ids from Network, the tier security
// group ids from SecurityGroups, the endpoints from Endpoints.
type Regional struct {
	Region  string
	Network *constructs.Network
	// LogsKey encrypts every log group of the region.
	LogsKey *constructs.Key
	// SecurityGroups of the load balancer, app and database tiers.
	SecurityGroups *constructs.SecurityGroups
	// Endpoints: the S3 gateway endpoint and the configured interface
	// endpoints with their security group.
	Endpoints *constructs.Endpoints
	// DatabaseACL fences the database subnets: this VPC and the peer only.
	DatabaseACL *constructs.SubnetACL
	// DataKey encrypts the region's database storage, Performance Insights
	// and database secrets.
	DataKey *constructs.Key
	// Monitoring: the region's alert topic (built with the region), its
	// alarms and dashboard (built last, by monitorRegion).
	Monitoring *Monitoring
	// Containers is the container platform (repository, cluster, load
	// balancer, service), built by buildContainers once the stack's other
	// capabilities can hand the service their settings.
	*Containers
}

// buildRegional builds one region's platform into stack; peer is the other
// region of the environment.
func buildRegional(stack cdktf.TerraformStack, env *config.Environment, r, peer config.Region) *Regional {
	prefix := fmt.Sprintf("%s-%s", env.ID(), shortRegion(r.Region))
	logsKey := constructs.NewKey(stack, "logs-key", &constructs.KeyProps{
		Alias:          prefix + "-logs",
		Description:    fmt.Sprintf("%s: CloudWatch Logs of %s", env.ID(), r.Region),
		Account:        env.AccountID,
		Region:         r.Region,
		LogsEncryption: true,
	})
	var zones []constructs.ZoneSubnets
	for _, s := range r.Layout() {
		zones = append(zones, constructs.ZoneSubnets{AZ: s.AZ, Public: s.Public, Private: s.Private, Database: s.Database})
	}
	network := constructs.NewNetwork(stack, "network", &constructs.NetworkProps{
		Name:                 prefix,
		CidrBlock:            r.CIDR,
		Zones:                zones,
		NatPerAZ:             env.Network.NAT == config.NATPerAZ,
		FlowLogRetentionDays: env.Network.FlowLogRetentionDays,
		LogsKeyArn:           logsKey.Arn,
		Account:              env.AccountID,
		Region:               r.Region,
	})
	endpoints := constructs.NewEndpoints(stack, "endpoints", &constructs.EndpointsProps{
		Name:                 prefix,
		Region:               r.Region,
		VpcID:                network.VpcID,
		VpcCIDR:              r.CIDR,
		GatewayRouteTableIDs: network.PrivateRouteTableIDs,
		SubnetIDs:            network.PrivateSubnetIDs,
		InterfaceServices:    env.Network.InterfaceEndpoints,
	})
	var peerPrivate, peerDatabase []string
	for _, s := range peer.Layout() {
		peerPrivate = append(peerPrivate, s.Private)
		peerDatabase = append(peerDatabase, s.Database)
	}
	groups := constructs.NewSecurityGroups(stack, "security-groups", &constructs.SecurityGroupsProps{
		Name:                   prefix,
		VpcID:                  network.VpcID,
		ContainerPort:          env.Service.Port,
		PeerPrivateCIDRs:       peerPrivate,
		PeerDatabaseCIDRs:      peerDatabase,
		CloudFrontPrefixListID: r.CloudFrontPrefixListID, // set only with cloudfront ingress
		CloudFrontPort:         env.Network.CloudFrontOriginPort,
		S3PrefixListID:         endpoints.S3PrefixListID,
		EndpointsGroupID:       endpoints.SecurityGroupID,
		AppInternetEgress:      *env.Network.AppInternetEgress,
	})
	databaseACL := constructs.NewSubnetACL(stack, "database-acl", &constructs.SubnetACLProps{
		Name:         prefix + "-database",
		VpcID:        network.VpcID,
		SubnetIDs:    network.DatabaseSubnetIDs,
		AllowedCIDRs: []string{r.CIDR, peer.CIDR},
		Port:         constructs.PostgresPort,
	})
	dataKey := constructs.NewKey(stack, "data-key", &constructs.KeyProps{
		Alias:       prefix + "-data",
		Description: fmt.Sprintf("%s: databases and their secrets in %s", env.ID(), r.Region),
		Account:     env.AccountID,
		Region:      r.Region,
		ViaServices: []string{"rds", "secretsmanager"},
	})
	return &Regional{Region: r.Region, Network: network, LogsKey: logsKey, SecurityGroups: groups,
		Endpoints: endpoints, DatabaseACL: databaseACL, DataKey: dataKey,
		Monitoring: &Monitoring{AlertTopic: newAlertTopic(stack, env, "alerts", r.Region, prefix+"-alerts", nil)}}
}

// instanceSettings are the database settings of one region's instance.
func (g *Regional) instanceSettings(env *config.Environment, multiAZ bool) constructs.InstanceSettings {
	d := env.Database
	pi := 0
	if *d.PerformanceInsights {
		pi = d.PerformanceInsightsRetentionDays
	}
	return constructs.InstanceSettings{
		Name: fmt.Sprintf("%s-%s-db", env.ID(), shortRegion(g.Region)),
		// One name in both regions (a subnet group is regional): the
		// writer's and the replica's groups are found by the same name.
		SubnetGroupName:                  env.ID() + "-db",
		InstanceClass:                    d.InstanceClass,
		MaxAllocatedStorage:              d.MaxAllocatedStorage,
		MultiAZ:                          multiAZ,
		SubnetIDs:                        g.Network.DatabaseSubnetIDs,
		SecurityGroupIDs:                 []*string{g.SecurityGroups.DatabaseID},
		KeyArn:                           g.DataKey.Arn,
		EngineMajor:                      d.EngineVersion,
		BackupRetentionDays:              *d.BackupRetentionDays,
		BackupWindow:                     d.BackupWindow,
		MaintenanceWindow:                d.MaintenanceWindow,
		DeletionProtection:               *d.DeletionProtection,
		FinalSnapshot:                    *d.FinalSnapshot,
		PreventDestroy:                   env.Production(),
		PerformanceInsightsRetentionDays: pi,
		MonitoringInterval:               *d.MonitoringInterval,
		LogExports:                       d.LogExports,
		LogRetentionDays:                 d.LogRetentionDays,
		LogsKeyArn:                       g.LogsKey.Arn,
		SlowStatementMs:                  d.SlowStatementMs,
		ForceSSL:                         *d.ForceSSL,
		Account:                          env.AccountID,
		Region:                           g.Region,
	}
}

// output declares a stack output for people (cross-stack values need none:
// CDKTF adds those itself).
func output(stack cdktf.TerraformStack, id, description string, value any) {
	cdktf.NewTerraformOutput(stack, &id, &cdktf.TerraformOutputConfig{
		Value:       value,
		Description: &description,
	})
}
