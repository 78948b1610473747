package cost

import (
	"strings"
	"testing"
)

// The what-if comparison and the reference table: differences by service,
// the reference's lines summed from the services that bill them, the rest
// listed as not in the reference, and the totals.
func TestCompareAndReference(t *testing.T) {
	asIs := fixtureEstimate(t)
	asIs.Tier = "production"
	// The same plans with no WAF and no CloudFront traffic: a cheaper what-if.
	saved := fixtureUsage
	fixtureUsage.RequestsMillions, fixtureUsage.CDNTransferGB = 0, 0
	whatIf := fixtureEstimate(t)
	fixtureUsage = saved

	c := Compare(asIs, whatIf, "development")
	// WAF requests 4 * 0.6 = 2.40; CloudFront 4.00 + 5.00 = 9.00.
	if !near(c.Difference, 11.40) {
		t.Errorf("difference %.6f, want 11.40", c.Difference)
	}
	if len(c.Services) != 2 || c.Services[0].Name != svcCDN || !near(c.Services[0].Monthly, 9) || c.Services[1].Name != svcWAF || !near(c.Services[1].Monthly, 2.4) {
		t.Errorf("service differences %+v, want CloudFront +9.00 then WAF +2.40", c.Services)
	}
	var b strings.Builder
	WriteReference(&b, c)
	out := b.String()
	// Counted by the reference: Fargate 78.84, ALB 29.20, RDS 250.00, NAT 41.50,
	// transfer 0.80, Route 53 3.50, CloudFront 9.00, CloudWatch 3.177534 + 0.40
	// = 416.417534; not in it: IPv4 10.95, KMS 1.00, WAF 9.40.
	for _, want := range []string{
		ReferenceMarker + " ($400.00 to $800.00 a month)",
		"| ECS Fargate tasks in two regions | ECS Fargate | $78.84 | $78.84 |",
		"| CloudFront | CloudFront | $9.00 | $0.00 |",
		"| CloudWatch | CloudWatch alarms, CloudWatch dashboards, CloudWatch Logs, CloudWatch Container Insights | $3.58 | $3.58 |",
		"| **subtotal: what the reference counts** | | **$416.42** | **$407.42** |",
		"| | Public IPv4 addresses | $10.95 | $10.95 |",
		"| | WAF | $9.40 | $7.00 |",
		"| **total** | | **$437.77** | **$426.37** |",
		"fix as configured (`tier: production`) costs $11.40 a month more than with `tier: development`",
		"| CloudFront | +$9.00 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("reference table lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	WriteComparison(&b, c)
	if !strings.Contains(b.String(), "difference: +$11.40 a month") {
		t.Errorf("comparison %q", b.String())
	}
}

func TestMoney(t *testing.T) {
	for v, want := range map[float64]string{0: "$0.00", 1234.5: "$1,234.50", 999.999: "$1,000.00", 1234567: "$1,234,567.00"} {
		if got := money(v); got != want {
			t.Errorf("money(%v) = %s, want %s", v, got, want)
		}
	}
}
