package nbusim

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// attrsOf walks an offset- or cursor-paged list and returns every item's
// attributes.
func attrsOf(t *testing.T, sim *Simulator, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	q := url.Values{"page[limit]": {"100"}}
	for {
		p := decodePage(t, get(t, sim, path+"?"+q.Encode()))
		for _, d := range p.Data {
			out = append(out, d.Attributes)
		}
		next, ok := p.Meta.Pagination["next"]
		if !ok {
			return out
		}
		switch n := next.(type) {
		case float64:
			q.Set("page[offset]", strconv.FormatInt(int64(n), 10))
		case string:
			q.Set("page[after]", n)
		}
	}
}

// The healthy dataset shows none of the problems the default one shows
// on purpose, and keeps what is not a fault.
func TestHealthyServerShowsNoProblem(t *testing.T) {
	sim := newTestSim(t, Config{Healthy: true, Jobs: 3000, JobRate: 0.05})

	for _, dp := range attrsOf(t, sim, "/storage/disk-pools") {
		require.Equal(t, "UP", dp["diskPoolState"], dp["name"])
		for _, v := range dp["diskVolumes"].([]any) {
			require.Equal(t, "UP", v.(map[string]any)["state"])
		}
		require.Less(t, dp["usedCapacityBytes"].(float64)/dp["usableSizeBytes"].(float64)*100, dp["highWaterMark"].(float64))
	}
	for _, ss := range attrsOf(t, sim, "/storage/storage-servers") {
		require.Equal(t, "UP", ss["storageServerState"], ss["name"])
	}
	disabled := 0
	for _, dr := range attrsOf(t, sim, "/storage/drives") {
		require.NotEqual(t, "DRIVE_STATUS_DOWN", dr["driveStatus"])
		if dr["enabled"] == false {
			disabled++
		}
	}
	require.Positive(t, disabled, "a drive switched off is not a fault: one stays")
	for _, ms := range attrsOf(t, sim, "/config/media-servers") {
		require.Equal(t, true, ms["isMachineUp"])
		require.NotEqual(t, "OFFLINE", ms["status"].(map[string]any)["name"])
	}
	statuses := map[string]int{}
	for _, h := range sim.HostsData() {
		for _, s := range h.Services {
			statuses[s.Status]++
		}
	}
	require.Zero(t, statuses["STOPPED"])
	require.Equal(t, 1, statuses["DISABLED"], "one optional daemon stays switched off")
	for _, im := range attrsOf(t, sim, "/catalog/slp-images") {
		if im["slpImageState"] == "COMPLETE" {
			continue
		}
		bt, err := time.Parse(time.RFC3339, im["backupTime"].(string))
		require.NoError(t, err)
		require.Less(t, testStart.Sub(bt), time.Hour, "SLP work pending for more than an hour")
	}
	require.Empty(t, attrsOf(t, sim, "/manage/alerts"))

	// No anomaly waits for review and no scan finds malware, now or later.
	sim.Advance(24 * time.Hour)
	anomalies := attrsOf(t, sim, "/security/anomalies")
	require.NotEmpty(t, anomalies, "the reviewed anomalies stay listed")
	for _, a := range anomalies {
		require.NotEqual(t, "NOT_REVIEWED", a["anomalyStatus"])
	}
	scans := attrsOf(t, sim, "/malware/latest-scan-results")
	require.NotEmpty(t, scans)
	for _, sr := range scans {
		require.NotEqual(t, "IMPACTED", sr["scanResult"])
	}

	ids := sim.FinishedJobIDs(testStart.Add(-48*time.Hour), testStart)
	require.Greater(t, len(ids), 2000)
	catalogs := 0
	for _, id := range ids {
		job, ok := sim.Job(id)
		require.True(t, ok)
		require.LessOrEqual(t, job.Status, int64(1), "job %d failed on a healthy server", id)
		if job.PolicyType == "NBU-Catalog" {
			catalogs++
		}
	}
	require.Positive(t, catalogs)
}

// A change made while the simulator serves shows from the next request on,
// and no request sees half of it (run with -race).
func TestUpdateResourcesWhileServing(t *testing.T) {
	sim := newTestSim(t, Config{Healthy: true})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, path := range []string{"/storage/disk-pools", "/config/hosts", "/licensing/capacity", "/security/cacert"} {
					rec := get(t, sim, path)
					if rec.Code != http.StatusOK {
						t.Errorf("%s answered %d", path, rec.Code)
						return
					}
				}
			}
		}()
	}
	before := decodePage(t, get(t, sim, "/licensing/capacity")).Data[0].Attributes["masterConsumptionMB"].(float64)
	certPEM, _, err := GenerateCertificate([]string{"nbu-primary"}, time.Now().Add(72*time.Hour))
	require.NoError(t, err)
	for range 20 {
		sim.UpdateResources(func(r *Resources) {
			r.DiskPools[0].DiskPoolState = "DOWN"
			r.Hosts[0].Services[0].Status = "STOPPED"
			r.LicenseScale = 3
		})
		sim.SetCACertificate(certPEM)
	}
	close(stop)
	wg.Wait()

	require.Equal(t, "DOWN", attrsOf(t, sim, "/storage/disk-pools")[0]["diskPoolState"])
	require.Equal(t, "DOWN", sim.DiskPoolsData()[0].DiskPoolState)
	require.Equal(t, "STOPPED", sim.HostsData()[0].Services[0].Status)
	services := decodePage(t, get(t, sim, "/admin/hosts/"+sim.HostsData()[0].UUID+"/services"))
	require.Equal(t, "STOPPED", services.Data[0].Attributes["status"])
	after := decodePage(t, get(t, sim, "/licensing/capacity")).Data[0].Attributes["masterConsumptionMB"].(float64)
	require.InDelta(t, 3*before, after, before*1e-9)

	var ca struct {
		Cacert []string `json:"cacert"`
	}
	require.NoError(t, json.Unmarshal(get(t, sim, "/security/cacert").Body.Bytes(), &ca))
	block, _ := pem.Decode([]byte(ca.Cacert[0]))
	require.NotNil(t, block)
	require.Equal(t, string(certPEM), ca.Cacert[0])
}

// FailClientJobs changes the jobs that end after the call, not the history:
// the ground truth (FinishedJobIDs, Job) and the jobs API agree on it.
func TestFailClientJobs(t *testing.T) {
	sim := newTestSim(t, Config{Healthy: true, Jobs: 3000, JobRate: 0.05})
	const client = "app01.example.com"
	history := map[int64]int64{}
	for _, id := range sim.FinishedJobIDs(testStart.Add(-24*time.Hour), testStart) {
		job, _ := sim.Job(id)
		history[id] = job.Status
	}
	sim.FailClientJobs(client, 58)
	sim.Advance(12 * time.Hour)

	for id, status := range history {
		job, _ := sim.Job(id)
		require.Equal(t, status, job.Status, "job %d ended before the change", id)
	}
	failed, others := 0, 0
	for _, id := range sim.FinishedJobIDs(testStart, sim.Now()) {
		job, _ := sim.Job(id)
		if job.ClientName == client {
			require.Equal(t, int64(58), job.Status, "job %d", id)
			failed++
			var served struct {
				Data struct {
					Attributes map[string]any `json:"attributes"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal(get(t, sim, "/admin/jobs/"+strconv.FormatInt(id, 10)).Body.Bytes(), &served))
			require.Equal(t, float64(58), served.Data.Attributes["status"])
		} else {
			require.LessOrEqual(t, job.Status, int64(1))
			others++
		}
	}
	require.Positive(t, failed, "the client should have run jobs in 12 hours")
	require.Positive(t, others)
}

// AddClient gives a policy a new client for the jobs submitted after the
// call; earlier jobs keep their clients.
func TestAddClient(t *testing.T) {
	sim := newTestSim(t, Config{Healthy: true, Jobs: 3000, JobRate: 0.05})
	const policy, client = "prod-linux-01", "new-client.example.com"
	history := map[int64]string{}
	for id := int64(1); id <= sim.JobCount(); id++ {
		job, _ := sim.Job(id)
		history[id] = job.ClientName
	}
	sim.AddClient(policy, client)
	sim.FailClientJobs(client, 58)
	sim.Advance(24 * time.Hour)

	for id, name := range history {
		job, _ := sim.Job(id)
		require.Equal(t, name, job.ClientName, "job %d was submitted before the client was added", id)
	}
	jobs := 0
	for _, id := range sim.FinishedJobIDs(testStart, sim.Now()) {
		job, _ := sim.Job(id)
		if job.ClientName == client {
			require.Equal(t, policy, job.PolicyName)
			require.Equal(t, int64(58), job.Status)
			require.Greater(t, id, int64(len(history)))
			jobs++
		}
	}
	require.Positive(t, jobs, "the new client should have run jobs in 24 hours")
}

// A new anomaly, an infected backup and a weaker security posture, added
// while serving, are listed from then on.
func TestSignalsChangedWhileServing(t *testing.T) {
	sim := newTestSim(t, Config{Healthy: true})
	risk := func() float64 {
		var body struct {
			Data struct {
				Attributes struct {
					PlatformRiskScore float64 `json:"platformRiskScore"`
				} `json:"attributes"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(get(t, sim, "/security/status").Body.Bytes(), &body))
		return body.Data.Attributes.PlatformRiskScore
	}
	before := risk()
	require.NoError(t, sim.SetSecuritySetting("allowInsecureBackLevelHost", int64(1)))
	require.NoError(t, sim.SetSecuritySetting("isImmutableBackupStorageConfigured", false))
	require.Greater(t, risk(), before)
	require.Error(t, sim.SetSecuritySetting("noSuchSetting", true))

	now := sim.Now()
	sim.UpdateResources(func(r *Resources) {
		a := r.Anomalies[len(r.Anomalies)-1]
		a.ID, a.AnomalyStatus = "9999", "NOT_REVIEWED"
		a.SetCreated(now)
		r.Anomalies = append(r.Anomalies, a)
		sr := r.ScanResults[len(r.ScanResults)-1]
		sr.ID, sr.ScanResult, sr.NumberOfFilesImpacted = "99999", "IMPACTED", 3
		sr.SetScanned(now)
		r.ScanResults = append(r.ScanResults, sr)
	})
	anomalies := decodePage(t, get(t, sim, "/security/anomalies?page[limit]=1"))
	require.Equal(t, "9999", anomalies.Data[0].ID, "the new anomaly comes first (newest first)")
	require.Equal(t, "NOT_REVIEWED", anomalies.Data[0].Attributes["anomalyStatus"])
	scans := decodePage(t, get(t, sim, "/malware/latest-scan-results?page[limit]=1"))
	require.Equal(t, "99999", scans.Data[0].ID)
	require.Equal(t, "IMPACTED", scans.Data[0].Attributes["scanResult"])
	v10 := decodePage(t, get(t, sim, "/malware/latest-scan-results?page[limit]=1", "Accept", "application/vnd.netbackup+json;version=10.0"))
	require.Equal(t, "99999", v10.Data[0].ID, "the API 10.0 representation lists it too")
}
