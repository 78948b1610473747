package config

// ApplyDefaults fills every setting the file left out. It is the one place
// defaults live; tier-dependent ones switch on where tier is production.
func (e *Environment) ApplyDefaults() {
	if e.Tier == "" {
		e.Tier = TierDevelopment
	}
	prod := e.Production()
	if e.CostCenter == "" {
		e.CostCenter = e.Customer
	}
	if e.Primary.Region == "" {
		e.Primary.Region = "us-east-1"
	}
	if e.Secondary.Region == "" {
		e.Secondary.Region = "us-west-2"
	}
	if e.Primary.CIDR == "" {
		e.Primary.CIDR = "10.0.0.0/16"
	}
	if e.Secondary.CIDR == "" {
		e.Secondary.CIDR = "10.1.0.0/16"
	}
	for _, r := range []*Region{&e.Primary, &e.Secondary} {
		if len(r.AZs) == 0 && knownRegion(r.Region) {
			r.AZs = zonesOf(r.Region)[:2]
		}
	}
	if e.Network.NAT == "" {
		e.Network.NAT = pick(prod, NATPerAZ, NATSingle)
	}
	if e.Network.FlowLogRetentionDays == 0 {
		e.Network.FlowLogRetentionDays = pick(prod, 365, 30)
	}
	e.applyNetworkDefaults()
	if e.Service.Port == 0 {
		e.Service.Port = 8080
	}
	if e.Backend.Type == "" {
		e.Backend.Type = BackendLocal
	}
	if b := e.Backend.S3; b != nil && b.Region == "" {
		b.Region = e.Primary.Region
	}
	if c := e.Backend.Cloud; c != nil && c.Hostname == "" {
		c.Hostname = "app.terraform.io"
	}
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}
