package netbackup

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// serveTLS serves handler over TLS on loopback; it returns the server and a
// PEM file with its certificate, for tls_ca.
func serveTLS(t testing.TB, handler http.Handler) (*httptest.Server, string) {
	t.Helper()
	ts := httptest.NewTLSServer(handler)
	t.Cleanup(ts.Close)
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	require.NoError(t, os.WriteFile(caPath, block, 0o600))
	return ts, caPath
}

// startSimulator starts the simulator (API key "k") behind TLS.
func startSimulator(t testing.TB, cfg nbusim.Config) (*nbusim.Simulator, *httptest.Server, string) {
	t.Helper()
	cfg.APIKey = "k"
	sim, err := nbusim.New(cfg)
	require.NoError(t, err)
	ts, caPath := serveTLS(t, sim)
	return sim, ts, caPath
}

// newTestPlugin builds and initialises a plugin reading ts with the given
// collectors; retries are short so that failure tests stay quick. configure,
// when not nil, adjusts options before Init.
func newTestPlugin(t testing.TB, ts *httptest.Server, caPath string, log telegraf.Logger,
	configure func(*NetBackup), collectors ...string) *NetBackup {
	t.Helper()
	p := New()
	p.Servers = []string{ts.URL}
	p.APIKey = config.NewSecret([]byte("k"))
	p.Log = log
	p.TLSCA = caPath
	p.Collect = collectors
	p.RetryCount = 1
	p.RetryWaitTime = config.Duration(time.Millisecond)
	p.RetryMaxWaitTime = config.Duration(2 * time.Millisecond)
	if configure != nil {
		configure(p)
	}
	require.NoError(t, p.Init())
	return p
}

// gatherOnce runs one gather and returns what it produced.
func gatherOnce(t testing.TB, p *NetBackup) *testutil.Accumulator {
	t.Helper()
	var acc testutil.Accumulator
	require.NoError(t, p.GatherContext(t.Context(), &acc))
	return &acc
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
