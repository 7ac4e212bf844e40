// Package nbusim simulates the REST API of a Veritas NetBackup primary server
// (the monitoring subset), written from the vendor OpenAPI documents only.
//
// It serves a deterministic dataset derived from a seed: jobs are generated
// procedurally from (seed, jobId), so a million jobs cost no memory; resources
// (storage units, disk pools, ...) are small slices built once in New.
// See README.md in this directory for endpoints, faults and deviations.
package nbusim

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Config selects the release played, credentials, dataset size and behaviour.
type Config struct {
	Release       string        // NetBackup release played: "8.3","10.3","10.5","11.0"(default),"11.2"
	APIKey        string        // accepted raw in Authorization (also "Bearer <k>" and cookie Authorization=<k>)
	Username      string        // for POST /login (with Password); JWT issued
	Password      string        //
	TokenValidity time.Duration // JWT validity (default 24h)
	NoRights      bool          // key lacks rights: list endpoints answer 200 with empty data
	Seed          int64         // dataset seed (default 1)
	Jobs          int           // number of jobs existing at start (default 500)
	JobIDs        []JobIDRange  // how the jobs are numbered (default 1, 2, 3, ...; see JobIDRange)
	JobRate       float64       // new jobs per simulated second (default: Jobs per day, at least 1 per 10 minutes)
	StorageUnits  int           // default 12
	DiskPools     int           // default 4
	Drives        int           // default 8
	TapeMedia     int           // default 40
	MediaServers  int           // default 3
	Alerts        int           // default 60
	SLPImages     int           // default 150
	Anomalies     int           // anomalies detected before Start (default 18; more from 30 min after, every 6 h)
	MalwareScans  int           // malware scans completed before Start (default 60; more from 30 min after, every 2 h)
	Latency       time.Duration // added to every request (benchmarks)
	Live          bool          // real-time clock: jobs progress QUEUED->ACTIVE->DONE, new jobs arrive
	Start         time.Time     // simulated "now" at start (default: time.Now() truncated to ms)
	Hostname      string        // host name used in absolute links and in data (default "nbu-primary")
	// Healthy leaves out the problems the dataset shows on purpose (pools,
	// volumes, storage servers, drives and media servers down, daemons
	// stopped, failed jobs, old SLP backlog, job-failure alerts): a server
	// on which no alert should fire. See healthy.go.
	Healthy bool
}

// releaseAPIVersions maps a NetBackup release to the REST API version it serves.
var releaseAPIVersions = map[string]string{
	"8.3":  "4.0",
	"10.3": "10.0",
	"10.5": "12.0",
	"11.0": "13.0",
	"11.2": "14.0",
}

// Simulator is an http.Handler playing one NetBackup primary server.
type Simulator struct {
	cfg        Config
	apiVersion apiVersion
	realStart  time.Time // wall clock at New, for live mode
	startMs    int64     // cfg.Start in Unix milliseconds
	advancedNs atomic.Int64

	jobs *jobModel
	data *dataset

	absBase string // "https://<host>:1556/netbackup", for absolute links

	caOnce sync.Once
	caPEM  []byte

	jwtSecret []byte
	tokensMu  sync.Mutex
	revoked   map[string]bool // logged-out token ids

	faults     faultSet
	requests   requestLog
	routeTable []route

	// resMu lets a test change the resources while the simulator serves
	// (UpdateResources): requests read them under RLock.
	resMu sync.RWMutex
	// security is the posture GET /security/status reports (a copy of
	// securitySettings: SetSecuritySetting changes it).
	security []securitySetting
}

// New validates cfg, fills defaults and builds the dataset. It is cheap even
// for millions of jobs: jobs are computed on demand.
func New(cfg Config) (*Simulator, error) {
	if cfg.Release == "" {
		cfg.Release = "11.0"
	}
	v, ok := releaseAPIVersions[cfg.Release]
	if !ok {
		return nil, fmt.Errorf("nbusim: unsupported release %q (want 8.3, 10.3, 10.5, 11.0 or 11.2)", cfg.Release)
	}
	if cfg.Jobs < 0 {
		return nil, fmt.Errorf("nbusim: negative job count %d", cfg.Jobs)
	}
	if cfg.JobRate < 0 {
		return nil, fmt.Errorf("nbusim: negative job rate %v", cfg.JobRate)
	}
	setDefaults(&cfg)
	sim := &Simulator{
		cfg:        cfg,
		apiVersion: mustParseVersion(v),
		realStart:  time.Now(),
		startMs:    cfg.Start.UnixMilli(),
		revoked:    map[string]bool{},
		absBase:    "https://" + cfg.Hostname + ":1556" + basePath,
	}
	sim.jwtSecret = make([]byte, 32)
	if _, err := rand.Read(sim.jwtSecret); err != nil {
		return nil, fmt.Errorf("nbusim: jwt secret: %w", err)
	}
	sim.data = newDataset(cfg)
	sim.security = slices.Clone(securitySettings)
	sim.jobs = newJobModel(cfg, sim.startMs, sim.data)
	ids, err := newIDLayout(cfg.JobIDs)
	if err != nil {
		return nil, err
	}
	sim.jobs.ids = ids
	sim.faults.init(cfg.Seed)
	sim.requests.init(requestLogSize)
	sim.routeTable = sim.buildRoutes()
	return sim, nil
}

func setDefaults(cfg *Config) {
	if cfg.TokenValidity <= 0 {
		cfg.TokenValidity = 24 * time.Hour
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Jobs == 0 {
		cfg.Jobs = 500
	}
	if cfg.JobRate == 0 {
		cfg.JobRate = float64(cfg.Jobs) / 86400
		if cfg.JobRate < 1.0/600 {
			cfg.JobRate = 1.0 / 600
		}
	}
	defaultInt(&cfg.StorageUnits, 12)
	defaultInt(&cfg.DiskPools, 4)
	defaultInt(&cfg.Drives, 8)
	defaultInt(&cfg.TapeMedia, 40)
	defaultInt(&cfg.MediaServers, 3)
	defaultInt(&cfg.Alerts, 60)
	defaultInt(&cfg.SLPImages, 150)
	defaultInt(&cfg.Anomalies, 18)
	defaultInt(&cfg.MalwareScans, 60)
	if cfg.Start.IsZero() {
		cfg.Start = time.Now()
	}
	cfg.Start = cfg.Start.UTC().Truncate(time.Millisecond)
	if cfg.Hostname == "" {
		cfg.Hostname = "nbu-primary"
	}
}

func defaultInt(p *int, def int) {
	if *p <= 0 {
		*p = def
	}
}

// APIVersion is the API version of the release played, e.g. "13.0".
func (s *Simulator) APIVersion() string { return s.apiVersion.String() }

// Release is the NetBackup release played, e.g. "11.0".
func (s *Simulator) Release() string { return s.cfg.Release }

// Config returns the effective configuration (defaults filled in).
func (s *Simulator) Config() Config { return s.cfg }

// Now is the simulated time: Start, plus real elapsed time in live mode, plus
// every Advance.
func (s *Simulator) Now() time.Time { return time.UnixMilli(s.nowMs()).UTC() }

func (s *Simulator) nowMs() int64 {
	ns := s.advancedNs.Load()
	if s.cfg.Live {
		ns += int64(time.Since(s.realStart))
	}
	return s.startMs + ns/int64(time.Millisecond)
}

// Advance moves simulated time forward (in any mode). Negative d is ignored.
func (s *Simulator) Advance(d time.Duration) {
	if d > 0 {
		s.advancedNs.Add(int64(d))
	}
}

var _ http.Handler = (*Simulator)(nil)
