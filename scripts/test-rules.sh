#!/usr/bin/env bash
# Checks the Prometheus alert rules (examples/prometheus): promtool's syntax
# check, its unit tests, and that every alert has a unit test.
set -euo pipefail
cd "$(dirname "$0")/../examples/prometheus"
rules=netbackup-rules.yml
tests=netbackup-rules.test.yml

promtool check rules "$rules"
promtool test rules "$tests"

missing=0
for alert in $(awk '$1 == "-" && $2 == "alert:" {print $3}' "$rules"); do
	if ! grep -Eq "alertname: ${alert}\$" "$tests"; then
		echo "test-rules: alert ${alert} has no unit test in ${tests}" >&2
		missing=1
	fi
	if ! grep -q "${alert}" ../../README.md; then
		echo "test-rules: alert ${alert} is not in the README's table of alerts" >&2
		missing=1
	fi
done
[ "$missing" -eq 0 ] || exit 1
echo "test-rules: every alert of ${rules} has a unit test and a line in the README"
