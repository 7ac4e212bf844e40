package main

import (
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// simServer is the NetBackup simulator behind TLS on loopback.
type simServer struct {
	sim      *nbusim.Simulator
	url      string
	caFile   string
	requests atomic.Int64 // every request received, /ping included
}

// startSim serves the simulator with cfg (its credentials) and writes its
// certificate to a PEM file in dir (a new temporary directory when "").
func startSim(t *testing.T, cfg nbusim.Config, dir string) *simServer {
	t.Helper()
	sim, err := nbusim.New(cfg)
	require.NoError(t, err)
	s := &simServer{sim: sim}
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	s.url = ts.URL
	if dir == "" {
		dir = t.TempDir()
	}
	caFile, err := os.CreateTemp(dir, "ca-*.pem")
	require.NoError(t, err)
	require.NoError(t, pem.Encode(caFile, &pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}))
	require.NoError(t, caFile.Close())
	require.NoError(t, os.Chmod(caFile.Name(), 0o644))
	s.caFile = caFile.Name()
	return s
}

// simConfig is a plugin config for servers, trusting each server's CA; the
// credential lines and any other option come in extra.
func simConfig(t *testing.T, servers []*simServer, extra ...string) string {
	t.Helper()
	urls := make([]string, len(servers))
	cas := make([]string, len(servers))
	for i, s := range servers {
		urls[i] = fmt.Sprintf("%q", s.url)
		cas[i] = s.caFile
	}
	lines := append([]string{
		"[[inputs.netbackup]]",
		"  servers = [" + strings.Join(urls, ", ") + "]",
		fmt.Sprintf("  tls_ca = %q", bundle(t, cas)),
		`  retry_count = 1`,
		`  retry_wait_time = "10ms"`,
		`  retry_max_wait_time = "20ms"`,
	}, extra...)
	return strings.Join(lines, "\n") + "\n"
}

// bundle concatenates PEM files into one next to the first, for tls_ca.
func bundle(t *testing.T, files []string) string {
	t.Helper()
	if len(files) == 1 {
		return files[0]
	}
	var all []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		all = append(all, data...)
	}
	path := filepath.Join(filepath.Dir(files[0]), "bundle.pem")
	require.NoError(t, os.WriteFile(path, all, 0o644))
	return path
}
