package netbackup

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// Helpers of the reliability tests (fault matrix, chaos soak, secret
// hygiene). The credentials are long and distinctive so that a search for
// them in logs, errors, metrics and the state file cannot miss a copy.
const (
	relAPIKey   = "relkey-Z8q3Vt7PwN2mLx5cR4"
	relUser     = "reluser"
	relPassword = "relpass-Hk4u9Yb2QeW7"
)

// relEnv is one simulator behind a loopback TLS server (optionally behind a
// misbehaving front handler), the CA file the plugin trusts, and what the
// front saw.
type relEnv struct {
	t       testing.TB
	sim     *nbusim.Simulator
	server  *httptest.Server
	caFile  string
	auth    *relAuthRecorder
	log     *testutil.CaptureLogger
	state   string // state file path
	servers []string
}

// relAuthRecorder remembers every distinct Authorization value a server
// received: the API key, and the JWTs the plugin was issued.
type relAuthRecorder struct {
	mu     sync.Mutex
	values map[string]bool
}

func newRelAuthRecorder() *relAuthRecorder {
	return &relAuthRecorder{values: make(map[string]bool)}
}

func (r *relAuthRecorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if v := req.Header.Get("Authorization"); v != "" {
			r.mu.Lock()
			r.values[v] = true
			r.mu.Unlock()
		}
		next.ServeHTTP(w, req)
	})
}

func (r *relAuthRecorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.values))
	for v := range r.values {
		out = append(out, v)
	}
	return out
}

// relFront wraps the simulator: the returned handler may misbehave on some
// paths and delegate the rest to sim.
type relFront func(env *relEnv, sim http.Handler) http.Handler

// relStartSim starts a simulator with the reliability credentials behind a
// TLS server on 127.0.0.1.
func relStartSim(t testing.TB, cfg nbusim.Config, front relFront) *relEnv {
	t.Helper()
	if cfg.APIKey == "" && cfg.Username == "" {
		cfg.APIKey = relAPIKey
	}
	sim, err := nbusim.New(cfg)
	require.NoError(t, err)
	env := &relEnv{
		t:     t,
		sim:   sim,
		auth:  newRelAuthRecorder(),
		log:   &testutil.CaptureLogger{Name: "inputs.netbackup"},
		state: filepath.Join(t.TempDir(), "state.json"),
	}
	var handler http.Handler = sim
	if front != nil {
		handler = front(env, sim)
	}
	env.server = httptest.NewTLSServer(env.auth.wrap(handler))
	t.Cleanup(env.server.Close)
	env.caFile = relCAFile(t, env.server.Certificate().Raw)
	env.servers = []string{env.server.URL}
	return env
}

// relCAFile writes a DER certificate as a PEM file and returns its path.
func relCAFile(t testing.TB, der []byte) string {
	t.Helper()
	return relPEMFile(t, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func relPEMFile(t testing.TB, certPEM []byte) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "ca-*.pem")
	require.NoError(t, err)
	_, err = f.Write(certPEM)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	return f.Name()
}

// relPlugin builds an initialised plugin for env with short waits: retry
// waits of milliseconds, a 500 ms attempt timeout, a 5 s gather deadline.
func relPlugin(t testing.TB, env *relEnv, collect []string, tune func(*NetBackup)) *NetBackup {
	t.Helper()
	p := relNewPlugin(env, collect, tune)
	require.NoError(t, p.Init())
	return p
}

func relNewPlugin(env *relEnv, collect []string, tune func(*NetBackup)) *NetBackup {
	p := New()
	p.Servers = append([]string(nil), env.servers...)
	cfg := env.sim.Config()
	if cfg.Username != "" {
		p.Username = config.NewSecret([]byte(cfg.Username))
		p.Password = config.NewSecret([]byte(cfg.Password))
	} else {
		p.APIKey = config.NewSecret([]byte(relAPIKey))
	}
	p.Log = env.log
	p.TLSCA = env.caFile
	p.Collect = collect
	p.StateFile = env.state
	p.RetryWaitTime = config.Duration(time.Millisecond)
	p.RetryMaxWaitTime = config.Duration(20 * time.Millisecond)
	p.Timeout = config.Duration(500 * time.Millisecond)
	p.GatherTimeout = config.Duration(5 * time.Second)
	if tune != nil {
		tune(p)
	}
	return p
}

// relGather runs one gather and commits the state, as the binary does.
func relGather(t testing.TB, p *NetBackup) *testutil.Accumulator {
	t.Helper()
	var acc testutil.Accumulator
	require.NoError(t, p.GatherContext(context.Background(), &acc))
	require.NoError(t, p.CommitState())
	return &acc
}

// relErrorText joins every error a gather reported.
func relErrorText(acc *testutil.Accumulator) string {
	acc.Lock()
	defer acc.Unlock()
	texts := make([]string, 0, len(acc.Errors))
	for _, err := range acc.Errors {
		texts = append(texts, err.Error())
	}
	return strings.Join(texts, "\n")
}

func relErrors(acc *testutil.Accumulator) []error {
	acc.Lock()
	defer acc.Unlock()
	return append([]error(nil), acc.Errors...)
}

// relCount is the number of points of a measurement.
func relCount(acc *testutil.Accumulator, name string) int {
	n := 0
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() == name {
			n++
		}
	}
	return n
}

// relAPIPoints is netbackup_api per source.
func relAPIPoints(acc *testutil.Accumulator) map[string]telegraf.Metric {
	out := make(map[string]telegraf.Metric)
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() == "netbackup_api" {
			src, _ := m.GetTag("source")
			out[src] = m
		}
	}
	return out
}

func relField(t testing.TB, m telegraf.Metric, name string) int64 {
	t.Helper()
	v, ok := m.GetField(name)
	require.True(t, ok, "field %s missing in %s", name, m.Name())
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	}
	t.Fatalf("field %s is %T", name, v)
	return 0
}

// relTLSServer serves handler over TLS with the given certificate and TLS
// configuration (nil: TLS 1.2+) on 127.0.0.1.
func relTLSServer(t testing.TB, handler http.Handler, certPEM, keyPEM []byte, tune func(*tls.Config)) *httptest.Server {
	t.Helper()
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(handler)
	srv.TLS = nbusim.ServerTLSConfig(cert)
	// The refused handshakes of the TLS rows are on purpose: no log lines.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tune != nil {
		tune(srv.TLS)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// relListen listens on a loopback address, port chosen by the system.
func relListen(t testing.TB, host string) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	require.NoError(t, err, "listening on %s (a loopback address)", host)
	return l
}
