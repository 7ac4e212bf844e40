package netbackup

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

type certSeries struct{ kind, subject string }

func certsOf(acc *testutil.Accumulator) map[certSeries]map[string]interface{} {
	out := make(map[certSeries]map[string]interface{})
	for _, m := range metricsNamed(acc, "netbackup_certificate") {
		out[certSeries{m.Tags["kind"], m.Tags["subject"]}] = m.Fields
	}
	return out
}

// setCertClock fixes the clock the certificates collector measures with.
func setCertClock(t *testing.T, p *NetBackup, now time.Time) {
	t.Helper()
	c, ok := p.servers[0].collectors["certificates"].(*certificatesCollector)
	require.True(t, ok)
	c.now = func() time.Time { return now }
}

// The server's certificate comes from the handshake, the NetBackup CA from
// /security/cacert; the CA listed in two sections is reported once.
func TestCertificatesSimulator(t *testing.T) {
	caPEM, _, err := nbusim.GenerateCertificate([]string{"nbu-primary"}, time.Date(2044, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	env := startSim(t, nbusim.Config{})
	env.sim.SetCACertificate(caPEM)
	p := newTestPlugin(t, on(env), collect("certificates"))
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	setCertClock(t, p, now)
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))

	leaf := env.server.Certificate()
	caNotAfter := certInfosFromPEM("ca", string(caPEM))[0].notAfter
	require.Equal(t, map[certSeries]map[string]interface{}{
		{"web_ca", "NetBackup simulator"}: {
			"not_after": caNotAfter.Unix(), "expires_in_seconds": int64(caNotAfter.Sub(now) / time.Second), "issuer": "NetBackup simulator",
		},
		{"server", "O=Acme Co"}: {
			"not_after": leaf.NotAfter.Unix(), "expires_in_seconds": int64(leaf.NotAfter.Sub(now) / time.Second), "issuer": "O=Acme Co",
		},
	}, certsOf(acc))
	for _, m := range metricsNamed(acc, "netbackup_certificate") {
		require.Equal(t, testSource(env.server), m.Tags["source"])
		require.NotEmpty(t, m.Tags["serial"])
	}
}

// Without /security/cacert (404) the handshake certificate is still
// reported, and the absence is logged once; a failing cacert is an error
// but does not hide the server certificate.
func TestCertificatesCACertUnavailable(t *testing.T) {
	fx := newHealthFixture("13.0", time.Now())
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("certificates"))
	for range 2 {
		acc := gatherOnce(t, p)
		require.Empty(t, errorsOf(acc))
		require.Len(t, certsOf(acc), 1)
		require.Contains(t, certsOf(acc), certSeries{"server", "O=Acme Co"})
	}
	require.Len(t, logLines(env.log, testutil.LevelInfo), 1)
	require.Contains(t, logLines(env.log, testutil.LevelInfo)[0], "/security/cacert")

	fx.handle("/security/cacert", func(w http.ResponseWriter, _ *http.Request) {
		healthWriteError(w, http.StatusInternalServerError, 130, "system error occurred")
	})
	acc := gatherOnce(t, p)
	require.Len(t, errorsOf(acc), 1)
	require.Contains(t, certsOf(acc), certSeries{"server", "O=Acme Co"})
}

func TestCACertAnswerShapes(t *testing.T) {
	t.Run("details only", func(t *testing.T) {
		var a caCertAnswer
		require.NoError(t, json.Unmarshal(fixture(t, "health", "cacert_details_only.json"), &a))
		require.Equal(t, []certInfo{
			{kind: "web_ca", subject: "NetBackup Web Service CA", serial: "1234567890123", notAfter: time.Date(2044, 1, 1, 0, 0, 0, 0, time.UTC)},
			{kind: "ca", subject: "NetBackup CA", serial: "42", notAfter: time.Date(2043, 6, 30, 10, 0, 0, 0, time.UTC)},
			{kind: "ca", subject: "OU=no common name", notAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)},
		}, a.certInfos())
	})
	t.Run("older webRootCert and cacert", func(t *testing.T) {
		notAfter := time.Date(2040, 5, 5, 5, 5, 5, 0, time.UTC)
		pemText, _, err := nbusim.GenerateCertificate([]string{"nbu-primary"}, notAfter)
		require.NoError(t, err)
		body, err := json.Marshal(map[string]any{"webRootCert": string(pemText), "cacert": []string{string(pemText) + string(pemText)}})
		require.NoError(t, err)
		var a caCertAnswer
		require.NoError(t, json.Unmarshal(body, &a))
		infos := a.certInfos()
		require.Len(t, infos, 3)
		require.Equal(t, "web_ca", infos[0].kind)
		require.Equal(t, "ca", infos[1].kind)
		for _, ci := range infos {
			require.Equal(t, "NetBackup simulator", ci.subject)
			require.True(t, notAfter.Equal(ci.notAfter))
		}
	})
	t.Run("garbage PEM", func(t *testing.T) {
		require.Empty(t, certInfosFromPEM("ca", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	})
}
