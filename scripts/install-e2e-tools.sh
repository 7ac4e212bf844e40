#!/usr/bin/env bash
# Installs the command-line tools the e2e test runs because the README tells
# users to (curl and jq, for the CA command; bash for the README's blocks),
# from Debian's packages when they are missing. Fails loudly when it cannot.
set -euo pipefail

missing=()
for tool in curl jq bash; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	echo "install-e2e-tools: curl, jq and bash already installed"
	exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "install-e2e-tools: ERROR: ${missing[*]} not installed and this user cannot install packages (not root, no sudo)." >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-e2e-tools: ERROR: apt-get not found; install ${missing[*]} by hand and re-run." >&2
	exit 1
fi
echo "install-e2e-tools: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
for tool in "${missing[@]}"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "install-e2e-tools: ERROR: $tool still missing" >&2; exit 1; }
done
