package netbackup

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// clockTestStart is the simulated server's clock.
var clockTestStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func clockWarnings(log *testutil.CaptureLogger) string {
	return strings.Join(log.Warnings(), "\n")
}

// writeClockState writes a state file holding entries for the server.
func writeClockState(t *testing.T, serverURL string, entries string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	doc := fmt.Sprintf(`{"version":1,"servers":{%q:{%s}}}`, serverURL+"/netbackup", entries)
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	return path
}

func walkerStateJSON(cursor time.Time, walk string) string {
	return fmt.Sprintf(`{"version":1,"cursor":%q,"floor":%q,%s"seen":{}}`,
		cursor.Format(time.RFC3339), cursor.Add(-time.Hour).Format(time.RFC3339), walk)
}

// A job cursor (and floor, and a walk in progress) ahead of the server's
// clock would stall the finished-job stream until the server's clock caught
// up: every query would ask for jobs changed after a future instant. It is
// moved back to the server's clock with one warning, and the jobs come.
func TestClock_FutureJobCursorIsClamped(t *testing.T) {
	future := clockTestStart.AddDate(1, 0, 0)
	for name, walk := range map[string]string{
		"between walks": "",
		"walk in progress": fmt.Sprintf(`"walk":{"from":%q,"until":%q,"by_end_time":false,"after_job_id":0},`,
			future.Add(-5*time.Minute).Format(time.RFC3339), future.Add(time.Minute).Format(time.RFC3339)),
	} {
		t.Run(name, func(t *testing.T) {
			env := startSim(t, nbusim.Config{Start: clockTestStart})
			log := env.log
			state := writeClockState(t, env.server.URL, `"jobs":`+walkerStateJSON(future, walk))
			p := newTestPlugin(t, on(env), collect("jobs"), stateFile(state), func(p *NetBackup) {
				p.JobOverlap = config.Duration(time.Hour)
			})
			defer p.releaseState()

			acc := gatherOnce(t, p)
			require.Empty(t, acc.Errors)
			require.NotEmpty(t, metricsNamed(acc, "netbackup_job"), "the stream stalled on a cursor in the future")
			warnings := clockWarnings(log)
			require.Contains(t, warnings, "collector jobs: the saved job cursor")
			require.Contains(t, warnings, "ahead of the server's clock (2026-03-02T10:00:00Z)")
			require.Equal(t, 1, strings.Count(warnings, "ahead of the server's clock"), warnings)

			walker := p.servers[0].collectors["jobs"].(*jobsCollector).walker
			require.False(t, walker.state.Cursor.After(clockTestStart))

			// Said once: the next gather has nothing to clamp.
			gatherOnce(t, p)
			require.Equal(t, 1, strings.Count(clockWarnings(log), "ahead of the server's clock"))
		})
	}
}

// backup_status walks the jobs with its own cursor: the same clamp.
func TestClock_FutureBackupStatusCursorIsClamped(t *testing.T) {
	env := startSim(t, nbusim.Config{Start: clockTestStart})
	log := env.log
	future := clockTestStart.Add(72 * time.Hour)
	entry := fmt.Sprintf(`"backup_status":{"version":1,"walk":%s,"pairs":[]}`, walkerStateJSON(future, ""))
	p := newTestPlugin(t, on(env), collect("backup_status"), stateFile(writeClockState(t, env.server.URL, entry)), func(p *NetBackup) {
		p.JobOverlap = config.Duration(time.Hour)
	})
	defer p.releaseState()

	acc := gatherOnce(t, p)
	require.Empty(t, acc.Errors)
	require.NotEmpty(t, metricsNamed(acc, "netbackup_backup_status"))
	require.Contains(t, clockWarnings(log), "collector backup_status: the saved job cursor")
}

// The newest alert seen, saved ahead of the server's clock, would make no
// alert new until the clock caught up.
func TestClock_FutureNewestAlertIsClamped(t *testing.T) {
	fx := newHealthFixture("13.0", clockTestStart)
	alerts := &alertsFixture{}
	alerts.add("1", "ERROR", clockTestStart.Add(-time.Hour), alertISO)
	fx.handle("/manage/alerts", alerts.ServeHTTP)
	env := serveFixture(t, fx)
	log := env.log
	future := clockTestStart.AddDate(0, 1, 0)
	entry := fmt.Sprintf(`"alerts":{"newest":%q,"ids_at_newest":["x"]}`, future.Format(time.RFC3339))
	p := newTestPlugin(t, on(env), collect("alerts"), stateFile(writeClockState(t, env.server.URL, entry)), func(p *NetBackup) {
		p.AlertEvents = true
	})
	defer p.releaseState()

	gatherOnce(t, p)
	alerts.add("2", "ERROR", clockTestStart, alertISO) // created at the server's "now"
	acc := gatherOnce(t, p)
	require.Equal(t, []string{"2"}, alertEventIDs(acc), "a new alert is new again")
	require.Contains(t, clockWarnings(log), "collector alerts: the saved newest alert")
}
