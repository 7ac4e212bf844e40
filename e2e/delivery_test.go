//go:build e2e

package e2e

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Delivery beyond the plugin. The plugin saves its progress once a gather's
// metrics are on its stdout: from there Telegraf owns them. These scenarios
// take the output away (InfluxDB stopped), let several gathers with
// finished jobs pile up in Telegraf's buffer, kill Telegraf with SIGKILL,
// and start InfluxDB and Telegraf again:
//   - with the disk buffer of examples/telegraf.conf, every finished job
//     reaches InfluxDB exactly once;
//   - with the default memory buffer, the jobs Telegraf held are lost (what
//     the README says of it), and the plugin does not send them again.

// testTelegrafKilled runs the scenario with Telegraf's buffer strategy
// ("disk" as examples/telegraf.conf documents it, or "memory").
func testTelegrafKilled(t *testing.T, tl tools, strategy string) {
	db := startInfluxDB(t) // its own: the scenario stops it
	s := newScenario(t, tl, db, "telegraf_killed_"+strategy)
	if strategy == "disk" {
		s.telegraf.ExtraAgent = documentedDiskBuffer(t, tl.repoRoot, filepath.Join(s.dir, "buffer"))
	}
	s.start(t)
	s.waitGathers(t, 1)

	before := len(s.jobsInFile(t))
	db.stop(t)
	for range 3 { // finished jobs while the output is away
		s.sim.Advance(clockStep)
		s.waitGathersInFile(t, 2)
	}
	// The clock stands still from here: later gathers add no finished job,
	// so the moment of the kill cannot lose one in flight.
	buffered := len(s.jobsInFile(t)) - before
	require.Positive(t, buffered, "no finished job was emitted while InfluxDB was down: the scenario would prove nothing")

	plugin := waitPluginPID(t, s.run.cmd.Process.Pid, tl.plugin)
	t.Cleanup(func() { killIfAlive(plugin) })
	require.NoError(t, s.run.cmd.Process.Signal(syscall.SIGKILL))
	<-s.run.exited
	require.True(t, waitUntil(10*time.Second, func() bool { return !processAlive(plugin) }),
		"the plugin did not end after Telegraf was killed (its stdin closed)")

	db.start(t)
	restart := time.Now()
	s.run = startTelegraf(t, tl.telegraf, s.dir, s.telegraf)
	s.waitGathersSince(t, restart, 2) // buffered points are written before newer ones

	switch strategy {
	case "disk":
		t.Run("every_finished_job_once_after_telegraf_was_killed", func(t *testing.T) {
			s.requireExactlyOnce(t)
		})
	case "memory":
		t.Run("jobs_buffered_in_memory_are_lost", func(t *testing.T) {
			missing, _, _ := diffIDs(s.finishedJobs(), s.jobIDsInDB(t))
			require.NotEmpty(t, missing, "with the memory buffer, the jobs Telegraf held when it was killed should be lost")
			t.Logf("%d of the %d jobs emitted while InfluxDB was down were lost with Telegraf's memory buffer", len(missing), buffered)
		})
	}
	s.run.stop(t)
}

// documentedDiskBuffer returns the [agent] settings of the disk buffer that
// examples/telegraf.conf documents (commented out there), with the buffer
// directory moved to dir: the test runs what users are told to set.
func documentedDiskBuffer(t *testing.T, repoRoot, dir string) string {
	t.Helper()
	example := readRepoFile(t, repoRoot, "examples/telegraf.conf")
	block := regexp.MustCompile(`(?m)^# \[agent\]\n((?:#   \w+ = .*\n)+)`).FindStringSubmatch(example)
	require.NotNil(t, block, "examples/telegraf.conf documents no disk buffer (a commented [agent] block)")
	var lines []string
	for _, line := range strings.Split(strings.TrimSuffix(block[1], "\n"), "\n") {
		lines = append(lines, "  "+strings.TrimPrefix(line, "#   "))
	}
	agent := strings.Join(lines, "\n")
	require.Contains(t, agent, `buffer_strategy = "disk"`)
	directory := regexp.MustCompile(`(?m)^  buffer_directory = .*$`)
	require.Regexp(t, directory, agent)
	return directory.ReplaceAllString(agent, "  buffer_directory = "+strconv.Quote(dir))
}

// waitGathersInFile waits until n more gathers are in the outputs.file
// output, which keeps writing while InfluxDB is away.
func (s *scenario) waitGathersInFile(t *testing.T, n int) {
	t.Helper()
	target := s.countInFile(t, "netbackup_api,") + n
	ok := waitUntil(90*time.Second, func() bool { return !s.run.running() || s.countInFile(t, "netbackup_api,") >= target })
	require.True(t, s.run.running(), "Telegraf exited (%v); log tail:\n%s", s.run.waitErr, tail(s.run.logs(), 40))
	require.True(t, ok, "no new gather reached outputs.file within 90s; log tail:\n%s", tail(s.run.logs(), 40))
}

// countInFile counts the lines of outputs.file that start with prefix.
func (s *scenario) countInFile(t *testing.T, prefix string) int {
	t.Helper()
	n := 0
	for _, line := range s.fileLines(t) {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}

// jobsInFile is the job_id of every netbackup_job outputs.file received.
func (s *scenario) jobsInFile(t *testing.T) []string {
	t.Helper()
	id := regexp.MustCompile(`\bjob_id=(\d+)i\b`)
	var ids []string
	for _, line := range s.fileLines(t) {
		if m := id.FindStringSubmatch(line); m != nil && strings.HasPrefix(line, "netbackup_job,") {
			ids = append(ids, m[1])
		}
	}
	return ids
}

func (s *scenario) fileLines(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(s.run.outputFile)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	require.NoError(t, sc.Err())
	return lines
}

// waitGathersSince waits until n gathers made after since are in InfluxDB.
func (s *scenario) waitGathersSince(t *testing.T, since time.Time, n int64) {
	t.Helper()
	count := func() int64 {
		if !s.databaseExists(t) {
			return 0
		}
		series := s.db.query(t, s.database,
			`SELECT count("up") FROM "netbackup_api" WHERE time > '`+since.UTC().Format(time.RFC3339Nano)+`'`)
		if len(series) == 0 || len(series[0].Values) == 0 {
			return 0
		}
		got, err := series[0].Values[0][1].(interface{ Int64() (int64, error) }).Int64()
		require.NoError(t, err)
		return got
	}
	ok := waitUntil(90*time.Second, func() bool { return !s.run.running() || count() >= n })
	require.True(t, s.run.running(), "Telegraf exited (%v); log tail:\n%s", s.run.waitErr, tail(s.run.logs(), 40))
	require.True(t, ok, "no gather after the restart reached InfluxDB within 90s; log tail:\n%s", tail(s.run.logs(), 40))
}
