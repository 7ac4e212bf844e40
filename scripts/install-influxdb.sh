#!/usr/bin/env bash
# InfluxDB 1.x (influxd) from Debian's packages, for the e2e test, which
# starts influxd itself (loopback port, temp dirs), never the service.
set -euo pipefail
exec "$(dirname "$0")/install-deb.sh" influxdb "by the e2e test (a real InfluxDB 1.x)" influxd
