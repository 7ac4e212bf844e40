#!/usr/bin/env bash
# The command-line tools the e2e test runs because the README tells users
# to: curl and jq for the CA command, bash for the README's blocks.
set -euo pipefail
for tool in curl jq bash; do
	"$(dirname "$0")/install-deb.sh" "$tool" "by the e2e test (the README's commands)" "$tool"
done
