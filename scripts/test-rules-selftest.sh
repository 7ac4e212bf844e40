#!/usr/bin/env bash
# Tests scripts/test-rules.sh itself: it passes on the committed files, and
# fails on copies of them broken in the ways it must catch.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# fixture NAME: a copy of examples/prometheus and the README in $work/NAME.
fixture() {
	mkdir -p "$work/$1"
	cp examples/prometheus/netbackup-rules.yml examples/prometheus/netbackup-rules.test.yml "$work/$1/"
	cp README.md "$work/$1/README.md"
}

# expect NAME pass|fail [TEXT]: runs test-rules.sh on fixture NAME; a
# failure must say TEXT.
expect() {
	local out status=0
	out=$(RULES_DIR="$work/$1" README="$work/$1/README.md" scripts/test-rules.sh 2>&1) || status=$?
	if [[ "$2" == pass && "$status" -ne 0 ]]; then
		echo "test-rules-selftest: $1: test-rules.sh failed, it should pass:" >&2
		echo "$out" | tail -n 5 >&2
		failed=1
	elif [[ "$2" == fail && ( "$status" -eq 0 || "$out" != *"$3"* ) ]]; then
		echo "test-rules-selftest: $1: test-rules.sh should fail saying \"$3\" (exit $status):" >&2
		echo "$out" | tail -n 5 >&2
		failed=1
	else
		echo "test-rules-selftest: $1: $2ed as it should"
	fi
}

fixture committed
expect committed pass

# Rules with no alert at all (one recording rule), and tests of it: there is
# nothing to check, which must not pass as "every alert checked".
fixture no_alert
cat >"$work/no_alert/netbackup-rules.yml" <<'YAML'
groups:
  - name: g
    rules:
      - record: netbackup:licensed_capacity_bytes
        expr: vector(100 * 2^40)
YAML
cat >"$work/no_alert/netbackup-rules.test.yml" <<'YAML'
rule_files:
  - netbackup-rules.yml
tests:
  - interval: 1m
    promql_expr_test:
      - expr: netbackup:licensed_capacity_bytes
        eval_time: 1m
        exp_samples:
          - labels: 'netbackup:licensed_capacity_bytes'
            value: 109951162777600
YAML
expect no_alert fail "no alert"

# An alert written with its name first, as YAML allows: the check must still
# see it (and then find its name in the README and the tests).
fixture name_not_first
sed -i '/- alert: NetBackupInfectedBackup$/{N;s/- alert: \(NetBackupInfectedBackup\)\n\( *\)expr: \(.*\)/- expr: \3\n\2alert: \1/}' \
	"$work/name_not_first/netbackup-rules.yml"
grep -q '^ *alert: NetBackupInfectedBackup$' "$work/name_not_first/netbackup-rules.yml"
sed -i 's/NetBackupInfectedBackup |/NetBackupInfectedBackupX |/' "$work/name_not_first/README.md"
expect name_not_first fail "NetBackupInfectedBackup is not in the README"

# An alert whose key is quoted, as YAML allows: if the check cannot read a
# rule, it must say so rather than skip it.
fixture quoted_key
sed -i 's/- alert: NetBackupInfectedBackup$/- "alert": NetBackupInfectedBackup/' "$work/quoted_key/netbackup-rules.yml"
grep -q '"alert": NetBackupInfectedBackup$' "$work/quoted_key/netbackup-rules.yml"
sed -i 's/NetBackupInfectedBackup |/NetBackupInfectedBackupX |/' "$work/quoted_key/README.md"
expect quoted_key fail "promtool found"

# The README names an alert only inside a longer word.
fixture readme_substring
sed -i 's/^| NetBackupInfectedBackup |/| NetBackupInfectedBackups |/' "$work/readme_substring/README.md"
expect readme_substring fail "NetBackupInfectedBackup is not in the README"

# The README names an alert only in its prose, not in the table of alerts.
fixture readme_prose_only
sed -i 's/^| NetBackupInfectedBackup |.*$//' "$work/readme_prose_only/README.md"
echo "NetBackupInfectedBackup is described here, outside the table." >>"$work/readme_prose_only/README.md"
expect readme_prose_only fail "NetBackupInfectedBackup is not in the README"

[ "$failed" -eq 0 ] || exit 1
echo "test-rules-selftest: test-rules.sh catches what it must"
