package netbackup

import (
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// storageFixture reads testdata/storage/<name>.
func storageFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "storage", name))
	require.NoError(t, err)
	return data
}

// storageFixtureItems decodes the data array of a vendor-shaped fixture page.
func storageFixtureItems[A any](t testing.TB, name string) []nbuapi.Resource[A] {
	t.Helper()
	var page struct {
		Data []nbuapi.Resource[A] `json:"data"`
	}
	require.NoError(t, json.Unmarshal(storageFixture(t, name), &page))
	require.NotEmpty(t, page.Data)
	return page.Data
}

// storageSeq yields items, then err if not nil: a stand-in for a paginated list.
func storageSeq[A any](items []nbuapi.Resource[A], err error) iter.Seq2[nbuapi.Resource[A], error] {
	return func(yield func(nbuapi.Resource[A], error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
		if err != nil {
			var zero nbuapi.Resource[A]
			yield(zero, err)
		}
	}
}

// storageInfoLines returns the I! messages a CaptureLogger received.
func storageInfoLines(log *testutil.CaptureLogger) []string {
	var lines []string
	for _, m := range log.Messages() {
		if m.Level == testutil.LevelInfo {
			lines = append(lines, m.Text)
		}
	}
	return lines
}

// storageMetrics returns the metrics of one measurement.
func storageMetrics(acc *testutil.Accumulator, measurement string) []telegraf.Metric {
	var out []telegraf.Metric
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() == measurement {
			out = append(out, m)
		}
	}
	return out
}

// storageRequestsTo returns the simulator's log of requests to path.
func storageRequestsTo(sim *nbusim.Simulator, path string) []nbusim.RequestRecord {
	var out []nbusim.RequestRecord
	for _, r := range sim.Requests() {
		if r.Path == "/netbackup"+path || r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// storageSimItem is one item of a simulator list, decoded into the
// simulator's own attribute types (not the plugin's): what the simulator
// holds, to compare with what the plugin emitted.
type storageSimItem[T any] struct {
	ID            string `json:"id"`
	Attributes    T      `json:"attributes"`
	Relationships struct {
		DiskPool struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"diskPool"`
	} `json:"relationships"`
}

// storageSimDataset reads a whole offset-paged list straight from the
// simulator's handler (no TLS, no plugin client): the dataset as the
// simulator has it. Stand-in for sim.StorageUnitsData()/DiskPoolsData(),
// which the simulator does not offer yet.
func storageSimDataset[T any](t testing.TB, sim *nbusim.Simulator, path string, limit int) []storageSimItem[T] {
	t.Helper()
	var all []storageSimItem[T]
	for offset := 0; ; offset += limit {
		req := httptest.NewRequest(http.MethodGet,
			fmt.Sprintf("https://sim/netbackup%s?page%%5Blimit%%5D=%d&page%%5Boffset%%5D=%d", path, limit, offset), nil)
		req.Header.Set("Authorization", "k")
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var page struct {
			Data []storageSimItem[T] `json:"data"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		all = append(all, page.Data...)
		if len(page.Data) < limit {
			return all
		}
	}
}

// storageBySeries maps each metric's series (measurement and tags) to its
// fields; a series present twice fails the test. Comparing maps is much
// faster than a sorted diff of thousands of metrics.
func storageBySeries(t testing.TB, metrics []telegraf.Metric) map[string]map[string]interface{} {
	t.Helper()
	out := make(map[string]map[string]interface{}, len(metrics))
	for _, m := range metrics {
		key := m.Name() + fmt.Sprint(m.Tags())
		_, dup := out[key]
		require.False(t, dup, "series %s reported twice", key)
		out[key] = m.Fields()
	}
	return out
}
