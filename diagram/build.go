package diagram

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Build draws the environment named envID from its stacks (in dependency
// order, as harness.ReadManifest returns them).
func Build(envID string, stacks []Stack) (*Graph, error) {
	e := &env{byName: map[string]*stackDoc{}}
	for _, s := range stacks {
		d, err := parseStack(s)
		if err != nil {
			return nil, err
		}
		e.stacks = append(e.stacks, d)
		e.byName[d.name] = d
	}
	if len(e.stacks) == 0 {
		return nil, fmt.Errorf("environment %s: no stacks to draw", envID)
	}
	e.stacks = dependencyOrder(e.stacks)
	b := &builder{env: e, g: &Graph{Title: envID}, nodes: map[string]string{}, clusters: map[string]*Cluster{}}
	b.g.Root.ID = nodeID(envID)
	b.layout()
	// Global stacks first, then the regional ones in dependency order.
	slices.SortStableFunc(b.g.Root.Clusters, func(x, y *Cluster) int { return x.Row - y.Row })

	b.edges()
	return b.g, nil
}

// builder turns resources into clusters, nodes and edges.
type builder struct {
	env      *env
	g        *Graph
	nodes    map[string]string   // resource key -> node id
	clusters map[string]*Cluster // resource key of a VPC -> its cluster
	seen     map[string]bool     // edges already drawn
}

// edge adds a labelled edge once.
func (b *builder) edge(e Edge) {
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	k := e.From + ">" + e.To + ">" + e.Label
	if e.From == "" || e.To == "" || e.From == e.To || b.seen[k] {
		return
	}
	b.seen[k] = true
	b.g.Edges = append(b.g.Edges, e)
}

// node draws resource r in cluster c.
func (b *builder) node(c *Cluster, r *resource, kind string, lines ...string) string {
	if r.region != r.stack.region {
		lines = append(lines, "runs in "+r.region)
	}
	id := c.node(nodeID(r.key()), kind, lines...)
	b.nodes[r.key()] = id
	return id
}

// layout places every drawn resource: a cluster per stack, in it a cluster
// per VPC with a cluster per subnet tier.
func (b *builder) layout() {
	for _, d := range b.env.stacks {
		label := d.name + " · " + d.region
		sc := b.g.Root.add(nodeID("stack", d.name), label, "stack")
		sc.node(nodeID("state", d.name), "state", "Terraform state", d.backend)
		if len(d.resources["aws_vpc"]) > 0 {
			sc.Row = 1 // regional
		}
		tiers := b.vpcs(sc, d)
		b.regional(sc, d, tiers)
		b.delivery(sc, d)
		b.edgeServices(sc, d)
	}
}

// vpcs draws each VPC with its subnet tiers, and returns the tier cluster of
// every subnet (by resource key).
func (b *builder) vpcs(sc *Cluster, d *stackDoc) map[string]*Cluster {
	tierOf := map[string]*Cluster{}
	for _, vpc := range d.resources["aws_vpc"] {
		vc := sc.add(nodeID(vpc.key()), "VPC "+vpc.str("cidr_block")+" · "+vpc.tag("Name"), "vpc")
		b.clusters[vpc.key()] = vc
		byTier := map[string][]*resource{}
		for _, s := range d.resources["aws_subnet"] {
			if refsTo(b.env, s, vpc) {
				tier := s.tag("Tier")
				if tier == "" {
					tier = "subnets"
				}
				byTier[tier] = append(byTier[tier], s)
			}
		}
		for _, tier := range orderedTiers(byTier) {
			var lines []string
			for _, s := range byTier[tier] {
				lines = append(lines, s.str("availability_zone")+" "+s.str("cidr_block"))
			}
			tc := vc.add(nodeID(vpc.key(), tier), tier+" subnets: "+strings.Join(lines, " · "), "tier")
			for _, s := range byTier[tier] {
				tierOf[s.key()] = tc
			}
		}
	}
	return tierOf
}

// orderedTiers puts the usual tiers first (public, private, database).
func orderedTiers(byTier map[string][]*resource) []string {
	rank := map[string]int{"public": 0, "private": 1, "database": 2}
	tiers := slices.Sorted(maps.Keys(byTier))
	slices.SortStableFunc(tiers, func(a, b string) int {
		ra, oka := rank[a]
		rb, okb := rank[b]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return tiers
}

// tierOfRefs is the tier cluster of the first subnet v refers to, else fallback.
func (b *builder) tierOfRefs(d *stackDoc, v any, tierOf map[string]*Cluster, fallback *Cluster) *Cluster {
	refs, _ := b.env.refs(d, v)
	for _, r := range refs {
		if r.to.typ == "aws_db_subnet_group" {
			return b.tierOfRefs(r.to.stack, r.to.attrs["subnet_ids"], tierOf, fallback)
		}
		if c, ok := tierOf[r.to.key()]; ok {
			return c
		}
	}
	return fallback
}

// regional draws the regional platform: NAT, endpoints, load balancers,
// services, databases, registries.
func (b *builder) regional(sc *Cluster, d *stackDoc, tierOf map[string]*Cluster) {
	var nats []string
	var natTier *Cluster
	for _, n := range d.resources["aws_nat_gateway"] {
		natTier = b.tierOfRefs(d, n.attrs["subnet_id"], tierOf, sc)
		refs, _ := b.env.refs(d, n.attrs["subnet_id"])
		for _, r := range refs {
			nats = append(nats, r.to.str("availability_zone"))
		}
	}
	if len(nats) > 0 {
		natTier.node(nodeID(d.name, "nat"), "nat", fmt.Sprintf("NAT gateway ×%d", len(nats)), strings.Join(nats, ", "))
	}
	var iface, gateway []string
	var epTier *Cluster
	for _, ep := range d.resources["aws_vpc_endpoint"] {
		svc := ep.str("service_name")
		svc = svc[strings.LastIndex(svc, "."+ep.region+".")+len(ep.region)+2:]
		if ep.str("vpc_endpoint_type") == "Gateway" {
			gateway = append(gateway, svc)
			continue
		}
		iface = append(iface, svc)
		epTier = b.tierOfRefs(d, ep.attrs["subnet_ids"], tierOf, sc)
	}
	if len(iface) > 0 {
		lines := []string{fmt.Sprintf("interface endpoints ×%d", len(iface))}
		lines = append(lines, wrap(iface, 3)...)
		if len(gateway) > 0 {
			lines = append(lines, "gateway: "+strings.Join(gateway, ", "))
		}
		epTier.node(nodeID(d.name, "endpoints"), "endpoint", lines...)
	} else if len(gateway) > 0 {
		for _, vpc := range d.resources["aws_vpc"] {
			b.clusters[vpc.key()].node(nodeID(d.name, "endpoints"), "endpoint", "gateway endpoints", strings.Join(gateway, ", "))
			break
		}
	}
	for _, lb := range d.resources["aws_lb"] {
		scheme := "internet-facing"
		if lb.attrs["internal"] == true {
			scheme = "internal"
		}
		var ports []string
		for _, l := range d.resources["aws_lb_listener"] {
			if refsTo(b.env, l, lb) {
				ports = append(ports, fmt.Sprintf("%s :%v", l.str("protocol"), l.attrs["port"]))
			}
		}
		b.node(b.tierOfRefs(d, lb.attrs["subnets"], tierOf, sc), lb, "lb",
			"Application Load Balancer", lb.str("name"), scheme+" · "+strings.Join(ports, ", "))
	}
	for _, svc := range d.resources["aws_ecs_service"] {
		lines := []string{"ECS service " + svc.str("name")}
		refs, _ := b.env.refs(d, svc.attrs["task_definition"])
		for _, r := range refs {
			if r.to.typ == "aws_ecs_task_definition" {
				lines = append(lines, fmt.Sprintf("%v × Fargate task %g vCPU / %g GB", svc.attrs["desired_count"], r.to.num("cpu")/1024, r.to.num("memory")/1024))
			}
		}
		var cps []string
		for _, s := range list(svc.attrs["capacity_provider_strategy"]) {
			if m, ok := s.(map[string]any); ok {
				cps = append(cps, fmt.Sprintf("%v weight %v", m["capacity_provider"], m["weight"]))
			}
		}
		if len(cps) > 0 {
			lines = append(lines, strings.Join(cps, ", "))
		}
		nc, _ := svc.attrs["network_configuration"].(map[string]any)
		b.node(b.tierOfRefs(d, nc["subnets"], tierOf, sc), svc, "service", lines...)
	}
	for _, db := range d.resources["aws_db_instance"] {
		title := "RDS " + db.str("engine") + " writer"
		if db.str("replicate_source_db") != "" {
			title = "RDS read replica"
		}
		opts := db.str("instance_class")
		if db.attrs["multi_az"] == true {
			opts += " · Multi-AZ"
		}
		lines := []string{strings.ReplaceAll(title, "  ", " "), db.str("identifier"), opts}
		if g := db.num("allocated_storage"); g > 0 {
			lines = append(lines, fmt.Sprintf("%g GB %s", g, db.str("storage_type")))
		}
		b.node(b.tierOfRefs(d, db.attrs["db_subnet_group_name"], tierOf, sc), db, "database", lines...)
	}
	for _, r := range d.resources["aws_ecr_repository"] {
		b.node(sc, r, "registry", "ECR repository", r.str("name"))
	}
	for _, p := range d.resources["aws_vpc_peering_connection"] {
		b.node(sc, p, "peering", "VPC peering "+p.tag("Name"), "to "+p.str("peer_region"))
	}
}

// delivery draws source repositories, build projects, replicated buckets
// and pipelines.
func (b *builder) delivery(sc *Cluster, d *stackDoc) {
	for _, r := range d.resources["aws_codecommit_repository"] {
		b.node(sc, r, "repo", "CodeCommit", r.str("repository_name"), r.str("description"))
	}
	for _, p := range d.resources["aws_codebuild_project"] {
		env, _ := p.attrs["environment"].(map[string]any)
		b.node(sc, p, "build", "CodeBuild "+p.str("name"), fmt.Sprint(env["compute_type"]))
	}
	replicated := map[string]bool{}
	for _, rc := range b.env.all("aws_s3_bucket_replication_configuration") {
		refs, _ := b.env.refs(rc.stack, rc.attrs)
		for _, r := range refs {
			if r.to.typ == "aws_s3_bucket" {
				replicated[r.to.key()] = true
			}
		}
	}
	for _, bk := range d.resources["aws_s3_bucket"] {
		if replicated[bk.key()] {
			b.node(sc, bk, "bucket", "S3 bucket", bk.str("bucket"))
		}
	}
	for _, p := range d.resources["aws_codepipeline"] {
		pc := sc.add(nodeID(p.key()), "CodePipeline "+p.str("name"), "pipeline")
		var prev string
		var prevOut []string
		for i, st := range list(p.attrs["stage"]) {
			stage, _ := st.(map[string]any)
			lines := []string{fmt.Sprintf("%d. %v", i+1, stage["name"])}
			var in, out []string
			for _, a := range list(stage["action"]) {
				action, _ := a.(map[string]any)
				line := fmt.Sprintf("%v (%v)", action["name"], action["category"])
				if region, ok := action["region"].(string); ok && region != "" {
					line += " in " + region
				}
				lines = append(lines, line)
				in = append(in, strs(action["input_artifacts"])...)
				out = append(out, strs(action["output_artifacts"])...)
			}
			id := pc.node(nodeID(p.key(), fmt.Sprint(i)), "stage", lines...)
			if prev != "" {
				label := "then"
				if shared := common(prevOut, in); len(shared) > 0 {
					label = strings.Join(shared, ", ")
				}
				b.edge(Edge{From: prev, To: id, Label: label})
			}
			b.pipelineLinks(sc, p, id, stage)
			prev, prevOut = id, out
		}
	}
}

// pipelineLinks draws what a stage's actions read, run and deploy to.
func (b *builder) pipelineLinks(sc *Cluster, p *resource, stageID string, stage map[string]any) {
	for _, a := range list(stage["action"]) {
		action, _ := a.(map[string]any)
		cfg, _ := action["configuration"].(map[string]any)
		refs, external := b.env.refs(p.stack, cfg)
		region, _ := action["region"].(string)
		for _, r := range refs {
			to, ok := b.nodes[r.to.key()]
			if !ok {
				continue
			}
			switch r.to.typ {
			case "aws_codecommit_repository":
				b.edge(Edge{From: to, To: stageID, Label: fmt.Sprintf("push to %v", cfg["BranchName"]), Cross: r.remote})
			case "aws_codebuild_project":
				b.edge(Edge{From: stageID, To: to, Label: "runs build", Cross: r.remote})
			case "aws_ecs_service":
				b.edge(Edge{From: stageID, To: to, Label: "deploys to " + orDefault(region, r.to.region), Cross: r.remote})
			}
		}
		for _, other := range external {
			b.externalDeploy(stageID, action, region, other, "another environment's stack")
		}
		// A service of another environment addressed by the names its
		// config gives (no reference at all): the staging target.
		cluster, _ := cfg["ClusterName"].(string)
		if len(refs) == 0 && len(external) == 0 && cluster != "" && !strings.Contains(cluster, "${") {
			b.externalDeploy(stageID, action, region, fmt.Sprintf("ECS %v / %v", cluster, cfg["ServiceName"]), "another environment's service, by name")
		}
	}
}

// externalDeploy draws a node outside every stack of the environment, once,
// and a deploy action's edge to it.
func (b *builder) externalDeploy(stageID string, action map[string]any, region, name, note string) {
	id := nodeID("external", name)
	if !slices.ContainsFunc(b.g.Root.Nodes, func(n *Node) bool { return n.ID == id }) {
		b.g.Root.node(id, "external", name, note)
	}
	if action["category"] == "Deploy" {
		b.edge(Edge{From: stageID, To: id, Label: "deploys to " + region, Cross: true})
	}
}

// edgeServices draws the global front door: CloudFront, WAF, Route 53
// records and health checks, and the audit trail.
func (b *builder) edgeServices(sc *Cluster, d *stackDoc) {
	for _, w := range d.resources["aws_wafv2_web_acl"] {
		b.node(sc, w, "waf", "WAF web ACL "+w.str("name"), fmt.Sprintf("%d rules, scope %s", len(list(w.attrs["rule"])), w.str("scope")))
	}
	for _, c := range d.resources["aws_cloudfront_distribution"] {
		lines := []string{"CloudFront", strings.Join(strs(c.attrs["aliases"]), ", ")}
		for _, g := range list(c.attrs["origin_group"]) {
			m, _ := g.(map[string]any)
			var members []string
			for _, mem := range list(m["member"]) {
				mm, _ := mem.(map[string]any)
				members = append(members, fmt.Sprint(mm["origin_id"]))
			}
			lines = append(lines, "origin group: "+strings.Join(members, " → "))
		}
		b.node(sc, c, "cdn", lines...)
	}
	var aliasRecords []*resource
	for _, r := range d.resources["aws_route53_record"] {
		if _, failover := r.attrs["failover_routing_policy"].(map[string]any); failover {
			continue
		}
		refs, _ := b.env.refs(d, r.attrs["alias"])
		if len(refs) > 0 && refs[0].to.typ == "aws_cloudfront_distribution" {
			aliasRecords = append(aliasRecords, r)
		}
	}
	if len(aliasRecords) > 0 {
		var names []string
		for _, r := range aliasRecords {
			names = append(names, r.str("name")+" "+r.str("type"))
		}
		id := sc.node(nodeID(d.name, "alias-records"), "dns", append([]string{"Route 53 alias records"}, wrap(names, 2)...)...)
		for _, r := range aliasRecords {
			b.nodes[r.key()] = id
		}
	}
	for _, r := range d.resources["aws_route53_record"] {
		f, ok := r.attrs["failover_routing_policy"].(map[string]any)
		if !ok {
			continue
		}
		b.node(sc, r, "dns", fmt.Sprintf("Route 53 failover %v", f["type"]), r.str("name")+" "+r.str("type"))
	}
	for _, h := range d.resources["aws_route53_health_check"] {
		b.node(sc, h, "health", "Route 53 health check", fmt.Sprintf("%s %v every %v s", h.str("type"), h.attrs["resource_path"], h.attrs["request_interval"]),
			fmt.Sprintf("unhealthy after %v failures", h.attrs["failure_threshold"]))
	}
	for _, t := range d.resources["aws_cloudtrail"] {
		lines := []string{"CloudTrail " + t.str("name")}
		if t.attrs["is_multi_region_trail"] == true {
			lines = append(lines, "all regions")
		}
		b.node(sc, t, "trail", lines...)
	}
}

// edges draws the links between drawn resources, each labelled.
func (b *builder) edges() {
	e := b.env
	// Security group rules between drawn resources: who may connect to whom.
	owner := map[string]string{} // security group key -> node id
	for key, id := range b.nodes {
		d := e.byName[key[:strings.Index(key, "/")]]
		r := d.byAddr[key[strings.Index(key, "/")+1:]]
		var groups any
		switch r.typ {
		case "aws_lb":
			groups = r.attrs["security_groups"]
		case "aws_ecs_service":
			nc, _ := r.attrs["network_configuration"].(map[string]any)
			groups = nc["security_groups"]
		case "aws_db_instance":
			groups = r.attrs["vpc_security_group_ids"]
		}
		refs, _ := e.refs(d, groups)
		for _, g := range refs {
			owner[g.to.key()] = id
		}
	}
	for _, rule := range e.all("aws_vpc_security_group_ingress_rule") {
		from, _ := e.refs(rule.stack, rule.attrs["referenced_security_group_id"])
		to, _ := e.refs(rule.stack, rule.attrs["security_group_id"])
		if len(from) == 1 && len(to) == 1 {
			b.edge(Edge{From: owner[from[0].to.key()], To: owner[to[0].to.key()],
				Label: fmt.Sprintf("%v :%v", rule.attrs["ip_protocol"], rule.attrs["from_port"])})
		}
	}
	// Images: a task definition's image in a repository.
	for _, svc := range e.all("aws_ecs_service") {
		refs, _ := e.refs(svc.stack, svc.attrs["task_definition"])
		for _, td := range refs {
			images, _ := e.refs(td.to.stack, td.to.attrs["container_definitions"])
			for _, img := range images {
				if img.to.typ == "aws_ecr_repository" {
					b.edge(Edge{From: b.nodes[svc.key()], To: b.nodes[img.to.key()], Label: "pulls image", Cross: img.remote})
				}
			}
		}
	}
	b.replication()
	b.frontDoor()
	b.mirrors()
	b.peering()
	b.remoteState()
}

// replication draws ECR, RDS and S3 replication.
func (b *builder) replication() {
	e := b.env
	for _, rc := range e.all("aws_ecr_replication_configuration") {
		cfg, _ := rc.attrs["replication_configuration"].(map[string]any)
		for _, rule := range list(cfg["rule"]) {
			rm, _ := rule.(map[string]any)
			var prefixes []string
			for _, f := range list(rm["repository_filter"]) {
				fm, _ := f.(map[string]any)
				prefixes = append(prefixes, fmt.Sprint(fm["filter"]))
			}
			for _, dest := range list(rm["destination"]) {
				dm, _ := dest.(map[string]any)
				for _, src := range e.all("aws_ecr_repository") {
					if src.region != rc.region || !hasPrefix(src.str("name"), prefixes) {
						continue
					}
					for _, dst := range e.all("aws_ecr_repository") {
						if dst.region == dm["region"] && dst.str("name") == src.str("name") {
							b.edge(Edge{From: b.nodes[src.key()], To: b.nodes[dst.key()], Label: "ECR replication", Cross: true, Loose: true})
						}
					}
				}
			}
		}
	}
	for _, db := range e.all("aws_db_instance") {
		refs, _ := e.refs(db.stack, db.attrs["replicate_source_db"])
		for _, src := range refs {
			b.edge(Edge{From: b.nodes[src.to.key()], To: b.nodes[db.key()], Label: "cross-region replication", Cross: true, Loose: true})
		}
		// A source named by its ARN (arn:aws:rds:<region>:<account>:db:<identifier>).
		if arn := db.str("replicate_source_db"); strings.HasPrefix(arn, "arn:") {
			parts := strings.Split(arn, ":")
			for _, src := range e.all("aws_db_instance") {
				if len(parts) == 7 && src.region == parts[3] && src.str("identifier") == parts[6] {
					b.edge(Edge{From: b.nodes[src.key()], To: b.nodes[db.key()], Label: "cross-region replication", Cross: true, Loose: true})
				}
			}
		}
	}
	for _, rc := range e.all("aws_s3_bucket_replication_configuration") {
		src, _ := e.refs(rc.stack, rc.attrs["bucket"])
		for _, rule := range list(rc.attrs["rule"]) {
			rm, _ := rule.(map[string]any)
			dst, _ := e.refs(rc.stack, rm["destination"])
			for _, s := range src {
				for _, d := range dst {
					if d.to.typ == "aws_s3_bucket" {
						b.edge(Edge{From: b.nodes[s.to.key()], To: b.nodes[d.to.key()], Label: "S3 replication", Cross: true, Loose: true})
					}
				}
			}
		}
	}
}

// frontDoor draws DNS, health checks, CloudFront origins and WAF.
func (b *builder) frontDoor() {
	e := b.env
	for _, r := range e.all("aws_route53_record") {
		id, ok := b.nodes[r.key()]
		if !ok {
			continue
		}
		refs, _ := e.refs(r.stack, r.attrs["alias"])
		label := "alias"
		if f, ok := r.attrs["failover_routing_policy"].(map[string]any); ok {
			label = fmt.Sprintf("alias, %v", strings.ToLower(fmt.Sprint(f["type"])))
		}
		for _, t := range refs {
			b.edge(Edge{From: id, To: b.nodes[t.to.key()], Label: label, Cross: t.remote})
		}
		hc, _ := e.refs(r.stack, r.attrs["health_check_id"])
		for _, h := range hc {
			b.edge(Edge{From: id, To: b.nodes[h.to.key()], Label: "fails over on"})
		}
	}
	for _, h := range e.all("aws_route53_health_check") {
		refs, _ := e.refs(h.stack, h.attrs["fqdn"])
		for _, t := range refs {
			b.edge(Edge{From: b.nodes[h.key()], To: b.nodes[t.to.key()], Label: "probes", Cross: t.remote})
		}
	}
	for _, c := range e.all("aws_cloudfront_distribution") {
		for _, o := range list(c.attrs["origin"]) {
			om, _ := o.(map[string]any)
			label := fmt.Sprintf("origin %v", om["origin_id"])
			refs, _ := e.refs(c.stack, om["domain_name"])
			for _, t := range refs {
				b.edge(Edge{From: b.nodes[c.key()], To: b.nodes[t.to.key()], Label: label, Cross: t.remote})
			}
			for _, r := range e.all("aws_route53_record") {
				if len(refs) == 0 && r.str("name") == om["domain_name"] {
					b.edge(Edge{From: b.nodes[c.key()], To: b.nodes[r.key()], Label: label})
				}
			}
		}
		refs, _ := e.refs(c.stack, c.attrs["web_acl_id"])
		for _, w := range refs {
			b.edge(Edge{From: b.nodes[w.to.key()], To: b.nodes[c.key()], Label: "filters requests"})
		}
	}
}

// mirrors draws build projects that copy one source repository into another:
// the repository an environment variable named *SOURCE* points at is read,
// the others are pushed to.
func (b *builder) mirrors() {
	e := b.env
	for _, p := range e.all("aws_codebuild_project") {
		env, _ := p.attrs["environment"].(map[string]any)
		for _, v := range list(env["environment_variable"]) {
			vm, _ := v.(map[string]any)
			refs, _ := e.refs(p.stack, vm["value"])
			for _, r := range refs {
				if r.to.typ != "aws_codecommit_repository" {
					continue
				}
				if strings.Contains(fmt.Sprint(vm["name"]), "SOURCE") {
					b.edge(Edge{From: b.nodes[r.to.key()], To: b.nodes[p.key()], Label: "every push", Cross: r.remote, Loose: true})
				} else {
					b.edge(Edge{From: b.nodes[p.key()], To: b.nodes[r.to.key()], Label: "git push --mirror", Cross: r.remote})
				}
			}
		}
	}
}

// peering draws each VPC peering connection between the VPCs it joins.
func (b *builder) peering() {
	e := b.env
	for _, p := range e.all("aws_vpc_peering_connection") {
		id := b.nodes[p.key()]
		for _, side := range []struct{ attr, label string }{{"vpc_id", "requester"}, {"peer_vpc_id", "accepter"}} {
			refs, _ := e.refs(p.stack, p.attrs[side.attr])
			for _, v := range refs {
				if c := b.clusters[v.to.key()]; c != nil {
					b.edge(Edge{From: id, To: c.ID, Label: side.label + " " + v.to.str("cidr_block"), Cross: v.remote, Loose: true})
				}
			}
		}
	}
}

// remoteState draws, per pair of stacks, how many outputs one reads of the other.
func (b *builder) remoteState() {
	for _, d := range b.env.stacks {
		read := map[string]map[string]bool{}
		for _, rs := range d.resources {
			for _, r := range rs {
				walkStrings(r.attrs, func(s string) {
					for _, m := range remoteRef.FindAllStringSubmatch(s, -1) {
						stack := d.remote[m[1]]
						if read[stack] == nil {
							read[stack] = map[string]bool{}
						}
						read[stack][m[2]] = true
					}
				})
			}
		}
		for _, from := range slices.Sorted(maps.Keys(read)) {
			if _, ok := b.env.byName[from]; !ok {
				continue
			}
			b.edge(Edge{From: nodeID("state", from), To: nodeID("state", d.name),
				Label: fmt.Sprintf("remote state: %d outputs", len(read[from])), Cross: true, Loose: true})
		}
	}
}

// dependencyOrder puts every stack after the stacks whose state it reads,
// ties by name, whatever order the stacks came in.
func dependencyOrder(stacks []*stackDoc) []*stackDoc {
	byName := map[string]*stackDoc{}
	for _, d := range stacks {
		byName[d.name] = d
	}
	var out []*stackDoc
	done := map[string]bool{}
	var visit func(d *stackDoc)
	visit = func(d *stackDoc) {
		if done[d.name] {
			return
		}
		done[d.name] = true // a cycle (never synthesized) just stops here
		for _, name := range slices.Sorted(maps.Values(d.remote)) {
			if dep, ok := byName[name]; ok {
				visit(dep)
			}
		}
		out = append(out, d)
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		visit(byName[name])
	}
	return out
}

// refsTo reports whether r's attributes refer to target (same stack).
func refsTo(e *env, r, target *resource) bool {
	refs, _ := e.refs(r.stack, r.attrs)
	return slices.ContainsFunc(refs, func(x ref) bool { return x.to == target })
}

func walkStrings(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case map[string]any:
		for k, x := range v {
			if k != "//" {
				walkStrings(x, f)
			}
		}
	case []any:
		for _, x := range v {
			walkStrings(x, f)
		}
	}
}

// list is v as a list: Terraform JSON writes a single block as an object.
func list(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case nil:
		return nil
	}
	return []any{v}
}

func strs(v any) []string {
	var out []string
	for _, x := range list(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func common(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func hasPrefix(s string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s, p) })
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// wrap joins items n to a line.
func wrap(items []string, n int) []string {
	var lines []string
	for i := 0; i < len(items); i += n {
		lines = append(lines, strings.Join(items[i:min(i+n, len(items))], ", "))
	}
	return lines
}
