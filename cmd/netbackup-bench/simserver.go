package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/influxdata/telegraf/config"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

const benchAPIKey = "netbackup-bench-key"

// simStart is the simulated "now" of every scenario: fixed, so that runs
// see the same jobs.
var simStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// simServer is the simulator behind a loopback TLS server, and the CA file
// that makes the plugin trust it.
type simServer struct {
	sim    *nbusim.Simulator
	server *httptest.Server
	caFile string
	caPool *x509.CertPool
	dir    string
	// busy is the time the simulator spent in its handler, summed over the
	// requests (the injected latency included).
	busy atomic.Int64
}

func startSim(cfg nbusim.Config) (*simServer, error) {
	cfg.APIKey = benchAPIKey
	if cfg.Start.IsZero() {
		cfg.Start = simStart
	}
	if cfg.Seed == 0 {
		cfg.Seed = 11
	}
	sim, err := nbusim.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("simulator: %w", err)
	}
	dir, err := os.MkdirTemp("", "netbackup-bench-")
	if err != nil {
		return nil, err
	}
	s := &simServer{sim: sim, dir: dir}
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sim.ServeHTTP(w, r)
		s.busy.Add(int64(time.Since(start)))
	}))
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		ts.Close()
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	s.server, s.caFile, s.caPool = ts, caFile, pool
	return s, nil
}

// busyTime is the handler time summed over the requests so far.
func (s *simServer) busyTime() time.Duration { return time.Duration(s.busy.Load()) }

func (s *simServer) close() {
	s.server.Close()
	_ = os.RemoveAll(s.dir)
}

// tlsConfig is what a client trusting only the simulator uses.
func (s *simServer) tlsConfig() *tls.Config {
	return &tls.Config{RootCAs: s.caPool, MinVersion: tls.VersionTLS12}
}

// plugin is an initialised plugin reading the simulator with the given
// collectors, the way a user would configure it for a large domain.
func (s *simServer) plugin(collect []string, lookback time.Duration, concurrency int) (*netbackup.NetBackup, error) {
	p := netbackup.New()
	p.Servers = []string{s.server.URL}
	p.APIKey = config.NewSecret([]byte(benchAPIKey))
	p.TLSCA = s.caFile
	p.Collect = collect
	p.Log = quietLogger{}
	p.JobLookback = config.Duration(lookback)
	p.MaxJobsPerGather = 100_000_000 // a whole backfill in one gather
	p.MaxConcurrency = concurrency
	p.GatherTimeout = config.Duration(time.Hour)
	p.Timeout = config.Duration(time.Minute)
	p.RetryWaitTime = config.Duration(10 * time.Millisecond)
	p.RetryMaxWaitTime = config.Duration(100 * time.Millisecond)
	if err := p.Init(); err != nil {
		return nil, fmt.Errorf("plugin Init: %w", err)
	}
	return p, nil
}
