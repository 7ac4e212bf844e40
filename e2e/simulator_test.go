//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// simServer is the simulator run in the test process, so the test can drive
// its clock, inject faults and read its record of finished jobs.
type simServer struct {
	*nbusim.Simulator
	URL    string // https://127.0.0.1:PORT
	CAFile string // PEM of the server's self-signed certificate
	Start  time.Time
}

// startSimulator serves a fresh simulator over TLS on loopback. Its clock
// stands still unless the test advances it, so the test knows exactly which
// jobs finished when.
func startSimulator(t *testing.T, apiKey string) *simServer {
	return startSimulatorWith(t, apiKey, func(*nbusim.Config) {})
}

// startSimulatorWith is startSimulator with the configuration adjusted.
func startSimulatorWith(t *testing.T, apiKey string, adjust func(*nbusim.Config)) *simServer {
	t.Helper()
	// A whole second: the plugin reads the server's clock, possibly from a
	// header with second precision, and the ground truth uses the same instant.
	start := time.Now().UTC().Truncate(time.Second)
	cfg := nbusim.Config{
		APIKey:  apiKey,
		Seed:    7,
		Jobs:    simJobs,
		JobRate: simJobRate,
		Start:   start,
	}
	adjust(&cfg)
	sim, err := nbusim.New(cfg)
	require.NoError(t, err)
	ts := httptest.NewUnstartedServer(sim)
	ts.StartTLS()
	t.Cleanup(ts.Close)

	caFile := filepath.Join(t.TempDir(), "nbu-ca.pem")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	require.NoError(t, os.WriteFile(caFile, caPEM, 0o600))
	return &simServer{Simulator: sim, URL: ts.URL, CAFile: caFile, Start: start}
}

// Dataset size and pace: a few hundred jobs of history, and enough new ones
// per simulated minute that every clock step finishes some of them.
const (
	simJobs     = 300
	simJobRate  = 0.05 // jobs per simulated second: 3 per minute
	clockStep   = 20 * time.Minute
	jobLookback = 2 * time.Hour
)

// newAPIKey returns a random key, long and unlike anything else in the logs.
func newAPIKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 24)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "nbuKey" + hex.EncodeToString(b)
}
