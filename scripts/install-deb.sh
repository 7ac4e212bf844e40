#!/usr/bin/env bash
# Installs a Debian package unless the commands it provides are all there:
#
#   scripts/install-deb.sh PACKAGE "WHAT IT IS FOR" COMMAND [COMMAND...]
#
# The package's services are kept from starting (policy-rc.d exit 101): the
# tests start their own daemons with configs of their own on loopback ports.
# Fails loudly when the commands cannot be had: a test must not pass, or be
# skipped, for want of a tool.
set -euo pipefail

if [[ $# -lt 3 ]]; then
	echo "usage: $0 PACKAGE WHY COMMAND [COMMAND...]" >&2
	exit 2
fi
package=$1 why=$2
shift 2
commands=("$@")
me="install-deb ${package}"

have_all() {
	local c
	for c in "${commands[@]}"; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
}

if have_all; then
	echo "${me}: already installed (${commands[*]})"
	exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "${me}: ERROR: ${commands[*]} missing, needed ${why}, and this user cannot install packages (not root, no sudo): install Debian's '${package}' and re-run." >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "${me}: ERROR: apt-get not found; install ${commands[*]} (needed ${why}) by hand and re-run." >&2
	exit 1
fi

candidate() { apt-cache policy "$package" 2>/dev/null | awk '/Candidate:/ {print $2}'; }
cand="$(candidate)"
if [[ -z "$cand" || "$cand" == "(none)" ]]; then
	"${sudo[@]}" apt-get update -q
	cand="$(candidate)"
fi
if [[ -z "$cand" || "$cand" == "(none)" ]]; then
	echo "${me}: ERROR: the Debian package '${package}' is not available from the configured apt sources; it is needed ${why}." >&2
	exit 1
fi

echo "${me}: installing ${package} ${cand}"
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e "$policy" ]]; then
	printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
	"${sudo[@]}" chmod +x "$policy"
	created_policy=1
fi
status=0
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" || status=$?
if [[ "$created_policy" -eq 1 ]]; then
	"${sudo[@]}" rm -f "$policy"
fi
if [[ "$status" -ne 0 ]] || ! have_all; then
	echo "${me}: ERROR: 'apt-get install ${package}' failed (exit ${status}) or did not provide ${commands[*]}, needed ${why}." >&2
	exit 1
fi
echo "${me}: installed ${package} ${cand}"
