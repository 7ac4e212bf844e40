package nbusim

import (
	"fmt"
	"slices"
	"time"
)

// Changes while serving: a test that watches alerts breaks a healthy
// server piece by piece (a daemon stops, a pool fills up, a client's
// backups start failing) and sees what the plugin reports.

// Resources are the resource tables a test may change with
// UpdateResources. The values follow the vendor documents as the dataset
// does: change states and sizes, not the shape.
type Resources struct {
	StorageUnits   []StorageUnit
	DiskPools      []DiskPool
	StorageServers []StorageServer
	Drives         []Drive
	TapeMedia      []TapeMedia
	MediaServers   []MediaServer
	// Hosts carry their daemons (Services).
	Hosts     []Host
	SLPImages []SLPImage
	Alerts    []Alert
	// Anomalies (newest first) and ScanResults (malware scans, newest
	// first) are listed once the simulated clock reaches their time
	// (Anomaly.SetCreated, ScanResult.SetScanned); UpdateResources keeps
	// them in that order.
	Anomalies   []Anomaly
	ScanResults []ScanResult
	// LicenseScale multiplies every client's front-end capacity in
	// /licensing/capacity (1: as built).
	LicenseScale float64
}

// UpdateResources hands change a copy of the resource tables and serves
// what it leaves there from the next request on. Safe while serving.
func (s *Simulator) UpdateResources(change func(*Resources)) {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	d := s.data
	r := Resources{
		StorageUnits:   slices.Clone(d.storageUnits),
		DiskPools:      s.DiskPoolsData(),
		StorageServers: slices.Clone(d.storageServers),
		Drives:         cloneDrives(d.drives),
		TapeMedia:      slices.Clone(d.tapeMedia),
		MediaServers:   slices.Clone(d.mediaServerRes),
		Hosts:          cloneHosts(d.hosts),
		SLPImages:      cloneSLPImages(d.slpImages),
		Alerts:         slices.Clone(d.alerts),
		Anomalies:      slices.Clone(d.anomalies),
		ScanResults:    slices.Clone(d.scanResults),
		LicenseScale:   d.licenseScale,
	}
	if r.LicenseScale == 0 {
		r.LicenseScale = 1
	}
	change(&r)
	d.storageUnits, d.diskPools, d.storageServers = r.StorageUnits, r.DiskPools, r.StorageServers
	d.drives, d.tapeMedia, d.mediaServerRes = r.Drives, r.TapeMedia, r.MediaServers
	d.hosts, d.slpImages, d.alerts, d.licenseScale = r.Hosts, r.SLPImages, r.Alerts, r.LicenseScale
	d.anomalies, d.scanResults = r.Anomalies, r.ScanResults
	sortByMsDesc(d.anomalies, func(a Anomaly) int64 { return a.createdMs })
	sortByMsDesc(d.scanResults, func(s ScanResult) int64 { return s.scanMs })
	for _, fresh := range []*resourceList{
		d.storageUnitList(), d.diskPoolList(), d.storageServerList(), d.driveList(), d.tapeMediaList(),
		d.mediaServerList(), d.slpImageList(), d.alertList(), d.licensingList(s.cfg),
		d.anomalyList(), d.scanResultList(),
	} {
		// The routes hold the list objects: replace their items in place.
		d.lists[fresh.path].items = fresh.items
	}
	d.scanResultsV10.items = d.scanResultListV10().items
}

// clientFailure makes the jobs of one client that end from fromMs on fail.
type clientFailure struct {
	client string
	status int64
	fromMs int64
}

// FailClientJobs makes every job of client that ends from now on (on the
// simulated clock) finish with status, a NetBackup failure code such as 58
// (can't connect to client); jobs that ended before keep theirs, so the
// history stays what it was. The catalog backups' client is the server's
// own Hostname. A later call for the same client replaces the earlier one
// for the jobs ending after it. Safe while serving.
func (s *Simulator) FailClientJobs(client string, status int64) {
	m := s.jobs
	for {
		old := m.failures.Load()
		var next []clientFailure
		if old != nil {
			next = slices.Clone(*old)
		}
		next = append(next, clientFailure{client: client, status: status, fromMs: s.nowMs()})
		if m.failures.CompareAndSwap(old, &next) {
			return
		}
	}
}

// applyFailures gives a job the status of the latest FailClientJobs that
// covers it.
func (m *jobModel) applyFailures(p *jobPlan) {
	failures := m.failures.Load()
	if failures == nil {
		return
	}
	for _, f := range slices.Backward(*failures) {
		if f.client == p.client && p.endMs >= f.fromMs {
			p.finalStatus = f.status
			return
		}
	}
}

func cloneDrives(in []Drive) []Drive {
	out := slices.Clone(in)
	for i := range out {
		out[i].DevicePaths = slices.Clone(out[i].DevicePaths)
	}
	return out
}

func cloneHosts(in []Host) []Host {
	out := slices.Clone(in)
	for i := range out {
		out[i].Services = slices.Clone(out[i].Services)
	}
	return out
}

func cloneSLPImages(in []SLPImage) []SLPImage {
	out := slices.Clone(in)
	for i := range out {
		out[i].Copies = slices.Clone(out[i].Copies)
	}
	return out
}

// addedClient is a client a policy backs up from fromMs on.
type addedClient struct {
	policy, client string
	fromMs         int64
}

// AddClient adds client to policy from now on (simulated clock): the
// policy's jobs submitted from now on pick their client among the policy's
// clients and this one, as a client newly added to a policy starts to be
// backed up. Jobs submitted before keep theirs, so the history and the
// ground truth stay what they were. Safe while serving.
func (s *Simulator) AddClient(policy, client string) {
	m := s.jobs
	for {
		old := m.added.Load()
		var next []addedClient
		if old != nil {
			next = slices.Clone(*old)
		}
		next = append(next, addedClient{policy: policy, client: client, fromMs: s.nowMs()})
		if m.added.CompareAndSwap(old, &next) {
			return
		}
	}
}

// clientsOf are the clients of a policy for a job submitted at submitMs.
func (m *jobModel) clientsOf(p *policyDef, submitMs int64) []string {
	added := m.added.Load()
	if added == nil {
		return p.clients
	}
	clients := p.clients
	for _, a := range *added {
		if a.policy == p.name && submitMs >= a.fromMs {
			clients = append(slices.Clip(clients), a.client)
		}
	}
	return clients
}

// SetCreated sets when the anomaly was detected (it is listed once the
// simulated clock reaches it).
func (a *Anomaly) SetCreated(t time.Time) {
	a.createdMs = t.UnixMilli()
	a.CreatedDateTime = isoMs(t)
}

func (a *Anomaly) created() time.Time { return time.UnixMilli(a.createdMs) }

// SetScanned sets when the scan ended (it is listed once the simulated
// clock reaches it).
func (sr *ScanResult) SetScanned(t time.Time) {
	sr.scanMs = t.UnixMilli()
	sr.DateOfScan, sr.EndDateOfScan = isoMs(t), isoMs(t)
}

// SetSecuritySetting changes the current state of one security setting of
// GET /security/status (e.g. "mfaEnforced" false, "allowInsecureBackLevelHost"
// int64(1)); the risk scores follow. Safe while serving.
func (s *Simulator) SetSecuritySetting(name string, current any) error {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	for i := range s.security {
		if s.security[i].name == name {
			s.security[i].current = current
			return nil
		}
	}
	return fmt.Errorf("nbusim: no security setting %q", name)
}
