package main

import (
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeNBU is an httptest TLS server that speaks just enough NetBackup: the
// unauthenticated GET /netbackup/ping; everything else is 404 with
// NetBackup's error envelope unless the test's handler says otherwise.
type fakeNBU struct {
	server *httptest.Server
	caFile string
}

func newFakeNBU(t *testing.T, other http.HandlerFunc) *fakeNBU {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/netbackup/ping" {
			w.Header().Set("X-NetBackup-API-Version", "13.0")
			w.Header().Set("Content-Type", "text/vnd.netbackup+plain;version=13.0")
			fmt.Fprint(w, time.Now().UnixMilli())
			return
		}
		if other != nil {
			other(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"errorCode":404,"errorMessage":"not found"}`)
	})
	server := httptest.NewTLSServer(mux)
	t.Cleanup(server.Close)

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw})
	require.NoError(t, os.WriteFile(caFile, pemBytes, 0o600))
	return &fakeNBU{server: server, caFile: caFile}
}

// closedPort returns an address on 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// pluginConfig writes a config for serverURL trusting caFile; extra lines
// are appended to the table. The API key comes from the environment.
func pluginConfig(t *testing.T, serverURL, caFile string, extra ...string) string {
	t.Helper()
	lines := []string{
		"[[inputs.netbackup]]",
		fmt.Sprintf("  servers = [%q]", serverURL),
		`  api_key = "${NBU_TEST_API_KEY}"`,
		fmt.Sprintf("  tls_ca = %q", caFile),
		`  collect = ["certificates"]`,
		`  retry_count = 1`,
		`  retry_wait_time = "10ms"`,
		`  retry_max_wait_time = "20ms"`,
	}
	lines = append(lines, extra...)
	return writeFile(t, strings.Join(lines, "\n")+"\n")
}
