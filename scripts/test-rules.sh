#!/usr/bin/env bash
# Checks the Prometheus alert rules (examples/prometheus): promtool's syntax
# check, its unit tests, and that every alert has a unit test and a row in
# the README's table of alerts. RULES_DIR and README point it at other files
# (scripts/test-rules-selftest.sh tests this script so).
set -euo pipefail
cd "$(dirname "$0")/.."
readme=$(realpath "${README:-README.md}")
cd "${RULES_DIR:-examples/prometheus}"
rules=netbackup-rules.yml
tests=netbackup-rules.test.yml

check=$(promtool check rules "$rules")
echo "$check"
promtool test rules "$tests"

# The rules' names, with "alert:" or "record:" first in its rule or not.
names() { awk -v key="$1:" '($1 == "-" && $2 == key) {print $3} ($1 == key) {print $2}' "$rules"; }
alerts=$(names alert)
records=$(names record)
if [ -z "$alerts" ]; then
	echo "test-rules: no alert found in ${rules}: nothing would be checked" >&2
	exit 1
fi
# Every rule must have been read: promtool counts them all.
found=$(echo "$check" | sed -n 's/.*SUCCESS: \([0-9][0-9]*\) rules found.*/\1/p')
read_here=$(printf '%s\n%s\n' "$alerts" "$records" | grep -c .)
if [ "$found" != "$read_here" ]; then
	echo "test-rules: read ${read_here} rules in ${rules}, promtool found ${found:-none}: write each as '- alert: NAME' or '- record: NAME'" >&2
	exit 1
fi

missing=0
for alert in $alerts; do
	if ! grep -Eq "^[[:space:]]*alertname: ${alert}[[:space:]]*\$" "$tests"; then
		echo "test-rules: alert ${alert} has no unit test in ${tests}" >&2
		missing=1
	fi
	# The name, whole, in the first column of a table row (one row may name several).
	if ! grep -Eq "^\| ([[:alnum:]]+, )*${alert}(, [[:alnum:]]+)* \|" "$readme"; then
		echo "test-rules: alert ${alert} is not in the README's table of alerts" >&2
		missing=1
	fi
done
[ "$missing" -eq 0 ] || exit 1
echo "test-rules: every alert of ${rules} ($(echo "$alerts" | wc -l)) has a unit test and a row in the README's table of alerts"
