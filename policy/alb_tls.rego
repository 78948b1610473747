# Load balancer listeners serve TLS 1.2+: HTTPS listeners use a TLS 1.2/1.3 security
# policy, and an HTTP listener only redirects to HTTPS (cdk-nag ELB, trivy AVD-
# AWS-0047/0054).
package terraform.policies.alb_tls

import rego.v1

import data.terraform.lib

rule := "alb_tls"

violations contains v if {
	some l in lib.of_type("aws_lb_listener")
	l.values.protocol == "HTTPS"
	not tls12(lib.value(l, "ssl_policy"))
	v := {"address": l.address, "message": sprintf("ssl_policy %v allows TLS below 1.2", [lib.value(l, "ssl_policy")])}
}

violations contains v if {
	some l in lib.of_type("aws_lb_listener")
	l.values.protocol == "HTTP"
	not redirects_to_https(l)
	v := {"address": l.address, "message": "HTTP listener serves traffic instead of redirecting to HTTPS"}
}

tls12(p) if regex.match(`^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)`, p)

redirects_to_https(l) if {
	some a in l.values.default_action
	a.type == "redirect"
	some r in a.redirect
	r.protocol == "HTTPS"
}

deny := lib.messages(rule, violations)

waived := lib.waived_messages(rule, violations)
