# telegraf-netbackup — build, test, demo.
# Every tool the targets need is installed by the targets themselves into
# .tools/ (pinned versions), never onto the user's PATH.

GO            ?= go
BIN           := bin
TOOLS         := $(CURDIR)/.tools/bin
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS       := -s -w -X main.version=$(VERSION)
GOLANGCI_LINT_VERSION := v2.15.0
# The Telegraf release the plugin is built against, read from go.mod so that
# it is written in one place; Telegraf's README linter comes from the same release.
TELEGRAF_VERSION := $(shell awk '$$1 == "github.com/influxdata/telegraf" { print $$2 }' go.mod)
README_LINTER := $(TOOLS)/readme_linter
NFPM_VERSION  := v2.48.0
NFPM          := $(TOOLS)/nfpm

.PHONY: all build test lint demo e2e bench soak fuzz clean sample-config package release dashboards rules-test

all: build

## build: the plugin and the simulator into bin/
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/telegraf-netbackup ./cmd/telegraf-netbackup
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/netbackup-simulator ./cmd/netbackup-simulator

## test: vet, then every unit, integration and contract test with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## lint: golangci-lint and Telegraf's README linter, pinned and installed into .tools/
lint: $(TOOLS)/golangci-lint $(README_LINTER)-$(TELEGRAF_VERSION)
	$(TOOLS)/golangci-lint run ./...
	$(README_LINTER) plugins/inputs/netbackup/README.md

$(TOOLS)/golangci-lint:
	GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

# The linter takes the plugin type from the path it is given
# (plugins/inputs/NAME/README.md): run it from the repository root with that
# relative path, or it checks nothing. The versioned stamp rebuilds it when
# go.mod moves to another Telegraf release.
$(README_LINTER)-$(TELEGRAF_VERSION):
	@test -n "$(TELEGRAF_VERSION)" || { echo "no github.com/influxdata/telegraf version found in go.mod" >&2; exit 1; }
	GOBIN=$(TOOLS) $(GO) install github.com/influxdata/telegraf/tools/readme_linter@$(TELEGRAF_VERSION)
	touch $@

## package: .deb and .rpm (amd64 and arm64; PKG_ARCHES=amd64 for one) into dist/
package: $(NFPM)-$(NFPM_VERSION)
	NFPM=$(NFPM) VERSION=$(VERSION) GO=$(GO) ./scripts/package/build.sh package

## release: dist/ emptied, then the packages, linux amd64/arm64 .tar.gz, windows/amd64 .zip, SHA256SUMS
release: $(NFPM)-$(NFPM_VERSION)
	NFPM=$(NFPM) VERSION=$(VERSION) GO=$(GO) ./scripts/package/build.sh release

$(NFPM)-$(NFPM_VERSION):
	GOBIN=$(TOOLS) $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)
	touch $@

## sample-config: print the sample configuration
sample-config: build
	$(BIN)/telegraf-netbackup -sample-config

## demo: start the simulator, run one gather against it, print the line protocol
demo: build
	./scripts/demo.sh

## e2e: real Telegraf (pinned, .tools/) + real InfluxDB 1.x + real Prometheus + the simulator: the six
## e2e guarantees, the README's commands as written, every dashboard query on both engines, every
## alert rule quiet and then firing
e2e:
	TELEGRAF_VERSION=$(TELEGRAF_VERSION) ./scripts/install-telegraf.sh
	./scripts/install-influxdb.sh
	./scripts/install-prometheus.sh
	./scripts/install-e2e-tools.sh
	E2E_TELEGRAF=$(TOOLS)/telegraf $(GO) test -tags e2e -count=1 -timeout 15m -v ./e2e/

## bench: decoding benchmarks, then whole gathers of the plugin's binary against the
## simulator, each in its own process: one server's backfills and steady state, then
## fleets of 1 to 100 servers read by one agent (about 15 minutes: the 1M-job runs;
## BENCH_FLAGS=-quick for the smoke set, -scenarios fleet-1-20ms,fleet-100-20ms for the
## fleets alone, -profile DIR for CPU and peak-heap profiles)
bench:
	$(GO) test -run '^$$' -bench 'DecodeJobsPage' -benchmem ./plugins/inputs/netbackup
	$(GO) run ./cmd/netbackup-bench $(BENCH_FLAGS)

## soak: the chaos soak, long form (5000 gathers; NBU_SOAK_GATHERS=N overrides)
soak:
	$(GO) test -count=1 -timeout 60m -run '^TestChaosSoak$$' -v ./plugins/inputs/netbackup/ -soak

## fuzz: every fuzz target for FUZZTIME each, e.g. make fuzz FUZZTIME=30s
FUZZTIME ?= 8s
fuzz:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz.sh

## rules-test: promtool check and unit tests of the alert rules (examples/prometheus), every
## alert in the tests and the README; then the same check run on broken copies must fail
rules-test:
	./scripts/install-prometheus.sh
	./scripts/test-rules.sh
	./scripts/test-rules-selftest.sh

## dashboards: render the Grafana dashboards (internal/dashboards) into examples/grafana/
dashboards:
	$(GO) run ./cmd/netbackup-dashboards

clean:
	rm -rf $(BIN) dist
