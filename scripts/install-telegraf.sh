#!/usr/bin/env bash
# Builds a minimal, pinned Telegraf (execd input; file, influxdb and
# prometheus_client outputs) into a project-local tool directory, so the e2e
# test runs the real agent a user runs without touching the user's PATH.
# Idempotent: skips the build when the binary already reports the pinned
# version and was built with the same tags (recorded beside it).
set -euo pipefail

TELEGRAF_VERSION="${TELEGRAF_VERSION:-v1.37.2}"
TELEGRAF_TAGS="custom,inputs.execd,outputs.file,outputs.influxdb,outputs.prometheus_client"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool_bin="${TOOLS_BIN:-$repo_root/.tools/bin}"
telegraf="$tool_bin/telegraf"
want="${TELEGRAF_VERSION#v}"

stamp="$telegraf.tags"
if [[ -x "$telegraf" ]] && "$telegraf" --version 2>/dev/null | grep -Eq "^Telegraf ${want//./\\.}( |$)" &&
	[[ "$(cat "$stamp" 2>/dev/null)" == "$TELEGRAF_TAGS" ]]; then
	echo "install-telegraf: $telegraf already at ${want} (tags ${TELEGRAF_TAGS})"
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

echo "$TELEGRAF_TAGS" >"$stamp"
"$telegraf" --version
