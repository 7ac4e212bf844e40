//go:build e2e

package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// readyLine is the simulator binary's "listening" line naming its base URL.
var readyLine = regexp.MustCompile(`https://127\.0\.0\.1:\d+/netbackup`)

// startSimulatorBinary runs bin/netbackup-simulator in live mode (the demo
// path) and returns its base URL and CA file.
func startSimulatorBinary(t *testing.T, bin, apiKey string) (url, caFile string) {
	t.Helper()
	caFile = filepath.Join(t.TempDir(), "nbu-ca.pem")
	url = runSimulatorBinary(t, bin, "-listen", "127.0.0.1:0", "-api-key", apiKey, "-live",
		"-jobs", "200", "-job-rate", "5", "-ca-file", caFile)
	_, err := os.Stat(caFile)
	require.NoError(t, err, "the simulator did not write -ca-file %s", caFile)
	return url, caFile
}

// runSimulatorBinary runs the simulator binary with args until the test
// ends and returns the base URL its ready line names.
func runSimulatorBinary(t *testing.T, bin string, args ...string) (url string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	logPath := filepath.Join(dir, "simulator.stderr")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	cmd.Stderr = logFile
	require.NoError(t, cmd.Start(), "starting %s", bin)
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logFile.Close()
	})

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := readyLine.FindString(sc.Text()); m != "" {
				found <- m
				break
			}
		}
		// Keep draining so the simulator never blocks on a full pipe.
		for sc.Scan() {
		}
	}()
	select {
	case url = <-found:
	case <-time.After(30 * time.Second):
		t.Fatalf("the simulator printed no ready line naming https://127.0.0.1:PORT/netbackup within 30s; stderr:\n%s", readFileOr(logPath))
	}
	return url
}

// testSimulatorBinaryLive: the demo path. The simulator binary runs in live
// mode (real-time clock, jobs arriving and finishing); Telegraf collects from
// it with no error line and finished jobs reach InfluxDB.
func testSimulatorBinaryLive(t *testing.T, tl tools, db *influxDB) {
	s := &scenario{tools: tl, db: db, apiKey: newAPIKey(t), database: "nbu_live_binary", dir: t.TempDir()}
	url, caFile := startSimulatorBinary(t, tl.simulator, s.apiKey)
	pluginConf := filepath.Join(s.dir, "netbackup.toml")
	s.plugin = pluginOptions{
		Server: url, CAFile: caFile, StateFile: filepath.Join(s.dir, "netbackup-state.json"),
		JobLookback: jobLookback, RetryWaitTime: time.Second, RetryMaxWaitTime: 5 * time.Second,
	}
	s.telegraf = telegrafOptions{
		Command:     []string{tl.plugin, "-config", pluginConf, "-poll_interval_disabled"},
		Environment: []string{"NETBACKUP_API_KEY=" + s.apiKey},
		InfluxURL:   db.URL,
		Database:    s.database,
	}
	s.start(t)
	s.waitGathers(t, 3)

	require.Positive(t, s.db.count(t, s.database, "netbackup_job", "job_id"), "no finished job reached InfluxDB from the live simulator")
	require.Empty(t, logLinesWithLevel(s.run.logs(), "E!", 0), "Telegraf logged errors against the live simulator binary")
	s.requireNoSecret(t)
	logShutdownErrors(t, s)
}
