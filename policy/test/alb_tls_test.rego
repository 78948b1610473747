package terraform.policies.alb_tls

import rego.v1

import data.terraform.fixtures as f

test_compliant if {
	deny == [] with input as f.plan([{"type": "aws_lb_listener", "name": "https", "values": {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}}, {"type": "aws_lb_listener", "name": "http", "values": {"protocol": "HTTP", "default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443"}]}]}}])
}

test_violating if {
	count(deny) == 1 with input as f.plan([{"type": "aws_lb_listener", "name": "https", "values": {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-2016-08"}}])
}
