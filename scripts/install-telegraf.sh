#!/usr/bin/env bash
# Builds a minimal, pinned Telegraf (execd input, file + influxdb outputs) into a
# project-local tool directory, so the e2e test runs the real agent a user runs
# without touching the user's PATH. Idempotent: skips the build when the binary
# already reports the pinned version.
set -euo pipefail

TELEGRAF_VERSION="${TELEGRAF_VERSION:-v1.37.2}"
TELEGRAF_TAGS="custom,inputs.execd,outputs.file,outputs.influxdb"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool_bin="${TOOLS_BIN:-$repo_root/.tools/bin}"
telegraf="$tool_bin/telegraf"
want="${TELEGRAF_VERSION#v}"

if [[ -x "$telegraf" ]] && "$telegraf" --version 2>/dev/null | grep -Eq "^Telegraf ${want//./\\.}( |$)"; then
	echo "install-telegraf: $telegraf already at ${want}"
	exit 0
fi

mkdir -p "$tool_bin"
echo "install-telegraf: building Telegraf ${TELEGRAF_VERSION} (tags: ${TELEGRAF_TAGS}) into $tool_bin"
# Telegraf's version is normally stamped by its Makefile; set it here so
# `telegraf --version` (and the skip check above) reports the pinned release.
ldflags="-s -w -X github.com/influxdata/telegraf/internal.Version=${want}"
# Build outside the project module so its go.mod is neither read nor changed.
(cd / && GOFLAGS=-buildvcs=false GOBIN="$tool_bin" go install \
	-tags "$TELEGRAF_TAGS" -ldflags "$ldflags" \
	"github.com/influxdata/telegraf/cmd/telegraf@${TELEGRAF_VERSION}")

"$telegraf" --version
