//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// influxDB is an influxd started by the test with a config of its own: a
// loopback port, data in a temporary directory, no reporting, no monitor.
// It can be stopped and started again on the same port and data.
type influxDB struct {
	URL string // http://127.0.0.1:PORT
	bin string
	cfg string
	log string

	cmd    *exec.Cmd
	exited chan struct{}
}

const influxdConfigTemplate = `reporting-disabled = true
bind-address = "127.0.0.1:%d"

[meta]
  dir = "%s/meta"

[data]
  dir = "%s/data"
  wal-dir = "%s/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:%d"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false
`

// startInfluxDB starts influxd and waits until /ping answers. It fails the
// test (never skips) when influxd is missing: the e2e run must not pass
// without a real database.
func startInfluxDB(t *testing.T) *influxDB {
	t.Helper()
	bin, err := exec.LookPath("influxd")
	require.NoError(t, err, "influxd (InfluxDB 1.x) is not installed: run scripts/install-influxdb.sh (make e2e does)")

	dir := t.TempDir()
	httpPort, rpcPort := freePort(t), freePort(t)
	conf := filepath.Join(dir, "influxdb.conf")
	require.NoError(t, os.WriteFile(conf,
		fmt.Appendf(nil, influxdConfigTemplate, rpcPort, dir, dir, dir, httpPort), 0o600))

	db := &influxDB{URL: fmt.Sprintf("http://127.0.0.1:%d", httpPort), bin: bin, cfg: conf, log: filepath.Join(dir, "influxd.log")}
	db.start(t)
	t.Cleanup(func() { db.stop(t) })
	return db
}

// start runs influxd (again) and waits until /ping answers.
func (db *influxDB) start(t *testing.T) {
	t.Helper()
	logFile, err := os.OpenFile(db.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	db.cmd = exec.Command(db.bin, "-config", db.cfg)
	db.cmd.Stdout, db.cmd.Stderr = logFile, logFile
	require.NoError(t, db.cmd.Start(), "starting influxd")
	exited := make(chan struct{})
	db.exited = exited
	go func(cmd *exec.Cmd) { _ = cmd.Wait(); logFile.Close(); close(exited) }(db.cmd)

	ok := waitUntil(30*time.Second, func() bool {
		select {
		case <-exited:
			return true
		default:
		}
		resp, err := http.Get(db.URL + "/ping")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusNoContent
	})
	select {
	case <-exited:
		t.Fatalf("influxd exited at start; its log:\n%s", readFileOr(db.log))
	default:
	}
	require.True(t, ok, "influxd did not answer /ping within 30s; its log:\n%s", readFileOr(db.log))
}

// stop ends influxd (SIGTERM, then SIGKILL after 15 s); a stopped one
// stays stopped.
func (db *influxDB) stop(t *testing.T) {
	t.Helper()
	select {
	case <-db.exited:
		return
	default:
	}
	_ = db.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-db.exited:
	case <-time.After(15 * time.Second):
		_ = db.cmd.Process.Kill()
		<-db.exited
	}
}

// influxSeries is one series of an InfluxQL answer.
type influxSeries struct {
	Name    string            `json:"name"`
	Tags    map[string]string `json:"tags"`
	Columns []string          `json:"columns"`
	Values  [][]any           `json:"values"`
}

// query runs one InfluxQL statement and returns its series.
func (db *influxDB) query(t *testing.T, database, q string) []influxSeries {
	t.Helper()
	body, err := db.queryRaw(database, q)
	require.NoError(t, err, "InfluxQL %q", q)
	var answer struct {
		Results []struct {
			Series []influxSeries `json:"series"`
			Error  string         `json:"error"`
		} `json:"results"`
		Error string `json:"error"`
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&answer), "decoding the answer to %q: %s", q, body)
	require.Empty(t, answer.Error, "InfluxQL %q", q)
	require.Len(t, answer.Results, 1, "InfluxQL %q: %s", q, body)
	require.Empty(t, answer.Results[0].Error, "InfluxQL %q", q)
	return answer.Results[0].Series
}

// queryRaw returns the JSON body of an InfluxQL answer as is.
func (db *influxDB) queryRaw(database, q string) (string, error) {
	form := url.Values{"q": {q}}
	if database != "" {
		form.Set("db", database)
	}
	resp, err := http.PostForm(db.URL+"/query", form)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	return string(data), nil
}

// count returns SELECT count(field) FROM measurement, 0 when there is none.
func (db *influxDB) count(t *testing.T, database, measurement, field string) int64 {
	t.Helper()
	series := db.query(t, database, fmt.Sprintf(`SELECT count(%q) FROM %q`, field, measurement))
	if len(series) == 0 || len(series[0].Values) == 0 {
		return 0
	}
	n, err := series[0].Values[0][1].(json.Number).Int64()
	require.NoError(t, err)
	return n
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitUntil polls cond every 100ms until it holds or the deadline passes.
func waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func readFileOr(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	return string(data)
}
