package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// syncBuffer is an io.Writer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesTLSAndStops(t *testing.T) {
	dir := t.TempDir()
	caFile, readyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ready")
	o, err := parseFlags([]string{"-listen", "127.0.0.1:0", "-api-key", "k", "-jobs", "50",
		"-ca-file", caFile, "-ready-file", readyFile, "-release", "10.5",
		"-fault", "path=/storage,kind=status,status=503,retry_after=1,count=1"}, io.Discard)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, out) }()

	var base string
	require.Eventually(t, func() bool {
		raw, err := os.ReadFile(readyFile)
		base = strings.TrimSpace(string(raw))
		return err == nil && base != ""
	}, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { return out.String() != "" }, 10*time.Second, 10*time.Millisecond)
	require.Regexp(t, regexp.MustCompile(`^netbackup-simulator: serving NetBackup 10\.5 \(API 12\.0\) at https://127\.0\.0\.1:\d+/netbackup\n$`), out.String())
	require.True(t, strings.HasSuffix(out.String(), base+"\n"))

	pemBytes, err := os.ReadFile(caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	req, _ := http.NewRequest(http.MethodGet, base+"/admin/jobs?page%5Blimit%5D=1", nil)
	req.Header.Set("Authorization", "k")
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/vnd.netbackup+json;version=12.0", resp.Header.Get("Content-Type"))

	req, _ = http.NewRequest(http.MethodGet, base+"/storage/disk-pools", nil)
	req.Header.Set("Authorization", "k")
	resp, err = client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "the -fault flag is applied")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestTLS11OnlyIsRefusedByDefaultClients(t *testing.T) {
	o, err := parseFlags([]string{"-listen", "127.0.0.1:0", "-tls11-only", "-ready-file", filepath.Join(t.TempDir(), "r")}, io.Discard)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, io.Discard) }()
	var base string
	require.Eventually(t, func() bool {
		raw, err := os.ReadFile(o.readyFile)
		base = strings.TrimSpace(string(raw))
		return err == nil && base != ""
	}, 10*time.Second, 10*time.Millisecond)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the test checks the protocol version only
	_, err = client.Get(base + "/ping")
	require.Error(t, err)
	require.Contains(t, err.Error(), "protocol version")
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS11}}} //nolint:gosec // a legacy client
	resp, err := old.Get(base + "/ping")
	require.NoError(t, err, "a client allowing TLS 1.1 gets through")
	resp.Body.Close()
	require.Equal(t, uint16(tls.VersionTLS11), resp.TLS.Version)
	cancel()
	require.NoError(t, <-done)
}

func TestFlagsHelpAndErrors(t *testing.T) {
	var help bytes.Buffer
	_, err := parseFlags([]string{"-help"}, &help)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, flagName := range []string{"-listen", "-release", "-api-key", "-username", "-password", "-jobs", "-seed",
		"-storage-units", "-disk-pools", "-tls", "-ca-file", "-latency", "-live", "-job-rate", "-fault",
		"-tls11-only", "-no-rights", "-ready-file", "-cert-dir"} {
		require.Contains(t, help.String(), flagName)
	}
	_, err = parseFlags([]string{"-fault", "kind=nope"}, io.Discard)
	require.Error(t, err)
	o, err := parseFlags([]string{"-release", "9.9"}, io.Discard)
	require.NoError(t, err)
	require.Error(t, run(context.Background(), o, io.Discard), "unknown release")
}
