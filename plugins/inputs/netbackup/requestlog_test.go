package netbackup

import (
	"regexp"
	"strings"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// requestLine is the debug line the client writes per HTTP request.
var requestLine = regexp.MustCompile(`^server (\S+): (GET|POST) (/\S*)(\?.*)?: (\d{3}) .* in \S+ \(attempt \d+\)$`)

// With debug on, every request of a gather is one D! line through the
// plugin's logger, naming the server as the source tag does: as many lines
// as netbackup_api counts requests. No line holds the key.
func TestDebug_OneLinePerRequest(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	log := env.log
	p := newTestPlugin(t, on(env))
	acc := gatherOnce(t, p)
	require.Empty(t, acc.Errors)

	source := p.servers[0].source
	var lines []string
	for _, m := range log.Messages() {
		if m.Level == testutil.LevelDebug && requestLine.MatchString(m.Text) {
			lines = append(lines, m.Text)
			require.Equal(t, source, requestLine.FindStringSubmatch(m.Text)[1], m.Text)
		}
		require.NotContains(t, m.Text, "Authorization")
	}
	api := metricsNamed(acc, "netbackup_api")
	require.Len(t, api, 1)
	require.EqualValues(t, api[0].Fields["requests"], len(lines), "one D! line per request: %s", strings.Join(lines, "\n"))
	require.Contains(t, strings.Join(lines, "\n"), ": GET /ping: 200 OK")
	require.Contains(t, strings.Join(lines, "\n"), ": POST /admin/jobs-count-requests: 200 OK")
}

// A request retried after a 503 says so once per wait, at info level, and
// the gather that succeeds after the retries reports no error.
func TestRetry_InfoLinePerWaitAndNoErrorAfterSuccess(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	env.sim.AddFault(nbusim.Fault{PathPrefix: "/storage/storage-units", Kind: nbusim.FaultStatus, Status: 503, Count: 2})
	log := env.log
	p := newTestPlugin(t, on(env), collect("storage"), func(p *NetBackup) { p.RetryCount = 3 })
	acc := gatherOnce(t, p)

	require.Empty(t, acc.Errors, "the request succeeded on its third attempt")
	require.Empty(t, log.Errors())
	var retries []string
	for _, line := range log.Messages() {
		if line.Level == testutil.LevelInfo && strings.Contains(line.Text, "retrying in") {
			retries = append(retries, line.Text)
		}
	}
	require.Len(t, retries, 2, "one line per wait")
	require.Regexp(t, `^server \S+: GET /storage/storage-units: attempt 1 of 4 answered 503 Service Unavailable; retrying in \S+$`, retries[0])
	require.Contains(t, retries[1], "attempt 2 of 4 answered 503")
	require.NotEmpty(t, metricsNamed(acc, "netbackup_storage_unit"))
}
