#!/usr/bin/env bash
# Prometheus (prometheus and promtool) from Debian's packages, for the alert
# rules' unit tests (promtool) and the e2e test (a real Prometheus scraping
# a real Telegraf), which starts prometheus itself, never the service.
set -euo pipefail
exec "$(dirname "$0")/install-deb.sh" prometheus "by the alert rules' tests and the e2e test" prometheus promtool
