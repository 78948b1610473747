// Package stacks composes constructs into the three stacks of a customer
// environment: <env>-primary, <env>-secondary (depends on primary) and
// <env>-global (depends on both). A stack reads another only through the
// typed struct its constructor returns; CDKTF turns those references into
// outputs and terraform_remote_state look-ups.
package stacks
