package netbackup

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

const (
	relMaxBodyOption  = 64 << 10
	relHangDelay      = 30 * time.Second // bounded server side; the client gives up first
	relBlackHoleHosts = 3
)

// Fault matrix, transport: connections reset, servers that hang or
// trickle, bodies cut off, too long or not JSON, a server that is down.
func relTransportRows() []relFaultRow {
	return []relFaultRow{
		relUnitsLost("connection reset, persistent", 3, "GET /storage/storage-units failed after 4 attempt(s)").
			withFaults(relUnitsFault(nbusim.Fault{Kind: nbusim.FaultReset})),
		// Go's transport replays a GET whose reused connection died
		// before any answer by itself: no retry of the client's own.
		relAllServed("connection reset once, then served", -1).
			withFaults(relUnitsFault(nbusim.Fault{Kind: nbusim.FaultReset, Count: 1})),
		// The timeout option bounds each attempt; another attempt
		// follows, and the error says it was the timeout.
		relUnitsLost("server accepts and never answers", 1, "GET /storage/storage-units", "timeout", "after 2 attempt(s)").
			withFaults(relUnitsFault(nbusim.Fault{Kind: nbusim.FaultHang, Delay: relHangDelay})).
			withTune(relOneRetry),
		relAllServed("slow answers within the timeout", 0).
			withFaults(nbusim.Fault{Kind: nbusim.FaultDelay, Delay: 50 * time.Millisecond}),
		relUnitsLost("one byte per second", 1, "GET /storage/storage-units", "timeout", "after 2 attempt(s)").
			withFront(relOnPath(storageUnitsPath, relOneBytePerSecond)).
			withTune(relOneRetry),
		relUnitsLost("body cut off mid-JSON, persistent", 3, "GET /storage/storage-units failed after 4 attempt(s)", "unexpected EOF").
			withFaults(relUnitsFault(nbusim.Fault{Kind: nbusim.FaultTruncate})),
		relUnitsLost("invalid JSON with status 200", 0,
			"invalid JSON from GET /storage/storage-units", "the body starts with", "Proxy Error").
			withFaults(relUnitsFault(nbusim.Fault{Kind: nbusim.FaultInvalidJSON})),
		relUnitsLost("HTML error page with status 200", 0,
			"invalid JSON from GET /storage/storage-units", "<html><head><title>502 Proxy Error").
			withFront(relOnPath(storageUnitsPath, relHTMLPage)),
		relUnitsLost("response larger than max_response_bytes: an endless body", 0,
			"GET /storage/storage-units: the response is larger than max_response_bytes (65536 bytes)", "raise the option max_response_bytes").
			withFront(relOnPath(storageUnitsPath, relEndlessBody)).
			withTune(func(_ testing.TB, _ *testEnv, p *NetBackup) { p.MaxResponseBytes = config.Size(relMaxBodyOption) }),
		{
			name:    "one of three servers down: the other two report fully",
			tune:    relThreeServers,
			up:      -1,
			errs:    []string{"server 127.0.0.3:", ": GET /ping"},
			retries: -1,
			failed:  1,
			check:   relCheckThreeServers,
		},
	}
}

// relOnPath answers requests for one path with misbehave, and the rest with
// the simulator.
func relOnPath(path string, misbehave http.HandlerFunc) frontHandler {
	return func(_ *testEnv, sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/netbackup"+path {
				misbehave(w, r)
				return
			}
			sim.ServeHTTP(w, r)
		})
	}
}

// relOneBytePerSecond starts a valid JSON answer and trickles it.
func relOneBytePerSecond(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// relHTMLPage is what a reverse proxy answers when the server behind it is
// down, with status 200.
func relHTMLPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte("<html><head><title>502 Proxy Error</title></head><body>The proxy server received an invalid response.</body></html>"))
}

// relEndlessBody never ends its JSON list: only max_response_bytes stops
// the client reading.
func relEndlessBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
	w.WriteHeader(http.StatusOK)
	item := []byte(`{"type":"storageUnit","id":"su","attributes":{"name":"su","freeCapacityBytes":1},"relationships":{}},`)
	chunk := []byte(`{"data":[`)
	for len(chunk) < 32<<10 {
		chunk = append(chunk, item...)
	}
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		chunk = chunk[:0]
		for len(chunk) < 32<<10 {
			chunk = append(chunk, item...)
		}
	}
}

// relThreeServers: the simulator on 127.0.0.1 and a second one on
// 127.0.0.2 report; 127.0.0.3 accepts connections and never answers. All
// three use one certificate for the three addresses.
func relThreeServers(t testing.TB, env *testEnv, p *NetBackup) {
	certPEM, keyPEM, err := nbusim.GenerateCertificate([]string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}, time.Now().Add(time.Hour))
	require.NoError(t, err)
	first := relTLSServer(t, env.auth.wrap(env.sim), certPEM, keyPEM, nil)

	second, err := nbusim.New(env.sim.Config())
	require.NoError(t, err)
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	srv2 := httptest.NewUnstartedServer(env.auth.wrap(second))
	srv2.Listener.Close()
	srv2.Listener = relListen(t, "127.0.0.2")
	srv2.TLS = nbusim.ServerTLSConfig(cert)
	srv2.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv2.StartTLS()
	t.Cleanup(srv2.Close)

	hole := relBlackHole(t, "127.0.0.3")
	p.Servers = []string{first.URL, srv2.URL, "https://" + hole}
	p.TLSCA = pemFile(t, certPEM)
	p.GatherTimeout = config.Duration(2 * time.Second)
}

func relCheckThreeServers(t testing.TB, run *relRun, _ *NetBackup, acc *testutil.Accumulator) {
	api := relAPIPoints(acc)
	require.Len(t, api, relBlackHoleHosts)
	for _, host := range []string{"127.0.0.1", "127.0.0.2"} {
		require.Equal(t, int64(1), relField(t, api[host], "up"), host)
		require.Zero(t, relField(t, api[host], "errors"), host)
	}
	require.Equal(t, int64(0), relField(t, api["127.0.0.3"], "up"))
	want := map[string]int{
		"netbackup_storage_unit":   len(run.env.sim.StorageUnitsData()),
		"netbackup_disk_pool":      len(run.env.sim.DiskPoolsData()),
		"netbackup_storage_server": len(run.env.sim.StorageServersData()),
	}
	for name, n := range want {
		perHost := make(map[string]int)
		for _, m := range metricsNamed(acc, name) {
			perHost[relSourceHost(m.Tags["source"])]++
		}
		require.Equal(t, map[string]int{"127.0.0.1": n, "127.0.0.2": n}, perHost, name)
	}
	require.Len(t, errorsOf(acc), 1, "only the server that is down reports an error")
}

// relListen listens on a loopback address, port chosen by the system.
func relListen(t testing.TB, host string) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	require.NoError(t, err, "listening on %s (a loopback address)", host)
	return l
}

// relBlackHole accepts TCP connections on host and never sends a byte; it
// returns host:port.
func relBlackHole(t testing.TB, host string) string {
	l := relListen(t, host)
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}
