#!/usr/bin/env bash
# Runs every Go fuzz target of the packages below for a short time, one
# `go test -fuzz` per target (go test allows one -fuzz target per run), and
# prints the executions each made. Targets are found with `go test -list`,
# so new ones are picked up without editing this script.
#
#   scripts/fuzz.sh                 # FUZZTIME=8s per target (CI: ~12 targets, < 2 minutes)
#   FUZZTIME=30s scripts/fuzz.sh    # longer, locally
#
# A failure leaves the crashing input in <package>/testdata/fuzz/<FuzzName>/:
# commit it with the fix, it then runs as a regression seed in `go test`.
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-8s}
PACKAGES=${PACKAGES:-"./plugins/inputs/netbackup ./plugins/inputs/netbackup/nbuapi ./plugins/inputs/netbackup/nbuapi/jsonscan ./internal/nbusim"}

summary=()
failed=0
for pkg in $PACKAGES; do
	# A package that does not build, or is gone, fails the run: it must not
	# drop out of the fuzzing silently. One without targets is named.
	listing=$($GO test -list '^Fuzz' "$pkg") || { echo "fuzz: cannot list the fuzz targets of $pkg" >&2; exit 1; }
	targets=$(printf '%s\n' "$listing" | { grep '^Fuzz' || true; })
	if [ -z "$targets" ]; then
		echo "fuzz: $pkg has no fuzz target: take it out of PACKAGES, or add one" >&2
		exit 1
	fi
	for target in $targets; do
		log=$(mktemp)
		status=FAILED
		# Go's fuzzing coordinator sometimes ends a short run with "context
		# deadline exceeded" and no failing input (golang/go#75804): that is
		# the tool, not a finding, so the target is run once more. A run that
		# found something writes testdata/fuzz/<target>/ and fails at once.
		for try in 1 2; do
			echo "== $pkg $target ($FUZZTIME, try $try)"
			if $GO test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1 | tee "$log"; then
				status=ok
				break
			fi
			if grep -q 'Failing input written to' "$log" || ! grep -q 'context deadline exceeded' "$log"; then
				break
			fi
			echo "== $target: the fuzzing engine timed out without a failing input; trying again"
		done
		[ "$status" = ok ] || failed=1
		# The last progress line holds the total: "fuzz: elapsed: 8s, execs: 123456 (15432/sec), ..."
		execs=$({ grep -o 'execs: [0-9]*' "$log" || true; } | tail -1 | awk '{print $2}')
		rm -f "$log"
		summary+=("$(printf '%-8s %-22s %-28s execs=%s' "$status" "$pkg" "$target" "${execs:-?}")")
	done
done

echo
echo "== fuzz summary (fuzztime $FUZZTIME per target)"
printf '%s\n' "${summary[@]}"
exit $failed
