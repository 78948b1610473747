// Package harness checks synthesized stacks with the real Terraform CLI and AWS
// provider: validate and an offline plan of every stack (Offline), and an apply,
// re-plan and destroy of one environment on moto_server (Emulate).
//
// It never touches the user's cdktf.out or state: every run works on copies of
// the stack folders in a scratch folder laid out as <scratch>/cdktf.out/stacks/<stack>,
// so a stack's relative local state path ../../../state/<stack>.tfstate lands in
// <scratch>/state.
package harness
