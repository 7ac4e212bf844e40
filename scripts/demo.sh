#!/usr/bin/env bash
# One gather against the NetBackup simulator: what `make demo` runs.
# Starts bin/netbackup-simulator on a free loopback port with TLS and a
# generated API key, runs `bin/telegraf-netbackup -once` against it with the
# simulator's CA, prints the line protocol, and stops the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

api_key=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)

bin/netbackup-simulator -listen 127.0.0.1:0 -api-key "$api_key" -ca-file "$work/ca.pem" \
  -jobs 300 -seed 42 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!

# The simulator prints one line naming its URL when it is ready.
url=""
for _ in $(seq 1 100); do
  url=$(grep -Eo 'https://[^ ]+/netbackup' "$work/sim.out" 2>/dev/null | head -n 1 || true)
  [ -n "$url" ] && break
  if ! kill -0 "$sim_pid" 2>/dev/null; then
    echo "demo: the simulator exited early:" >&2
    cat "$work/sim.err" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "demo: the simulator did not report ready within 10 s" >&2
  exit 1
fi
echo "# simulator: $url" >&2

cat >"$work/netbackup.conf" <<CONF
[[inputs.netbackup]]
  servers = ["${url%/netbackup}"]
  api_key = "\${NETBACKUP_API_KEY}"
  tls_ca = "$work/ca.pem"
  job_lookback = "24h"
  state_file = "$work/state.json"
CONF

echo "# bin/telegraf-netbackup -config netbackup.conf -once" >&2
NETBACKUP_API_KEY="$api_key" bin/telegraf-netbackup -config "$work/netbackup.conf" -once
