#!/usr/bin/env bash
# Installs Prometheus (prometheus and promtool) from Debian's packages, for
# the alert rules' unit tests (promtool) and the e2e test (a real Prometheus
# scraping a real Telegraf). The test starts prometheus itself with a config
# of its own (loopback port, temp dirs), so the packaged service is never
# used. Fails loudly when the package cannot be installed: the rules must
# not pass untested.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
	echo "install-prometheus: already installed: $(prometheus --version 2>&1 | head -n 1)"
	exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "install-prometheus: ERROR: prometheus/promtool are not installed and this user cannot install packages (not root, no sudo)." >&2
	echo "install-prometheus: install Debian's 'prometheus' package and re-run." >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-prometheus: ERROR: apt-get not found; install prometheus and promtool by hand and re-run." >&2
	exit 1
fi

candidate() { apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ {print $2}'; }

cand="$(candidate)"
if [[ -z "$cand" || "$cand" == "(none)" ]]; then
	"${sudo[@]}" apt-get update -q
	cand="$(candidate)"
fi
if [[ -z "$cand" || "$cand" == "(none)" ]]; then
	echo "install-prometheus: ERROR: the Debian package 'prometheus' is not available from the configured apt sources." >&2
	exit 1
fi

echo "install-prometheus: installing prometheus ${cand}"
# policy-rc.d exit 101 keeps the package's maintainer scripts from starting
# the service: the test runs its own prometheus on a loopback port.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e "$policy" ]]; then
	printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
	"${sudo[@]}" chmod +x "$policy"
	created_policy=1
fi
status=0
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus || status=$?
if [[ "$created_policy" -eq 1 ]]; then
	"${sudo[@]}" rm -f "$policy"
fi
if [[ "$status" -ne 0 ]] || ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
	echo "install-prometheus: ERROR: 'apt-get install prometheus' failed (exit ${status}); prometheus and promtool are needed." >&2
	exit 1
fi
echo "install-prometheus: installed: $(prometheus --version 2>&1 | head -n 1)"
