package constructs

// PolicyDocument is an IAM policy built in Go and rendered as JSON: no jsii
// data source round trips, and the document reads like the AWS docs.
// Resource ARNs may be CDKTF tokens; they resolve inside the string.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Policy builds a policy document from statements.
func Policy(statements ...Statement) PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: statements}
}

// Allow is an Allow statement of actions on resources.
func Allow(actions []string, resources ...string) Statement {
	return Statement{Effect: "Allow", Action: actions, Resource: resources}
}

// ServicePrincipal is a Principal of one AWS service, e.g. logs.amazonaws.com.
func ServicePrincipal(service string) map[string]any { return map[string]any{"Service": service} }

// AssumeRolePolicy lets the given AWS service assume a role, only on behalf
// of the given account (confused-deputy guard).
func AssumeRolePolicy(service, account string) PolicyDocument {
	return Policy(Statement{
		Effect:    "Allow",
		Principal: ServicePrincipal(service),
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}},
	})
}

// JSON renders the document; tokens inside strings are kept as they are.
func (d PolicyDocument) JSON() *string { return str(jsonText(d)) }
