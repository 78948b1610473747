package main

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/config"
)

// Property tests of cross-region connectivity and network security, over
// every stack of every example environment.

// refOf is how a stack refers to an attribute of one of its resources.
func refOf(typ, name, attr string) string { return fmt.Sprintf("${%s.%s.%s}", typ, name, attr) }

// regionalStack is one regional stack with the config of its region and
// of the peer region.
type regionalStack struct {
	name      string
	stack     stack
	env       *config.Environment
	own, peer config.Region
}

func regionalStacks(t *testing.T) []regionalStack {
	t.Helper()
	var out []regionalStack
	for _, env := range synthEnvs {
		p, s := env.StackName(config.RolePrimary), env.StackName(config.RoleSecondary)
		out = append(out,
			regionalStack{p, loadStack(t, p), env, env.Primary, env.Secondary},
			regionalStack{s, loadStack(t, s), env, env.Secondary, env.Primary})
	}
	return out
}

// tierTables maps a subnet tier (the subnets' Tier tag) to the references
// of the route tables its subnets use, and tierSubnets to the subnets' ids.
func tierTables(s stack) (tables, subnets map[string][]string) {
	tables, subnets = map[string][]string{}, map[string][]string{}
	tierOf := map[string]string{}
	for name, sn := range s.resources("aws_subnet") {
		tier := sn["tags"].(map[string]any)["Tier"].(string)
		ref := refOf("aws_subnet", name, "id")
		tierOf[ref] = tier
		subnets[tier] = append(subnets[tier], ref)
	}
	for _, a := range s.resources("aws_route_table_association") {
		tier := tierOf[a["subnet_id"].(string)]
		if rt := a["route_table_id"].(string); !slices.Contains(tables[tier], rt) {
			tables[tier] = append(tables[tier], rt)
		}
	}
	for _, m := range []map[string][]string{tables, subnets} {
		for k := range m {
			slices.Sort(m[k])
		}
	}
	return tables, subnets
}

// groupsByTier maps the tier suffix of each security group's name (alb,
// app, db, endpoints) to its reference.
func groupsByTier(s stack) map[string]string {
	out := map[string]string{}
	for name, g := range s.resources("aws_security_group") {
		n := g["name"].(string)
		out[n[strings.LastIndex(n, "-")+1:]] = refOf("aws_security_group", name, "id")
	}
	return out
}

// rulesOf returns the ingress or egress rules of one security group.
func rulesOf(s stack, typ, group string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, r := range s.resources(typ) {
		if r["security_group_id"] == group {
			out[name] = r
		}
	}
	return out
}

func sorted(xs []string) []string { xs = slices.Clone(xs); slices.Sort(xs); return xs }

// Peering routes exist in both directions for every private and database
// route table, and nowhere else: the requester side (secondary region) to
// the primary's CIDR, the accepter side (through the primary alias) to the
// secondary's CIDR, on tables read from the primary's outputs.
func TestPeeringRoutesBothDirections(t *testing.T) {
	for _, env := range synthEnvs {
		t.Run(env.ID(), func(t *testing.T) {
			primary := loadStack(t, env.StackName(config.RolePrimary))
			secondary := loadStack(t, env.StackName(config.RoleSecondary))
			pTables, _ := tierTables(primary)
			sTables, _ := tierTables(secondary)
			outputs := primary["output"].(map[string]any)
			remote := regexp.MustCompile(`^\$\{data\.terraform_remote_state\.[^.]+\.outputs\.([^}]+)\}$`)

			var pcx string
			for name := range secondary.resources("aws_vpc_peering_connection_accepter") {
				pcx = refOf("aws_vpc_peering_connection_accepter", name, "id")
			}
			if pcx == "" {
				t.Fatal("no peering connection accepter in the secondary stack")
			}
			var requester, accepter []string
			for name, r := range secondary.resources("aws_route") {
				if r["vpc_peering_connection_id"] == nil {
					continue
				}
				if r["vpc_peering_connection_id"] != pcx {
					t.Errorf("%s uses %v, want the accepted connection %s", name, r["vpc_peering_connection_id"], pcx)
				}
				rt := r["route_table_id"].(string)
				switch r["provider"] {
				case nil:
					if r["destination_cidr_block"] != env.Primary.CIDR {
						t.Errorf("%s: requester route to %v, want the primary CIDR %s", name, r["destination_cidr_block"], env.Primary.CIDR)
					}
					requester = append(requester, rt)
				case "aws.primary":
					if r["destination_cidr_block"] != env.Secondary.CIDR {
						t.Errorf("%s: accepter route to %v, want the secondary CIDR %s", name, r["destination_cidr_block"], env.Secondary.CIDR)
					}
					m := remote.FindStringSubmatch(rt)
					if m == nil {
						t.Errorf("%s: accepter route table %s is not read from the primary stack", name, rt)
						continue
					}
					out, _ := outputs[m[1]].(map[string]any)
					accepter = append(accepter, fmt.Sprint(out["value"]))
				default:
					t.Errorf("%s: peering route through provider %v", name, r["provider"])
				}
			}
			if want := sorted(append(slices.Clone(sTables["private"]), sTables["database"]...)); !slices.Equal(sorted(requester), want) {
				t.Errorf("requester routes on %v, want every private and database table %v", sorted(requester), want)
			}
			if want := sorted(append(slices.Clone(pTables["private"]), pTables["database"]...)); !slices.Equal(sorted(accepter), want) {
				t.Errorf("accepter routes on %v, want every private and database table of the primary %v", sorted(accepter), want)
			}
			if len(sTables["private"]) != len(env.Secondary.AZs) || len(pTables["private"]) != len(env.Primary.AZs) {
				t.Errorf("private tables %d/%d, want one per AZ", len(pTables["private"]), len(sTables["private"]))
			}

			// Private DNS of the peer resolves on both sides, each side set by its own region.
			opts := secondary.resources("aws_vpc_peering_connection_options")
			sides := map[string]any{}
			for name, o := range opts {
				for _, side := range []string{"requester", "accepter"} {
					if b, ok := o[side]; ok {
						sides[side] = o["provider"]
						if fmt.Sprint(b) != "map[allow_remote_vpc_dns_resolution:true]" {
							t.Errorf("%s: %s options %v, want DNS resolution allowed", name, side, b)
						}
					}
				}
			}
			if len(opts) != 2 || sides["requester"] != nil || sides["accepter"] != "aws.primary" {
				t.Errorf("peering options by provider %v, want requester on the default and accepter on aws.primary", sides)
			}
		})
	}
}

// The database security group admits PostgreSQL from the app tier of its
// region and from the peer region's private subnets, nothing else, and
// sends nothing.
func TestDatabaseSecurityGroupAdmitsOnlyAppAndPeer(t *testing.T) {
	for _, rs := range regionalStacks(t) {
		t.Run(rs.name, func(t *testing.T) {
			groups := groupsByTier(rs.stack)
			var peerPrivate []string
			for _, s := range rs.peer.Layout() {
				peerPrivate = append(peerPrivate, s.Private)
			}
			var fromApp bool
			var fromPeer []string
			for name, r := range rulesOf(rs.stack, "aws_vpc_security_group_ingress_rule", groups["db"]) {
				if r["from_port"] != 5432.0 || r["to_port"] != 5432.0 || r["ip_protocol"] != "tcp" {
					t.Errorf("%s: %v %v-%v, want tcp 5432 only", name, r["ip_protocol"], r["from_port"], r["to_port"])
				}
				switch {
				case r["referenced_security_group_id"] == groups["app"] && r["cidr_ipv4"] == nil:
					fromApp = true
				case r["referenced_security_group_id"] == nil && r["prefix_list_id"] == nil && r["cidr_ipv6"] == nil &&
					slices.Contains(peerPrivate, fmt.Sprint(r["cidr_ipv4"])):
					fromPeer = append(fromPeer, r["cidr_ipv4"].(string))
				default:
					t.Errorf("%s admits %v: neither the app tier nor a peer private subnet", name, r)
				}
			}
			if !fromApp || !slices.Equal(sorted(fromPeer), sorted(peerPrivate)) {
				t.Errorf("database admits app tier %v and peer subnets %v, want the app tier and %v", fromApp, fromPeer, peerPrivate)
			}
			if out := rulesOf(rs.stack, "aws_vpc_security_group_egress_rule", groups["db"]); len(out) > 0 {
				t.Errorf("database group has egress rules: %v", slices.Collect(maps.Keys(out)))
			}
		})
	}
}

// ruleDescriptionRe is the character set AWS accepts in a rule description
// (the narrowest one: rules that reference a group or a prefix list refuse &).
var ruleDescriptionRe = regexp.MustCompile(`^[a-zA-Z0-9 ._\-:/()#,@\[\]+=;{}!$*]{1,255}$`)

// No security group admits the whole internet except the load balancer on
// 80 and 443, and with CloudFront-only ingress not even that; every rule is
// a separate resource with a description AWS accepts.
func TestNoOpenIngressExceptLoadBalancer(t *testing.T) {
	for _, rs := range regionalStacks(t) {
		t.Run(rs.name, func(t *testing.T) {
			if n := len(rs.stack.resources("aws_security_group_rule")); n > 0 {
				t.Errorf("%d aws_security_group_rule resources, want the per-rule vpc_security_group_*_rule resources", n)
			}
			for name, g := range rs.stack.resources("aws_security_group") {
				if g["ingress"] != nil || g["egress"] != nil {
					t.Errorf("%s has inline rules", name)
				}
				if !ruleDescriptionRe.MatchString(fmt.Sprint(g["description"])) {
					t.Errorf("%s: description %q has characters AWS refuses", name, g["description"])
				}
			}
			groups := groupsByTier(rs.stack)
			cloudfront := rs.env.Network.LoadBalancerIngress == config.IngressCloudFront
			var open []float64
			for _, typ := range []string{"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"} {
				for name, r := range rs.stack.resources(typ) {
					if !ruleDescriptionRe.MatchString(fmt.Sprint(r["description"])) {
						t.Errorf("%s: description %q missing or with characters AWS refuses", name, r["description"])
					}
					if typ != "aws_vpc_security_group_ingress_rule" {
						continue
					}
					if r["cidr_ipv6"] != nil || r["ip_protocol"] == "-1" {
						t.Errorf("%s: %v", name, r)
					}
					if r["cidr_ipv4"] != "0.0.0.0/0" {
						continue
					}
					if r["security_group_id"] != groups["alb"] || r["from_port"] != r["to_port"] || (r["from_port"] != 80.0 && r["from_port"] != 443.0) {
						t.Errorf("%s admits 0.0.0.0/0 on %v-%v of %v: only the load balancer may, on 80 and 443", name, r["from_port"], r["to_port"], r["security_group_id"])
					}
					open = append(open, r["from_port"].(float64))
				}
			}
			slices.Sort(open)
			albIn := rulesOf(rs.stack, "aws_vpc_security_group_ingress_rule", groups["alb"])
			if cloudfront {
				want := rs.own.CloudFrontPrefixListID
				if len(open) > 0 || len(albIn) != 1 {
					t.Errorf("CloudFront-only load balancer: %d open rules, %d ingress rules, want none and 1", len(open), len(albIn))
				}
				for name, r := range albIn {
					if r["prefix_list_id"] != want || r["from_port"] != float64(rs.env.Network.CloudFrontOriginPort) {
						t.Errorf("%s: %v, want %s on port %d", name, r, want, rs.env.Network.CloudFrontOriginPort)
					}
				}
			} else if !slices.Equal(open, []float64{80, 443}) || len(albIn) != 2 {
				t.Errorf("load balancer open on %v with %d rules, want 80 and 443", open, len(albIn))
			}
		})
	}
}

// Egress is restricted where AWS allows it: the load balancer reaches only
// the app tier, the app tier reaches the internet only when configured,
// endpoints and databases send nothing.
func TestEgressRestricted(t *testing.T) {
	for _, rs := range regionalStacks(t) {
		t.Run(rs.name, func(t *testing.T) {
			groups := groupsByTier(rs.stack)
			for name, r := range rulesOf(rs.stack, "aws_vpc_security_group_egress_rule", groups["alb"]) {
				if r["referenced_security_group_id"] != groups["app"] || r["from_port"] != float64(rs.env.Service.Port) {
					t.Errorf("load balancer egress %s: %v, want only the app tier on its port", name, r)
				}
			}
			internet := false
			for name, r := range rulesOf(rs.stack, "aws_vpc_security_group_egress_rule", groups["app"]) {
				if r["cidr_ipv4"] == "0.0.0.0/0" {
					internet = true
					if r["from_port"] != 443.0 || r["to_port"] != 443.0 {
						t.Errorf("app egress %s to the internet on %v-%v, want 443 only", name, r["from_port"], r["to_port"])
					}
				}
			}
			if internet != *rs.env.Network.AppInternetEgress {
				t.Errorf("app internet egress %v, want %v (network.app_internet_egress)", internet, *rs.env.Network.AppInternetEgress)
			}
			for _, tier := range []string{"db", "endpoints"} {
				if g, ok := groups[tier]; ok {
					if out := rulesOf(rs.stack, "aws_vpc_security_group_egress_rule", g); len(out) > 0 {
						t.Errorf("%s group has egress rules %v", tier, slices.Collect(maps.Keys(out)))
					}
				}
			}
		})
	}
}

// Interface endpoints sit in the private subnets with private DNS behind
// their own group, which admits HTTPS from the VPC only; the S3 gateway
// endpoint serves exactly the private route tables.
func TestEndpointsInPrivateSubnetsWithPrivateDNS(t *testing.T) {
	for _, rs := range regionalStacks(t) {
		t.Run(rs.name, func(t *testing.T) {
			tables, subnets := tierTables(rs.stack)
			groups := groupsByTier(rs.stack)
			var services []string
			var gateways int
			for name, ep := range rs.stack.resources("aws_vpc_endpoint") {
				svc, ok := strings.CutPrefix(ep["service_name"].(string), "com.amazonaws."+rs.own.Region+".")
				if !ok {
					t.Errorf("%s: service %v is not in %s", name, ep["service_name"], rs.own.Region)
				}
				switch ep["vpc_endpoint_type"] {
				case "Gateway":
					gateways++
					if svc != "s3" || !slices.Equal(sorted(strs(ep["route_table_ids"])), tables["private"]) {
						t.Errorf("%s: gateway %s on %v, want s3 on the private tables %v", name, svc, ep["route_table_ids"], tables["private"])
					}
				case "Interface":
					services = append(services, svc)
					if ep["private_dns_enabled"] != true {
						t.Errorf("%s: private DNS off", name)
					}
					if got := sorted(strs(ep["subnet_ids"])); !slices.Equal(got, subnets["private"]) {
						t.Errorf("%s in subnets %v, want the private subnets %v", name, got, subnets["private"])
					}
					if got := strs(ep["security_group_ids"]); len(got) != 1 || got[0] != groups["endpoints"] {
						t.Errorf("%s behind %v, want only the endpoints group", name, got)
					}
				default:
					t.Errorf("%s: type %v", name, ep["vpc_endpoint_type"])
				}
			}
			if gateways != 1 {
				t.Errorf("%d gateway endpoints, want the S3 one", gateways)
			}
			if want := sorted(rs.env.Network.InterfaceEndpoints); !slices.Equal(sorted(services), want) {
				t.Errorf("interface endpoints %v, want %v", sorted(services), want)
			}
			if len(services) == 0 {
				if _, ok := groups["endpoints"]; ok {
					t.Error("an endpoints group without endpoints")
				}
				return
			}
			in := rulesOf(rs.stack, "aws_vpc_security_group_ingress_rule", groups["endpoints"])
			for name, r := range in {
				if r["cidr_ipv4"] != rs.own.CIDR || r["from_port"] != 443.0 || r["to_port"] != 443.0 {
					t.Errorf("endpoints ingress %s: %v, want 443 from %s", name, r, rs.own.CIDR)
				}
			}
			if len(in) != 1 {
				t.Errorf("endpoints group has %d ingress rules, want 1", len(in))
			}
		})
	}
}

// The database subnets sit behind a network ACL that allows only the VPC
// and the peer VPC, both ways; the ACL's final rule denies everything else.
func TestDatabaseNetworkACL(t *testing.T) {
	for _, rs := range regionalStacks(t) {
		t.Run(rs.name, func(t *testing.T) {
			_, subnets := tierTables(rs.stack)
			acls := rs.stack.resources("aws_network_acl")
			if len(acls) != 1 {
				t.Fatalf("%d network ACLs, want 1", len(acls))
			}
			var acl string
			for name, a := range acls {
				acl = refOf("aws_network_acl", name, "id")
				if got := sorted(strs(a["subnet_ids"])); !slices.Equal(got, subnets["database"]) {
					t.Errorf("ACL on %v, want the database subnets %v", got, subnets["database"])
				}
				if a["ingress"] != nil || a["egress"] != nil {
					t.Error("inline ACL rules mixed with rule resources")
				}
			}
			allowed := map[bool][]string{}
			for name, r := range rs.stack.resources("aws_network_acl_rule") {
				if r["network_acl_id"] != acl || r["rule_action"] != "allow" || r["ipv6_cidr_block"] != nil {
					t.Errorf("%s: %v", name, r)
				}
				allowed[r["egress"].(bool)] = append(allowed[r["egress"].(bool)], r["cidr_block"].(string))
			}
			want := sorted([]string{rs.own.CIDR, rs.peer.CIDR})
			for _, egress := range []bool{false, true} {
				if got := sorted(allowed[egress]); !slices.Equal(got, want) {
					t.Errorf("egress=%v allows %v, want only %v", egress, got, want)
				}
			}
		})
	}
}

// strs reads a JSON list of strings.
func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// Rule descriptions are ignored after creation only on the emulator, and
// only for rules that reference a group or a prefix list (moto 5.2.1 reads
// their descriptions back empty); against AWS every description is managed.
func TestRuleDescriptionDriftOnlyOnEmulator(t *testing.T) {
	for _, rs := range regionalStacks(t) {
		for _, typ := range []string{"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"} {
			for name, r := range rs.stack.resources(typ) {
				referenced := r["referenced_security_group_id"] != nil || r["prefix_list_id"] != nil
				_, ignores := r["lifecycle"]
				if ignores != (rs.env.Emulator != nil && referenced) {
					t.Errorf("%s %s: lifecycle %v (emulator %v, references a group or list %v)", rs.name, name, r["lifecycle"], rs.env.Emulator != nil, referenced)
				}
			}
		}
	}
}
