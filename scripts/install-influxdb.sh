#!/usr/bin/env bash
# Installs InfluxDB 1.x (influxd) from Debian's packages for the e2e test.
# The test starts influxd itself with a config of its own (loopback port, temp
# dirs), so the packaged service is never used. Fails loudly when the package
# cannot be installed: the e2e target must not pass without a real database.
set -euo pipefail

if command -v influxd >/dev/null 2>&1; then
	echo "install-influxdb: influxd already installed: $(influxd version 2>/dev/null || echo unknown version)"
	exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "install-influxdb: ERROR: influxd is not installed and this user cannot install packages (not root, no sudo)." >&2
	echo "install-influxdb: install Debian's 'influxdb' package (InfluxDB 1.x) and re-run." >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-influxdb: ERROR: apt-get not found; install InfluxDB 1.x (influxd) by hand and re-run." >&2
	exit 1
fi

candidate() { apt-cache policy influxdb 2>/dev/null | awk '/Candidate:/ {print $2}'; }

cand="$(candidate)"
if [[ -z "$cand" || "$cand" == "(none)" ]]; then
	"${sudo[@]}" apt-get update -q
	cand="$(candidate)"
fi
if [[ -z "$cand" || "$cand" == "(none)" ]]; then
	echo "install-influxdb: ERROR: the Debian package 'influxdb' (InfluxDB 1.x) is not available from the configured apt sources." >&2
	echo "install-influxdb: the e2e test needs a real InfluxDB; install influxd by hand or enable a source that has it." >&2
	exit 1
fi

echo "install-influxdb: installing influxdb ${cand}"
# policy-rc.d exit 101 keeps the package's maintainer scripts from starting the
# service: the test runs its own influxd on a loopback port.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e "$policy" ]]; then
	printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
	"${sudo[@]}" chmod +x "$policy"
	created_policy=1
fi
status=0
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends influxdb || status=$?
if [[ "$created_policy" -eq 1 ]]; then
	"${sudo[@]}" rm -f "$policy"
fi
if [[ "$status" -ne 0 ]] || ! command -v influxd >/dev/null 2>&1; then
	echo "install-influxdb: ERROR: 'apt-get install influxdb' failed (exit ${status}); the e2e test cannot run without influxd." >&2
	exit 1
fi
echo "install-influxdb: installed: $(influxd version 2>/dev/null || echo unknown version)"
