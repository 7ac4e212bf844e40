#!/usr/bin/env bash
# Copies the plugin's sample.conf into the top-level sample.conf and into the
# plugin README's "```toml @sample.conf" block (Telegraf's README convention).
# TestSampleConfig_* fail when they drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=plugins/inputs/netbackup
cp "$plugin/sample.conf" sample.conf
python3 - "$plugin/README.md" "$plugin/sample.conf" <<'PY'
import sys
readme, sample = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
start = text.index("```toml @sample.conf\n") + len("```toml @sample.conf\n")
end = text.index("```\n", start)
open(readme, "w").write(text[:start] + sample + text[end:])
PY
