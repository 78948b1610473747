package config

import (
	"slices"
	"strings"
)

// regionZones lists the commercial AWS regions this platform deploys to and
// the zone letters each one has (AWS docs, "Regions and Zones").
var regionZones = map[string]string{
	"us-east-1":      "abcdef",
	"us-east-2":      "abc",
	"us-west-1":      "abc", // account-dependent: two of a/b/c
	"us-west-2":      "abcd",
	"ca-central-1":   "abd",
	"eu-west-1":      "abc",
	"eu-west-2":      "abc",
	"eu-west-3":      "abc",
	"eu-central-1":   "abc",
	"eu-central-2":   "abc",
	"eu-north-1":     "abc",
	"eu-south-1":     "abc",
	"ap-northeast-1": "acd",
	"ap-northeast-2": "abcd",
	"ap-northeast-3": "abc",
	"ap-southeast-1": "abc",
	"ap-southeast-2": "abc",
	"ap-south-1":     "abc",
	"sa-east-1":      "abc",
}

// Regions is the sorted list of supported region codes.
func Regions() []string {
	out := make([]string, 0, len(regionZones))
	for r := range regionZones {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// zonesOf lists the AZ names of a known region, e.g. us-west-2a..us-west-2d.
func zonesOf(region string) []string {
	var out []string
	for _, l := range regionZones[region] {
		out = append(out, region+string(l))
	}
	return out
}

func knownRegion(r string) bool { _, ok := regionZones[r]; return ok }

func azInRegion(az, region string) bool {
	return strings.HasPrefix(az, region) && len(az) == len(region)+1 &&
		strings.ContainsRune(regionZones[region], rune(az[len(az)-1]))
}

// EdgeRegion is where an environment's global edge lives whatever its own
// regions: CloudFront takes certificates and web ACLs from us-east-1 only,
// and Route 53 publishes health-check metrics there.
const EdgeRegion = "us-east-1"

// Regions lists the regions an environment's stacks may create resources
// in: its primary and secondary region and the edge region, sorted and
// without repeats.
func (e *Environment) Regions() []string {
	regions := []string{e.Primary.Region, e.Secondary.Region, EdgeRegion}
	slices.Sort(regions)
	return slices.Compact(regions)
}

// ShortRegion abbreviates a region for names: us-east-1 -> use1,
// ap-southeast-2 -> apse2.
func ShortRegion(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := map[string]string{"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
		"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}[parts[1]]
	if dir == "" {
		dir = parts[1][:1]
	}
	return parts[0][:2] + dir + parts[2]
}
