//go:build e2e

package e2e

import (
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// TestEndToEnd runs the plugin the way a user does: a real Telegraf starts
// it through inputs.execd and writes to a real InfluxDB. Each scenario has
// its own simulator, Telegraf and database; the numbered subtests are the
// six checks of the e2e issue.
func TestEndToEnd(t *testing.T) {
	tl := prepareTools(t)
	db := startInfluxDB(t)

	t.Run("fault_free", func(t *testing.T) { testFaultFree(t, tl, db) })
	t.Run("plugin_killed", func(t *testing.T) { testPluginKilled(t, tl, db) })
	t.Run("faults", func(t *testing.T) { testFaults(t, tl, db) })
	t.Run("shutdown", func(t *testing.T) { testShutdown(t, tl, db) })
	t.Run("simulator_binary_live", func(t *testing.T) { testSimulatorBinaryLive(t, tl, db) })
	t.Run("telegraf_killed_disk_buffer", func(t *testing.T) { testTelegrafKilled(t, tl, "disk") })
	t.Run("telegraf_killed_memory_buffer", func(t *testing.T) { testTelegrafKilled(t, tl, "memory") })
	t.Run("dashboards_and_alerts", func(t *testing.T) { testDashboardsAndAlerts(t, tl, db) })
}

// testFaultFree: the simulator's clock moves in steps, jobs finish, and
// after the last step every check is made on what reached InfluxDB.
func testFaultFree(t *testing.T, tl tools, db *influxDB) {
	s := newScenario(t, tl, db, "fault_free")
	s.start(t)
	s.waitGathers(t, 1) // the first gather sees the clock at Start
	for range 3 {
		s.advanceClock(t, clockStep)
	}
	// The clock stands still from here: InfluxDB holds the final state.

	t.Run("1_measurements_tags_field_types", func(t *testing.T) {
		s.checkSchema(t)
	})
	t.Run("2_each_finished_job_once", func(t *testing.T) {
		requireSharedEndTimes(t, s)
		s.requireExactlyOnce(t)
	})
	t.Run("3_no_error_lines", func(t *testing.T) {
		lines := s.run.logs()
		require.Empty(t, logLinesWithLevel(lines, "E!", 0), "Telegraf logged errors in a fault-free run")
		if warnings := logLinesWithLevel(lines, "W!", 0); len(warnings) > 0 {
			t.Logf("warnings (not failures): %s", describe(warnings))
		}
		require.Empty(t, s.db.query(t, s.database, `SELECT "errors" FROM "netbackup_collector" WHERE "errors" > 0`),
			"a collector reported errors in a fault-free run")
	})
	t.Run("6_api_key_in_no_log_and_no_metric", func(t *testing.T) {
		s.requireNoSecret(t)
	})
	t.Run("7_plugin_readme_queries", func(t *testing.T) {
		s.checkReadmeQueries(t)
	})
	logShutdownErrors(t, s)
}

// logShutdownErrors stops Telegraf and shows the E! lines it logged while
// stopping. They are not failures: Telegraf v1.37's execd may log "read |0:
// file already closed" when the process ends (its reader races the closing
// of the pipe, see influxdata/telegraf#8102), which no plugin can prevent.
func logShutdownErrors(t *testing.T, s *scenario) {
	t.Helper()
	before := len(s.run.logs())
	s.run.stop(t)
	if errs := logLinesWithLevel(s.run.logs(), "E!", before); len(errs) > 0 {
		t.Logf("E! lines while Telegraf stopped (not failures): %s", describe(errs))
	}
}

// requireSharedEndTimes makes sure the window holds jobs that end in the
// same millisecond (multi-stream children), so that check 2 covers them.
func requireSharedEndTimes(t *testing.T, s *scenario) {
	t.Helper()
	byEnd := map[time.Time]int{}
	shared := 0
	for _, id := range s.finishedJobs() {
		job, ok := s.sim.Job(id)
		require.True(t, ok)
		byEnd[job.EndTime]++
		if byEnd[job.EndTime] == 2 {
			shared++
		}
	}
	require.Positive(t, shared, "no two finished jobs share an end time: the simulator data does not exercise collisions")
	t.Logf("%d end times are shared by several jobs", shared)
}

// testPluginKilled: SIGKILL the plugin mid-run; while it is down the clock
// jumps further than job_lookback, so only the state file can bridge the gap.
func testPluginKilled(t *testing.T, tl tools, db *influxDB) {
	s := newScenario(t, tl, db, "plugin_killed")
	s.start(t)
	s.waitGathers(t, 1)
	s.advanceClock(t, clockStep)

	telegrafPID := s.run.cmd.Process.Pid
	first := waitPluginPID(t, telegrafPID, tl.plugin)
	t.Cleanup(func() { killIfAlive(first) })
	require.NoError(t, syscall.Kill(first, syscall.SIGKILL))
	s.sim.Advance(jobLookback + clockStep) // before execd's restart_delay (1s) ends
	second := waitPluginPID(t, telegrafPID, tl.plugin, first)
	t.Cleanup(func() { killIfAlive(second) })
	s.waitGathers(t, 2)
	s.advanceClock(t, clockStep)

	t.Run("4_restart_keeps_each_job_once", func(t *testing.T) {
		require.True(t, strings.Contains(strings.Join(s.run.logs(), "\n"), "Restarting in"),
			"execd did not log a restart of the killed plugin")
		s.requireExactlyOnce(t)
	})
	s.run.stop(t)
}

// testFaults: a 503 with Retry-After that outlasts the retries on the jobs
// endpoint, and a 500 on another endpoint. The plugin reports both as its
// own E!/W! lines; nothing else is logged as an error, and once the faults
// clear no job is lost or repeated.
func testFaults(t *testing.T, tl tools, db *influxDB) {
	s := newScenario(t, tl, db, "faults")
	s.start(t)
	s.waitGathers(t, 1)
	before := len(s.run.logs())

	// Both faults stay until the plugin has reported each of them: the jobs
	// collector sends several requests at once, so a fault limited to a
	// count of requests could be absorbed by retries of different requests.
	s.sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs", Kind: "status", Status: 503, RetryAfter: "1"})
	s.sim.AddFault(nbusim.Fault{PathPrefix: "/storage/storage-units", Kind: "status", Status: 500})
	s.sim.Advance(clockStep)
	reported := func(pattern string) bool {
		re := regexp.MustCompile(pattern)
		lines := s.run.logs()
		for _, line := range append(logLinesWithLevel(lines, "E!", before), logLinesWithLevel(lines, "W!", before)...) {
			if re.MatchString(line) {
				return true
			}
		}
		return false
	}
	waitUntil(90*time.Second, func() bool { return reported(fault503) && reported(fault500) })
	s.sim.ClearFaults()
	s.waitGathers(t, 2)
	s.advanceClock(t, clockStep)
	end := len(s.run.logs())

	t.Run("3_errors_logged_as_plugin_errors", func(t *testing.T) {
		lines := s.run.logs()[:end]
		errs := logLinesWithLevel(lines, "E!", before)
		warns := logLinesWithLevel(lines, "W!", before)
		reported := append(append([]string{}, errs...), warns...)
		for _, pattern := range []string{fault503, fault500} {
			found := false
			for _, line := range reported {
				found = found || regexp.MustCompile(pattern).MatchString(line)
			}
			require.True(t, found, "no E!/W! line reports the injected fault (want %s); E!/W! lines: %s", pattern, describe(reported))
		}
		for _, line := range errs {
			require.Contains(t, line, "E! [inputs.execd::netbackup] ", "an error not logged by the plugin: %s", line)
			require.NotContains(t, line, "stderr:", "the plugin wrote a line without a level prefix: %s", line)
		}
		t.Logf("how the faults looked in Telegraf's log: %s", describe(reported))
	})
	t.Run("2_each_finished_job_once_after_faults", func(t *testing.T) {
		s.requireExactlyOnce(t)
	})
	s.run.stop(t)
}

// What the plugin must say about the injected faults: the status and the
// request it answered.
const (
	fault503 = `503.*/admin/jobs|/admin/jobs.*503`
	fault500 = `500.*/storage/storage-units|/storage/storage-units.*500`
)

// testShutdown: every request answers 503 with Retry-After: 60 and the
// plugin may wait that long; SIGTERM to Telegraf must still end the plugin
// within 5 seconds (execd closes its stdin; the plugin exits on EOF).
func testShutdown(t *testing.T, tl tools, db *influxDB) {
	s := newScenario(t, tl, db, "shutdown")
	s.plugin.RetryMaxWaitTime = 60 * time.Second
	s.start(t)
	s.waitGathers(t, 1)

	s.sim.AddFault(nbusim.Fault{Kind: "status", Status: 503, RetryAfter: "60"})
	require.Eventually(t, func() bool { return s.sim.FaultsFired()["status"] >= 1 }, 60*time.Second, 100*time.Millisecond,
		"the plugin sent no request after the fault was set")
	pid := waitPluginPID(t, s.run.cmd.Process.Pid, tl.plugin)
	t.Cleanup(func() { killIfAlive(pid) })

	t.Run("5_sigterm_ends_plugin_within_5s", func(t *testing.T) {
		require.True(t, processAlive(pid), "the plugin is not running before the stop")
		start := time.Now()
		require.NoError(t, s.run.cmd.Process.Signal(syscall.SIGTERM))
		gone := waitUntil(5*time.Second, func() bool { return !processAlive(pid) })
		took := time.Since(start)
		s.run.stop(t)
		require.True(t, gone, "the plugin (pid %d) still ran %s after Telegraf's SIGTERM, while waiting on Retry-After: 60; log tail:\n%s",
			pid, took.Round(time.Millisecond), tail(s.run.logs(), 20))
		t.Logf("the plugin ended %s after Telegraf's SIGTERM", took.Round(time.Millisecond))
	})
}
