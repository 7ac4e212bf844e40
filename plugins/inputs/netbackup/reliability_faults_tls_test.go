package netbackup

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// Fault matrix, TLS and redirects: certificates the plugin must refuse, a
// server below TLS 1.2, and redirects that would carry the credential
// elsewhere or downgrade to plain http.
func relTLSRows() []relFaultRow {
	return []relFaultRow{
		relUnitsLost("redirect to another host: the credential does not follow", 0,
			"GET /storage/storage-units: 401 Unauthorized").
			withFront(relRedirectToOtherHost),
		{
			name:    "307 of POST /login to another host: refused, the password stays",
			sim:     relLoginSim,
			front:   relRedirectLoginToOtherHost,
			up:      1,
			errs:    []string{`login failed for user "reluser": POST /login: redirect refused`, "a login is never followed"},
			absent:  relStorageSet,
			retries: 0,
			failed:  -1,
		},
		relUnitsLost("redirect to plain http: refused", 0,
			"GET /storage/storage-units", "redirect refused: the server redirected to plain http://", "only https is followed").
			withFront(relRedirectToPlainHTTP),
		relRefusedRow("wrong CA", func(t testing.TB, _ *testEnv, p *NetBackup) {
			other, _, err := nbusim.GenerateCertificate([]string{"127.0.0.1"}, time.Now().Add(time.Hour))
			require.NoError(t, err)
			p.TLSCA = pemFile(t, other)
		}, "GET /ping: TLS connection refused", "check the server certificate, tls_ca", "certificate signed by unknown authority"),
		relRefusedRow("expired certificate",
			relServeWithCertificate([]string{"127.0.0.1"}, time.Now().Add(-time.Minute), nil),
			"GET /ping: TLS connection refused", "certificate has expired"),
		relRefusedRow("host name mismatch",
			relServeWithCertificate([]string{"nbu-other.example"}, time.Now().Add(time.Hour), nil),
			"GET /ping: TLS connection refused", "cannot validate certificate for 127.0.0.1"),
		relRefusedRow("TLS 1.1-only server",
			relServeWithCertificate([]string{"127.0.0.1"}, time.Now().Add(time.Hour), func(c *tls.Config) {
				c.MinVersion, c.MaxVersion = tls.VersionTLS11, tls.VersionTLS11
			}),
			"GET /ping: TLS connection refused", "TLS 1.2 or later", "protocol version"),
	}
}

// relRedirectToOtherHost sends storage units to a second simulator on
// another port, which records the Authorization headers it receives.
func relRedirectToOtherHost(env *testEnv, sim http.Handler) http.Handler {
	other := startSim(env.t, nbusim.Config{StorageUnits: 5})
	env.t.Cleanup(func() {
		require.NotZero(env.t, other.sim.RequestCount(), "the redirect was not followed")
		require.Empty(env.t, other.auth.seen(), "the credential followed the redirect to another host")
	})
	return relRedirect(storageUnitsPath, other.server.URL, sim)
}

// relRedirectLoginToOtherHost answers POST /login with a 307 to a second
// server, which must receive nothing: a 307 repeats the body, and the
// body holds the password.
func relRedirectLoginToOtherHost(env *testEnv, sim http.Handler) http.Handler {
	other := startSim(env.t, nbusim.Config{Username: testUser, Password: testPassword})
	env.t.Cleanup(func() {
		require.Zero(env.t, other.sim.RequestCount(), "the login was followed to another host")
	})
	return relRedirect("/login", other.server.URL, sim)
}

// relRedirectToPlainHTTP sends storage units to a plain-http server, which
// must never be asked.
func relRedirectToPlainHTTP(env *testEnv, sim http.Handler) http.Handler {
	var asked atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		asked.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	env.t.Cleanup(func() {
		plain.Close()
		require.Zero(env.t, asked.Load(), "the client followed a redirect to plain http")
	})
	return relRedirect(storageUnitsPath, plain.URL, sim)
}

func relRedirect(path, target string, sim http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/netbackup"+path {
			http.Redirect(w, r, target+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			return
		}
		sim.ServeHTTP(w, r)
	})
}

// relServeWithCertificate moves the plugin to a server with its own
// certificate (trusted as the CA) and TLS configuration.
func relServeWithCertificate(hosts []string, notAfter time.Time, tlsTune func(*tls.Config)) func(testing.TB, *testEnv, *NetBackup) {
	return func(t testing.TB, env *testEnv, p *NetBackup) {
		certPEM, keyPEM, err := nbusim.GenerateCertificate(hosts, notAfter)
		require.NoError(t, err)
		srv := relTLSServer(t, env.auth.wrap(env.sim), certPEM, keyPEM, tlsTune)
		p.Servers = []string{srv.URL}
		p.TLSCA = pemFile(t, certPEM)
	}
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
