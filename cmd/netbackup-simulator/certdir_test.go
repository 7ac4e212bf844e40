package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startRun runs the simulator with args until the test ends; it returns its
// base URL and what it printed.
func startRun(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	readyFile := filepath.Join(t.TempDir(), "ready")
	o, err := parseFlags(append([]string{"-listen", "127.0.0.1:0", "-ready-file", readyFile}, args...), io.Discard)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, out) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	var base string
	require.Eventually(t, func() bool {
		raw, err := os.ReadFile(readyFile)
		base = strings.TrimSpace(string(raw))
		return err == nil && base != ""
	}, 10*time.Second, 10*time.Millisecond)
	return base, out
}

func pingWith(t *testing.T, caFile, base string) error {
	t.Helper()
	pemBytes, err := os.ReadFile(caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(base + "/ping")
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// TestCertDir_SameCertificateAfterARestart: a tls_ca copied from the first
// run still verifies the second.
func TestCertDir_SameCertificateAfterARestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nbusim")
	copied := filepath.Join(t.TempDir(), "nbu-ca.pem")

	t.Run("first start creates it", func(t *testing.T) {
		base, out := startRun(t, "-cert-dir", dir)
		require.Contains(t, out.String(), "netbackup-simulator: TLS certificate "+filepath.Join(dir, "ca.pem")+" (created): set tls_ca to it\n")
		data, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(copied, data, 0o600))
		require.NoError(t, pingWith(t, copied, base))
		info, err := os.Stat(filepath.Join(dir, "key.pem"))
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	})
	t.Run("second start reuses it", func(t *testing.T) {
		base, out := startRun(t, "-cert-dir", dir)
		require.Contains(t, out.String(), "(reused)")
		require.NoError(t, pingWith(t, copied, base))
	})
	t.Run("without -cert-dir a new one is made", func(t *testing.T) {
		base, _ := startRun(t)
		require.ErrorContains(t, pingWith(t, copied, base), "certificate signed by unknown authority")
	})
}

func TestCertDir_ReplacesWhatCannotServe(t *testing.T) {
	now := time.Now()
	hosts := tlsHosts("nbu-primary")
	tests := []struct {
		name  string
		setup func(t *testing.T, d certDir)
	}{
		{"expires within a day", func(t *testing.T, d certDir) {
			_, _, _, err := d.loadOrCreate(hosts, now.AddDate(-1, 0, 0))
			require.NoError(t, err)
		}},
		{"another host name", func(t *testing.T, d certDir) {
			_, _, _, err := d.loadOrCreate(tlsHosts("other-primary"), now)
			require.NoError(t, err)
		}},
		{"key of another certificate", func(t *testing.T, d certDir) {
			_, _, _, err := d.loadOrCreate(hosts, now)
			require.NoError(t, err)
			other := certDir(t.TempDir())
			_, key, _, err := other.loadOrCreate(hosts, now)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(d.keyFile(), key, 0o600))
		}},
		{"garbage", func(t *testing.T, d certDir) {
			require.NoError(t, os.WriteFile(d.certFile(), []byte("{}"), 0o600))
			require.NoError(t, os.WriteFile(d.keyFile(), []byte("{}"), 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := certDir(t.TempDir())
			tt.setup(t, d)

			certPEM, keyPEM, created, err := d.loadOrCreate(hosts, now)

			require.NoError(t, err)
			require.True(t, created)
			_, err = tls.X509KeyPair(certPEM, keyPEM)
			require.NoError(t, err)
			_, _, created, err = d.loadOrCreate(hosts, now)
			require.NoError(t, err)
			require.False(t, created, "the new certificate is kept")
		})
	}
}
