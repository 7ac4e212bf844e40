package netbackup_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/plugins/serializers/influx"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// simulatorFile is the name of a case's recording setup.
const simulatorFile = "simulator.json"

// goldenStart is the simulated clock of every recording unless the case
// sets another: a fixed clock makes the recording reproducible.
var goldenStart = time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)

// simulatorSettings is a case's simulator.json: the simulator set up for
// the recording (zero values take nbusim's defaults; keep the data small).
type simulatorSettings struct {
	Release      string    `json:"release,omitempty"`
	Seed         int64     `json:"seed,omitempty"`
	Start        time.Time `json:"start,omitzero"`
	Jobs         int       `json:"jobs,omitempty"`
	JobRate      float64   `json:"job_rate,omitempty"`
	StorageUnits int       `json:"storage_units,omitempty"`
	DiskPools    int       `json:"disk_pools,omitempty"`
	Drives       int       `json:"drives,omitempty"`
	TapeMedia    int       `json:"tape_media,omitempty"`
	MediaServers int       `json:"media_servers,omitempty"`
	Alerts       int       `json:"alerts,omitempty"`
	SLPImages    int       `json:"slp_images,omitempty"`
	Anomalies    int       `json:"anomalies,omitempty"`
	MalwareScans int       `json:"malware_scans,omitempty"`
	NoRights     bool      `json:"no_rights,omitempty"`
}

func readSimulatorSettings(dir string) (simulatorSettings, error) {
	var s simulatorSettings
	data, err := os.ReadFile(filepath.Join(dir, simulatorFile))
	if err != nil {
		return s, fmt.Errorf("every case needs %s, the simulator setup it was recorded with: %w", simulatorFile, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("%s: %w", filepath.Join(dir, simulatorFile), err)
	}
	return s, nil
}

func (s simulatorSettings) config() nbusim.Config {
	start := s.Start
	if start.IsZero() {
		start = goldenStart
	}
	return nbusim.Config{
		Release:      s.Release,
		APIKey:       goldenAPIKey,
		NoRights:     s.NoRights,
		Seed:         s.Seed,
		Jobs:         s.Jobs,
		JobRate:      s.JobRate,
		StorageUnits: s.StorageUnits,
		DiskPools:    s.DiskPools,
		Drives:       s.Drives,
		TapeMedia:    s.TapeMedia,
		MediaServers: s.MediaServers,
		Alerts:       s.Alerts,
		SLPImages:    s.SLPImages,
		Anomalies:    s.Anomalies,
		MalwareScans: s.MalwareScans,
		Start:        start,
	}
}

// recordCase gathers once through a recorder in front of the simulator and
// writes what it saw: responses.json, expected.out and expected.err.
func recordCase(t *testing.T, dir string) {
	settings, err := readSimulatorSettings(dir)
	require.NoError(t, err)
	cfg := settings.config()
	sim, err := nbusim.New(cfg)
	require.NoError(t, err)
	sim.SetCACertificate(goldenCACertificate(t, cfg.Start))
	rec := &recorder{next: sim, byKey: make(map[string]exchange)}
	ts, caPath := serveGoldenTLS(t, rec)

	got := gatherCase(t, dir, ts, caPath)
	require.Empty(t, rec.problems, "the recording is not usable")

	exchanges := make([]exchange, 0, len(rec.byKey))
	for _, ex := range rec.byKey {
		exchanges = append(exchanges, ex)
	}
	require.NoError(t, writeExchanges(filepath.Join(dir, responsesFile), exchanges))
	require.NoError(t, writeExpectedOut(filepath.Join(dir, "expected.out"), got.metrics))
	errPath := filepath.Join(dir, "expected.err")
	if len(got.errors) == 0 {
		require.NoError(t, removeIfPresent(errPath))
	} else {
		errs := append([]string(nil), got.errors...)
		sort.Strings(errs)
		require.NoError(t, os.WriteFile(errPath, []byte(strings.Join(errs, "\n")+"\n"), 0o644))
	}
	for _, name := range []string{responsesFile, "expected.out", "expected.err"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		require.NoError(t, err)
		require.NotContains(t, string(data), goldenAPIKey, "%s holds the API key", name)
	}
}

func removeIfPresent(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// recorder passes every request to the simulator and keeps the exchange.
// The simulator's clock stands still, so a request asked twice must get
// the same answer; a different one makes the recording unusable.
type recorder struct {
	next http.Handler

	mu       sync.Mutex
	byKey    map[string]exchange
	problems []string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, body, err := incomingKey(r)
	if err != nil {
		rec.note(err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	answer := httptest.NewRecorder()
	rec.next.ServeHTTP(answer, r)

	query, _ := url.ParseQuery(r.URL.RawQuery) // incomingKey has parsed it already
	ex := exchange{Method: r.Method, Path: r.URL.Path, Body: body, Status: answer.Code, Header: map[string]string{}}
	for name, values := range query {
		if len(values) != 1 {
			rec.note(fmt.Sprintf("%s: query parameter %s given %d times", key, name, len(values)))
		}
		if ex.Query == nil {
			ex.Query = make(map[string]string, len(query))
		}
		ex.Query[name] = values[0]
	}
	for name := range answer.Header() {
		if !unrecordedHeaders[name] {
			ex.Header[name] = answer.Header().Get(name)
		}
	}
	if payload := answer.Body.Bytes(); strings.Contains(answer.Header().Get("Content-Type"), "json") && json.Valid(payload) {
		ex.Response = bytes.Clone(payload)
	} else {
		ex.ResponseText = string(payload)
	}
	rec.keep(key, ex)

	for name, values := range answer.Header() {
		w.Header()[name] = values
	}
	w.WriteHeader(answer.Code)
	_, _ = w.Write(answer.Body.Bytes())
}

func (rec *recorder) keep(key string, ex exchange) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if old, ok := rec.byKey[key]; ok && !reflect.DeepEqual(old, ex) {
		rec.problems = append(rec.problems, "two different answers to "+key)
		return
	}
	rec.byKey[key] = ex
}

func (rec *recorder) note(problem string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.problems = append(rec.problems, problem)
}

// writeExpectedOut writes the metrics as sorted line protocol; points
// stamped at gather time get no timestamp (see stampedByData), and the
// volatileFields are written as 0, so that recording twice gives the same
// file.
func writeExpectedOut(path string, metrics []telegraf.Metric) error {
	stamped := &influx.Serializer{SortFields: true}
	unstamped := &influx.Serializer{SortFields: true, OmitTimestamp: true}
	if err := stamped.Init(); err != nil {
		return err
	}
	if err := unstamped.Init(); err != nil {
		return err
	}
	lines := make([]string, 0, len(metrics))
	for _, m := range metrics {
		m = m.Copy()
		for _, name := range volatileFields {
			if v, ok := m.GetField(name); ok {
				m.AddField(name, reflect.Zero(reflect.TypeOf(v)).Interface())
			}
		}
		s := unstamped
		if stampedByData[m.Name()] {
			s = stamped
		}
		line, err := s.Serialize(m)
		if err != nil {
			return err
		}
		lines = append(lines, strings.TrimSuffix(string(line), "\n"))
	}
	sort.Strings(lines)
	header := "# Recorded from the simulator (go test -run TestGolden ./plugins/inputs/netbackup -update).\n" +
		"# Lines without a timestamp are stamped at gather time; fields that follow the local clock are\n" +
		"# written as 0 and not compared (see golden_test.go).\n"
	return os.WriteFile(path, []byte(header+strings.Join(lines, "\n")+"\n"), 0o644)
}

// goldenCACertificate is the NetBackup CA the simulator hands out at GET
// /security/cacert during a recording. It is built from fixed inputs (an
// Ed25519 key from a fixed seed signs deterministically), so that recording
// twice gives the same certificate; it never protects a connection.
func goldenCACertificate(t *testing.T, start time.Time) []byte {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(4_611_686_018_427_387),
		Subject:               pkix.Name{CommonName: "NetBackup CA", OrganizationalUnit: []string{"root@nbu-primary"}},
		NotBefore:             start.AddDate(-2, 0, 0),
		NotAfter:              start.AddDate(8, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
