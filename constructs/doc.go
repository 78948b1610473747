// Package constructs holds one construct per AWS concept (network, peering,
// keys, ...). A construct takes typed props and exposes what other constructs
// and stacks need as typed fields; it never reads config, files or the
// environment, so it can serve any stack.
package constructs
