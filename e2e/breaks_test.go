//go:build e2e

package e2e

import (
	"os"
	"testing"
	"time"
)

// E2E_BREAK breaks one behaviour on purpose, by changing only the test's own
// configuration, to see that the check guarding it fails:
//
//	key_env         pass the key as NETBACKUP_APIKEY: the plugin has no key   (checks 1, 2 fail)
//	drop_field      fieldexclude = ["bytes"] on the execd input              (check 1 fails)
//	short_lookback  job_lookback = "10m" in the plugin, the truth keeps 2h   (check 2 fails)
//	stderr_noise    a wrapper prints an unprefixed line on the plugin stderr (check 3 fails)
//	no_state_file   no state_file: a restart forgets the cursor              (check 4 fails)
//	stdin_held      a wrapper keeps the plugin's stdin open after Telegraf stops (check 5 fails)
//	leak_key        the key is added as a tag on the execd input             (check 6 fails)
//	dirty_sim       the dashboards test starts from the default dataset, with its
//	                problems on purpose, instead of a healthy one             (no alert on a healthy server fails)
const breakEnv = "E2E_BREAK"

func applyBreak(t *testing.T, s *scenario) {
	t.Helper()
	what := os.Getenv(breakEnv)
	if what == "" {
		return
	}
	t.Logf("%s=%s: breaking on purpose", breakEnv, what)
	plugin := s.telegraf.Command
	switch what {
	case "key_env":
		s.telegraf.Environment = []string{"NETBACKUP_APIKEY=" + s.apiKey}
	case "drop_field":
		s.telegraf.ExtraInput = `  fieldexclude = ["bytes"]`
	case "short_lookback":
		s.plugin.JobLookback = 10 * time.Minute
	case "stderr_noise":
		s.telegraf.Command = append([]string{"/bin/sh", "-c", `echo "plugin starting" >&2; exec "$0" "$@"`}, plugin...)
	case "no_state_file":
		s.plugin.StateFile = ""
	case "stdin_held":
		s.telegraf.Command = append([]string{"/bin/sh", "-c", `while :; do echo; sleep 2; done | "$0" "$@"`}, plugin...)
	case "dirty_sim":
		// Read by testDashboardsAndAlerts when it builds its simulator.
	case "leak_key":
		s.telegraf.ExtraInput = "  [inputs.execd.tags]\n    leak = \"" + s.apiKey + "\""
	default:
		t.Fatalf("unknown %s=%q", breakEnv, what)
	}
}
