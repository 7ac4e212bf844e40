package netbackup

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// The test scaffolding: testEnv is the server a test's plugin reads, and
// newTestPlugin, with options, is the one way to build that plugin.

// The credentials of every test server. They are long and distinctive so
// that the secret hygiene checks, which search logs, errors, metrics and
// the state file for them, cannot miss a copy.
const (
	testAPIKey   = "relkey-Z8q3Vt7PwN2mLx5cR4"
	testUser     = "reluser"
	testPassword = "relpass-Hk4u9Yb2QeW7"
)

// testEnv is a handler (the simulator, or a test's own fixture) on a
// loopback TLS server, the CA file that trusts it, and what the test looks
// at afterwards: the Authorization values the server received, the log of
// the plugins built on it, a state file path.
type testEnv struct {
	t      testing.TB
	sim    *nbusim.Simulator // nil when a fixture serves
	server *httptest.Server
	caFile string
	auth   *authRecorder
	log    *testutil.CaptureLogger
	state  string
	// username and password, when the server wants a login instead of
	// testAPIKey.
	username, password string
}

// frontHandler stands in front of an environment's handler: it may
// misbehave on some paths and hand the rest to next.
type frontHandler func(env *testEnv, next http.Handler) http.Handler

// startSim starts a simulator behind TLS on 127.0.0.1; without
// credentials in cfg it wants testAPIKey. Each front, in order, wraps what
// stands behind it.
func startSim(t testing.TB, cfg nbusim.Config, fronts ...frontHandler) *testEnv {
	t.Helper()
	if cfg.APIKey == "" && cfg.Username == "" {
		cfg.APIKey = testAPIKey
	}
	sim, err := nbusim.New(cfg)
	require.NoError(t, err)
	env := newTestEnv(t)
	env.sim = sim
	env.username, env.password = cfg.Username, cfg.Password
	var handler http.Handler = sim
	for _, front := range fronts {
		handler = front(env, handler)
	}
	env.serve(handler)
	return env
}

// serveFixture serves a test's own handler behind TLS on 127.0.0.1.
func serveFixture(t testing.TB, handler http.Handler) *testEnv {
	t.Helper()
	env := newTestEnv(t)
	env.serve(handler)
	return env
}

func newTestEnv(t testing.TB) *testEnv {
	return &testEnv{
		t:     t,
		auth:  newAuthRecorder(),
		log:   &testutil.CaptureLogger{Name: "inputs.netbackup"},
		state: filepath.Join(t.TempDir(), "state.json"),
	}
}

func (env *testEnv) serve(handler http.Handler) {
	env.server = httptest.NewTLSServer(env.auth.wrap(handler))
	env.t.Cleanup(env.server.Close)
	env.caFile = pemFile(env.t, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: env.server.Certificate().Raw}))
}

// pemFile writes PEM text to a file of its own and returns its path.
func pemFile(t testing.TB, pemText []byte) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "ca-*.pem")
	require.NoError(t, err)
	_, err = f.Write(pemText)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	return f.Name()
}

// authRecorder remembers every distinct Authorization value a server
// received: the API key, and the JWTs the plugin was issued.
type authRecorder struct {
	mu     sync.Mutex
	values map[string]bool
}

func newAuthRecorder() *authRecorder {
	return &authRecorder{values: make(map[string]bool)}
}

func (r *authRecorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if v := req.Header.Get("Authorization"); v != "" {
			r.mu.Lock()
			r.values[v] = true
			r.mu.Unlock()
		}
		next.ServeHTTP(w, req)
	})
}

func (r *authRecorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.values))
	for v := range r.values {
		out = append(out, v)
	}
	return out
}

// pluginOption adjusts a test plugin before Init. Any func(*NetBackup)
// is one, for whatever no named option covers.
type pluginOption func(*NetBackup)

// newTestPlugin builds and initialises a plugin with a quiet logger and
// retries short enough for failure tests (one retry, waits of a
// millisecond or two); the options, in order, adjust it before Init. If
// they set no credential, the plugin uses testAPIKey.
func newTestPlugin(t testing.TB, opts ...pluginOption) *NetBackup {
	t.Helper()
	p := New()
	p.Log = testutil.Logger{Quiet: true}
	p.RetryCount = 1
	p.RetryWaitTime = config.Duration(time.Millisecond)
	p.RetryMaxWaitTime = config.Duration(2 * time.Millisecond)
	for _, opt := range opts {
		opt(p)
	}
	if p.APIKey.Empty() && p.Username.Empty() {
		p.APIKey = config.NewSecret([]byte(testAPIKey))
	}
	require.NoError(t, p.Init())
	return p
}

// on points the plugin at env, with env's credentials and CA, logging
// into env.log.
func on(env *testEnv) pluginOption {
	return func(p *NetBackup) {
		p.Servers = []string{env.server.URL}
		p.TLSCA = env.caFile
		p.Log = env.log
		if env.username != "" {
			p.Username = config.NewSecret([]byte(env.username))
			p.Password = config.NewSecret([]byte(env.password))
		}
	}
}

// collect sets the collectors to run.
func collect(names ...string) pluginOption {
	return func(p *NetBackup) { p.Collect = names }
}

// stateFile sets state_file.
func stateFile(path string) pluginOption {
	return func(p *NetBackup) { p.StateFile = path }
}

// logTo replaces the plugin's logger.
func logTo(log telegraf.Logger) pluginOption {
	return func(p *NetBackup) { p.Log = log }
}

// gatherOnce runs one gather and returns what it produced.
func gatherOnce(t testing.TB, p *NetBackup) *testutil.Accumulator {
	t.Helper()
	var acc testutil.Accumulator
	require.NoError(t, p.GatherContext(t.Context(), &acc))
	return &acc
}

// gatherAndCommit runs one gather and commits the state, as the binary
// does.
func gatherAndCommit(t testing.TB, p *NetBackup) *testutil.Accumulator {
	t.Helper()
	var acc testutil.Accumulator
	require.NoError(t, p.GatherContext(context.Background(), &acc))
	require.NoError(t, p.CommitState())
	return &acc
}
