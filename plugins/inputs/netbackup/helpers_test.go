package netbackup

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// Helpers every test file shares: what a gather produced, what the plugin
// logged, what the simulator was asked, and the fixtures under testdata/.

// metricsNamed returns the points of one measurement, in emission order.
func metricsNamed(acc *testutil.Accumulator, measurement string) []*testutil.Metric {
	acc.Lock()
	defer acc.Unlock()
	var out []*testutil.Metric
	for _, m := range acc.Metrics {
		if m.Measurement == measurement {
			out = append(out, m)
		}
	}
	return out
}

// errorsOf returns the errors a gather reported.
func errorsOf(acc *testutil.Accumulator) []error {
	acc.Lock()
	defer acc.Unlock()
	return append([]error(nil), acc.Errors...)
}

// errorText joins every error a gather reported, one a line.
func errorText(acc *testutil.Accumulator) string {
	errs := errorsOf(acc)
	texts := make([]string, 0, len(errs))
	for _, err := range errs {
		texts = append(texts, err.Error())
	}
	return strings.Join(texts, "\n")
}

// logLines returns the text of the messages of one level (testutil.LevelInfo,
// ...) a CaptureLogger received.
func logLines(log *testutil.CaptureLogger, level byte) []string {
	var lines []string
	for _, m := range log.Messages() {
		if m.Level == level {
			lines = append(lines, m.Text)
		}
	}
	return lines
}

// requestsTo returns the simulator's record of the requests for path.
func requestsTo(sim *nbusim.Simulator, path string) []nbusim.RequestRecord {
	var out []nbusim.RequestRecord
	for _, r := range sim.Requests() {
		if r.Path == "/netbackup"+path || r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// fixture reads a file under testdata/.
func fixture(t testing.TB, path ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, path...)...))
	require.NoError(t, err)
	return data
}

// fixtureItems decodes the data array of a vendor-shaped page under
// testdata/, which must not be empty.
func fixtureItems[A any](t testing.TB, path ...string) []nbuapi.Resource[A] {
	t.Helper()
	var page struct {
		Data []nbuapi.Resource[A] `json:"data"`
	}
	require.NoError(t, json.Unmarshal(fixture(t, path...), &page))
	require.NotEmpty(t, page.Data)
	return page.Data
}

// testPage is a collection page as the client decodes it: the items, and
// the pagination metadata (decoded too, so that benchmarks pay its cost).
type testPage[A any] struct {
	Data []nbuapi.Resource[A] `json:"data"`
	Meta struct {
		Pagination struct {
			Next json.RawMessage `json:"next"`
			Last *int64          `json:"last"`
		} `json:"pagination"`
	} `json:"meta"`
}
