# The two entry points of the README: `make all` (set-up + the main job) and
# `make test` (set-up + every test). Both work offline on a machine with Go,
# Node.js/npm, Terraform and moto_server.

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1

.PHONY: all setup check test synth bench

all: setup check

# Install the pinned cdktf-cli and Go modules; check the tools the checks need.
setup:
	npm ci --no-audit --no-fund --loglevel=error
	go mod download
	go build ./...
	@command -v terraform >/dev/null || { echo "terraform is missing: install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) and put it on PATH" >&2; exit 1; }
	@command -v moto_server >/dev/null || { echo "moto_server is missing: pip install 'moto[server]==5.2.1'" >&2; exit 1; }

# Synthesize every example environment, validate and plan every stack
# offline, deploy acme-local on the emulator, print a summary; then draw
# every environment from the synthesized stacks into docs/diagrams.
check:
	go run ./cmd/check
	go run ./cmd/diagram -outdir .check/cdktf.out

# Every test: config, constructs, golden files, validate, offline plan, emulator.
test: setup
	go test -count=1 -timeout 30m ./...

synth:
	go run .

# Measure synth (preload on and off, node on PATH) and the offline checks;
# several runs each, min and median, with the machine load (docs/speed.md).
# E.g. make bench BENCH_FLAGS="-only synth -runs 3".
bench:
	go run ./cmd/bench $(BENCH_FLAGS)
