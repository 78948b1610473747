package config

import (
	"fmt"
	"net/netip"
)

// Subnet tiers. Each tier owns one quarter of the VPC block; the fourth
// quarter is kept free for later tiers.
const (
	TierPublic   = 0
	TierPrivate  = 1
	TierDatabase = 2
)

// subnetBits is how many bits a subnet adds to the VPC prefix: a /16 VPC gets
// /20 subnets (4,091 usable addresses each), a /24 VPC /28 subnets.
const subnetBits = 4

// MaxAZs is how many AZs fit the layout: each tier's quarter holds 2^(bits-2)
// subnets.
const MaxAZs = 1 << (subnetBits - 2)

// Subnets are the three subnets of one availability zone.
type Subnets struct {
	AZ       string
	Public   string
	Private  string
	Database string
}

// Layout derives every subnet of the region with one rule,
// cidrsubnet(vpc, 4, tier*4 + azIndex), so adding an AZ never moves an
// existing subnet. The region must be valid (see Validate).
func (r Region) Layout() []Subnets {
	vpc := netip.MustParsePrefix(r.CIDR)
	out := make([]Subnets, len(r.AZs))
	for i, az := range r.AZs {
		out[i] = Subnets{
			AZ:       az,
			Public:   cidrSubnet(vpc, subnetBits, TierPublic*MaxAZs+i).String(),
			Private:  cidrSubnet(vpc, subnetBits, TierPrivate*MaxAZs+i).String(),
			Database: cidrSubnet(vpc, subnetBits, TierDatabase*MaxAZs+i).String(),
		}
	}
	return out
}

// cidrSubnet is Terraform's cidrsubnet() for IPv4.
func cidrSubnet(p netip.Prefix, newBits, num int) netip.Prefix {
	bits := p.Bits() + newBits
	base := p.Masked().Addr().As4()
	v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	v |= uint32(num) << (32 - bits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits)
}

// parseVPCCIDR accepts an IPv4 network address with a /16 to /24 prefix.
func parseVPCCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil || !p.Addr().Is4():
		return netip.Prefix{}, fmt.Errorf("not an IPv4 CIDR block")
	case p.Bits() < 16 || p.Bits() > 24:
		return netip.Prefix{}, fmt.Errorf("prefix /%d is outside /16 to /24", p.Bits())
	case p.Masked() != p:
		return netip.Prefix{}, fmt.Errorf("host bits are set (the network address is %s)", p.Masked())
	}
	return p, nil
}

// overlaps reports whether two prefixes share any address.
func overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }
