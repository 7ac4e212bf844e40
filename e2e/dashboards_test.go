//go:build e2e

package e2e

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/dashboards"
	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// testDashboardsAndAlerts: a healthy simulator read by a real Telegraf that
// writes to a real InfluxDB and exposes outputs.prometheus_client (the
// committed example stanza), scraped by a real Prometheus with the
// committed alert rules. While the server is healthy no alert fires; then
// every condition is broken at once and every alert rule must fire; every
// dashboard query of both languages must return data from the real
// engines; then the server stops answering and NetBackupServerDown fires;
// last, Telegraf stops and NetBackupMetricsMissing fires.
func testDashboardsAndAlerts(t *testing.T, tl tools, db *influxDB) {
	// A day of history at 3 jobs a minute: catalog backups (every 6 h) are
	// in the job database from the start.
	s := newScenarioWith(t, tl, db, "dashboards", func(c *nbusim.Config) {
		c.Healthy = os.Getenv(breakEnv) != "dirty_sim"
		c.Jobs = 4500
	})
	promPort := freePort(t)
	s.telegraf.ExtraOutput = prometheusOutput(t, tl.repoRoot, promPort)
	s.start(t)
	prom := startPrometheus(t, filepath.Join(tl.repoRoot, "examples", "prometheus", "netbackup-rules.yml"),
		fmt.Sprintf("127.0.0.1:%d", promPort))

	s.waitGathers(t, 1)
	for range 2 {
		s.advanceClock(t, clockStep)
	}
	waitPromSeries(t, prom, `netbackup_jobs_finished_total`, `netbackup_backup_status_last_success_time`,
		`netbackup_catalog_backup_seconds_since_success`, `netbackup_disk_pool_available_bytes`, `netbackup:licensed_capacity_bytes`)

	t.Run("healthy_server_no_alert", func(t *testing.T) {
		prom.waitEvaluatedAfter(t, time.Now())
		prom.waitEvaluatedAfter(t, time.Now())
		alerts := prom.alerts(t)
		require.Empty(t, alerts, "alerts on a healthy server: %s", describeAlerts(alerts))
		t.Logf("%d alert rules evaluated on the healthy server, none pending or firing", len(prom.alertNames(t)))
	})

	b := breakEverything(t, s, prom)
	source := map[string]string{"source": s.source()}
	t.Run("every_alert_fires", func(t *testing.T) {
		names := prom.alertNames(t)
		for name := range b.expect {
			require.Contains(t, names, name, "the test breaks a condition no rule watches")
		}
		for _, name := range names {
			if name != "NetBackupServerDown" && name != "NetBackupMetricsMissing" {
				require.Contains(t, b.expect, name, "rule %s: the test breaks nothing it watches", name)
			}
		}
		requireFiring(t, prom, b.expect, b.shrinkPool)
	})
	t.Run("every_influxql_query_returns_data", func(t *testing.T) {
		s.requireInfluxQueriesAnswer(t)
	})
	t.Run("every_promql_query_returns_data", func(t *testing.T) {
		requirePromQueriesAnswer(t, prom)
	})
	t.Run("server_down_fires", func(t *testing.T) {
		s.sim.AddFault(nbusim.Fault{PathPrefix: "/ping", Kind: nbusim.FaultStatus, Status: 503})
		requireFiring(t, prom, map[string]map[string]string{"NetBackupServerDown": source}, nil)
	})
	t.Run("metrics_missing_fires", func(t *testing.T) {
		s.run.stop(t)
		requireFiring(t, prom, map[string]map[string]string{"NetBackupMetricsMissing": source}, nil)
	})
	s.run.stop(t)
}

// source is the plugin's source tag for the simulator: its host and port.
func (s *scenario) source() string {
	u, err := url.Parse(s.sim.URL)
	if err != nil {
		panic(err)
	}
	return u.Host
}

// prometheusOutput is examples/prometheus/telegraf-output.conf listening on
// a loopback port of the test's.
func prometheusOutput(t *testing.T, repoRoot string, port int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "examples", "prometheus", "telegraf-output.conf"))
	require.NoError(t, err)
	listen := regexp.MustCompile(`(?m)^(\s*listen\s*=\s*)".*"`)
	require.True(t, listen.Match(data), "telegraf-output.conf has no listen line")
	return string(listen.ReplaceAll(data, []byte(fmt.Sprintf(`${1}"127.0.0.1:%d"`, port))))
}

// waitPromSeries waits until Prometheus holds each metric.
func waitPromSeries(t *testing.T, prom *promServer, metrics ...string) {
	t.Helper()
	for _, m := range metrics {
		ok := waitUntil(90*time.Second, func() bool {
			r, err := prom.query(m)
			return err == nil && len(r.Result) > 0
		})
		require.True(t, ok, "Prometheus has no %s after 90s; its log:\n%s", m, readFileOr(prom.log))
	}
}

// breaks holds what breakEverything changed and keeps changing, and the
// alerts that must fire: alert name -> labels it must carry (the object
// broken).
type breaks struct {
	sim        *simServer
	pool       string // the disk pool whose free space shrinks
	poolStep   int64
	lastShrink time.Time
	expect     map[string]map[string]string
}

// breakEverything breaks, on the running simulator, every condition an
// alert rule watches; the clock then jumps 27 hours, past the 26-hour
// windows of the client and catalog rules.
func breakEverything(t *testing.T, s *scenario, prom *promServer) *breaks {
	t.Helper()
	sim := s.sim
	failing, policy := clientWithBackups(t, sim)
	const newClient = "new-client.example.com"
	t.Logf("breaking: client %s fails with status 58; %s, new in policy %s, fails with status 96; catalog backups fail with status 2",
		failing, newClient, policy)
	sim.FailClientJobs(failing, 58)
	sim.AddClient(policy, newClient)
	sim.FailClientJobs(newClient, 96)
	sim.FailClientJobs(sim.Config().Hostname, 2)

	licenseScale := licenseScaleAbove(t, prom, 0.95)
	src := map[string]string{"source": s.source()}
	b := &breaks{sim: sim, expect: map[string]map[string]string{
		"NetBackupJobsFailed":                {"status": "58"},
		"NetBackupClientBackupOverdue":       {"client": failing},
		"NetBackupClientNeverBackedUp":       {"client": newClient, "policy_name": policy},
		"NetBackupCatalogBackupTooOld":       src,
		"NetBackupCollectorFailing":          {"collector": "tape"},
		"NetBackupLicenseCapacityNearlyUsed": src,
		"NetBackupSLPBacklogOld":             src,
	}}
	sim.UpdateResources(func(r *nbusim.Resources) {
		full := &r.DiskPools[0]
		full.AvailableSpaceBytes = full.UsableSizeBytes / 200
		full.UsedCapacityBytes = full.UsableSizeBytes - full.AvailableSpaceBytes
		b.pool = r.DiskPools[1].Name
		b.poolStep = r.DiskPools[1].AvailableSpaceBytes / 100
		r.StorageServers[len(r.StorageServers)-1].StorageServerState = "DOWN"
		r.MediaServers[0].Status = nbusim.MediaServerStatus{Name: "OFFLINE", ResourceBundleKey: "MEDIA_SERVER_STATUS_OFFLINE"}
		r.MediaServers[0].IsMachineUp = false
		r.Drives[0].DriveStatus, r.Drives[0].DriveControl = "DRIVE_STATUS_DOWN", "DRIVE_CONTROL_DOWN"
		r.Hosts[0].Services[0].Status = "STOPPED"
		for i := range r.SLPImages {
			if r.SLPImages[i].SLPImageState != "COMPLETE" {
				r.SLPImages[i].SetBackupTime(sim.Now().Add(-30 * time.Hour))
				break
			}
		}
		r.LicenseScale = licenseScale
		// A new anomaly, and malware in a client's newest backup.
		anomaly := r.Anomalies[0]
		anomaly.ID, anomaly.AnomalyStatus, anomaly.AnomalySeverity = "99999", "NOT_REVIEWED", "HIGH"
		anomaly.SetCreated(sim.Now())
		r.Anomalies = append(r.Anomalies, anomaly)
		scan := r.ScanResults[0]
		scan.ID, scan.ScanResult, scan.NumberOfFilesImpacted = "999999", "IMPACTED", 12
		scan.Result, scan.MalwareInfo = "Malware found in 12 files", "Win.Ransomware.Locky-9942175-0"
		scan.BackupTime = sim.Now().Add(-time.Hour).Unix()
		scan.SetScanned(sim.Now())
		r.ScanResults = append(r.ScanResults, scan)
		b.expect["NetBackupAnomalyDetected"] = map[string]string{"anomaly_severity": "HIGH"}
		b.expect["NetBackupInfectedBackup"] = src
		t.Logf("breaking: anomaly %s (HIGH) to review, malware in the newest backup of %s", anomaly.ID, scan.Client)
		b.expect["NetBackupDiskPoolAboveHighWatermark"] = map[string]string{"disk_pool": full.Name}
		b.expect["NetBackupDiskPoolFullSoon"] = map[string]string{"disk_pool": b.pool}
		b.expect["NetBackupStorageServerDown"] = map[string]string{"storage_server": r.StorageServers[len(r.StorageServers)-1].Name}
		b.expect["NetBackupMediaServerDown"] = map[string]string{"media_server": r.MediaServers[0].HostName}
		b.expect["NetBackupDriveDown"] = map[string]string{"drive": r.Drives[0].DriveName}
		b.expect["NetBackupServiceNotRunning"] = map[string]string{"service": r.Hosts[0].Services[0].ID, "host": r.Hosts[0].HostName}
		t.Logf("breaking: pool %s above its high watermark, pool %s shrinking, storage server %s down, media server %s offline, drive %s down, daemon %s stopped, SLP backlog 30 h old, licensed capacity x%.2f",
			full.Name, b.pool, r.StorageServers[len(r.StorageServers)-1].Name, r.MediaServers[0].HostName, r.Drives[0].DriveName,
			r.Hosts[0].Services[0].ID, licenseScale)
	})
	// A weaker security posture: about 67 of 100 instead of 39.5.
	for name, value := range map[string]any{
		"allowInsecureBackLevelHost": int64(1), "isImmutableBackupStorageConfigured": false,
		"malwareDetection": "NOT_CONFIGURED", "backupAnomalyDetection": int64(0),
	} {
		require.NoError(t, sim.SetSecuritySetting(name, value))
	}
	b.expect["NetBackupSecurityRiskHigh"] = src
	caPEM, _, err := nbusim.GenerateCertificate([]string{"127.0.0.1"}, time.Now().Add(10*24*time.Hour))
	require.NoError(t, err)
	sim.SetCACertificate(caPEM)
	block, _ := pem.Decode(caPEM)
	ca, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	b.expect["NetBackupCertificateExpiring"] = map[string]string{"serial": ca.SerialNumber.String()}
	// A collector failing: tape media answers 500 (the drives still report).
	sim.AddFault(nbusim.Fault{PathPrefix: "/storage/tape-media", Kind: nbusim.FaultStatus, Status: 500})
	s.advanceClock(t, 27*time.Hour)
	// NetBackupJobsFailed counts a new counter series whole only when the
	// server's counters were there an hour ago, which they never are for a
	// Prometheus minutes old: the status 58 counter must grow while
	// Prometheus watches it.
	waitPromSeries(t, prom, `netbackup_jobs_finished_total{status="58"}`)
	advanceUntilJobOf(t, s, failing, 58)
	return b
}

// advanceUntilJobOf moves the simulator's clock a step at a time until a
// job of client ends with status, then waits for a gather that saw it.
func advanceUntilJobOf(t *testing.T, s *scenario, client string, status int64) {
	t.Helper()
	for range 72 {
		from := s.sim.Now()
		s.sim.Advance(clockStep)
		for _, id := range s.sim.FinishedJobIDs(from, s.sim.Now()) {
			if job, ok := s.sim.Job(id); ok && job.ClientName == client && job.Status == status {
				t.Logf("job %d of %s ended with status %d", id, client, status)
				s.waitGathers(t, 2)
				return
			}
		}
	}
	t.Fatalf("no job of %s ended with status %d within 24 hours", client, status)
}

// shrinkPool takes another slice of the shrinking pool's free space, once
// a second (Prometheus scrapes every second).
func (b *breaks) shrinkPool() {
	if time.Since(b.lastShrink) < time.Second {
		return
	}
	b.lastShrink = time.Now()
	b.sim.UpdateResources(func(r *nbusim.Resources) {
		for i := range r.DiskPools {
			if p := &r.DiskPools[i]; p.Name == b.pool && p.AvailableSpaceBytes > b.poolStep {
				p.AvailableSpaceBytes -= b.poolStep
				p.UsedCapacityBytes += b.poolStep
			}
		}
	})
}

// clientWithBackups is a client whose backups the simulator ran lately,
// and its policy.
func clientWithBackups(t *testing.T, sim *simServer) (client, policy string) {
	t.Helper()
	ids := sim.FinishedJobIDs(sim.Now().Add(-6*time.Hour), sim.Now())
	for i := len(ids) - 1; i >= 0; i-- {
		job, ok := sim.Job(ids[i])
		if ok && job.JobType == "BACKUP" && job.PolicyType != "NBU-Catalog" && job.ParentJobID == 0 && job.ChildCount == 0 {
			return job.ClientName, job.PolicyName
		}
	}
	t.Fatal("no backup job in the last 6 hours")
	return "", ""
}

// licenseScaleAbove is the factor that brings the consumed capacity to
// share of the capacity set in the rules (netbackup:licensed_capacity_bytes).
func licenseScaleAbove(t *testing.T, prom *promServer, share float64) float64 {
	t.Helper()
	value := func(q string) float64 {
		r, err := prom.query(q)
		require.NoError(t, err, q)
		require.NotEmpty(t, r.Result, q)
		v, err := strconv.ParseFloat(r.Result[0].Value[1].(string), 64)
		require.NoError(t, err)
		return v
	}
	capacity := value(`netbackup:licensed_capacity_bytes`)
	consumed := value(`max(netbackup_license_consumed_bytes)`)
	require.Less(t, consumed, 0.9*capacity, "the healthy server already uses most of the licensed capacity")
	return share * capacity / consumed
}

// requireFiring waits until each alert of expect fires with the labels
// expect gives it, calling tick (if any) between looks; it names the alerts
// that never fired so.
func requireFiring(t *testing.T, prom *promServer, expect map[string]map[string]string, tick func()) {
	t.Helper()
	firing := map[string]promAlert{}
	matches := func(a promAlert, labels map[string]string) bool {
		for k, v := range labels {
			if a.Labels[k] != v {
				return false
			}
		}
		return true
	}
	waitUntil(3*time.Minute, func() bool {
		if tick != nil {
			tick()
		}
		for _, a := range prom.alerts(t) {
			name := a.Labels["alertname"]
			labels, wanted := expect[name]
			if _, seen := firing[name]; wanted && !seen && a.State == "firing" && matches(a, labels) {
				firing[name] = a
			}
		}
		return len(firing) == len(expect)
	})
	var missing []string
	for _, name := range slices.Sorted(maps.Keys(expect)) {
		if a, ok := firing[name]; ok {
			t.Logf("%s fired: %s", name, a.Annotations["summary"])
		} else {
			missing = append(missing, fmt.Sprintf("%s %v", name, expect[name]))
		}
	}
	require.Empty(t, missing, "alerts that never fired for the object broken; all alerts now: %s", describeAlerts(prom.alerts(t)))
}

func describeAlerts(alerts []promAlert) string {
	if len(alerts) == 0 {
		return "(none)"
	}
	var lines []string
	for _, a := range alerts {
		lines = append(lines, fmt.Sprintf("%s %s: %s", a.State, a.Labels["alertname"], a.Annotations["summary"]))
	}
	return strings.Join(lines, "\n")
}

// panelQueries calls check for every query of every panel, for one backend.
func panelQueries(check func(d dashboards.Dashboard, p dashboards.Panel, q dashboards.Query)) {
	for _, d := range dashboards.All() {
		for _, r := range d.Rows {
			for _, p := range r.Panels {
				for _, q := range p.Queries {
					check(d, p, q)
				}
			}
		}
	}
}

// requireInfluxQueriesAnswer runs every variable query, then every InfluxQL
// panel query with its variables filled as Grafana fills them: the server
// as the server variable lists it, policy and client "All". The time range
// is the one that holds the query's data: the test compresses time, so
// points stamped at gather time span the few real minutes of the test
// (read at a 1 s interval), while netbackup_job events carry the jobs' end
// times, spread over the simulated day (read at 1 m). A panel with its own
// range (the last 24 hours) gets that range up to now.
func (s *scenario) requireInfluxQueriesAnswer(t *testing.T) {
	t.Helper()
	events := map[string]string{
		"__interval": "1m",
		"timeFilter": fmt.Sprintf("time >= %dms AND time <= %dms",
			s.sim.Start.Add(-2*time.Hour).UnixMilli(), s.sim.Now().Add(time.Hour).UnixMilli()),
	}
	gathers := map[string]string{
		"__interval": "1s",
		"timeFilter": fmt.Sprintf("time >= %dms AND time <= now()", s.sim.Start.Add(-time.Minute).UnixMilli()),
	}
	common := map[string]string{"policy": ".*", "client": ".*", dashboards.MaxAgeHours: "26"}
	for _, v := range []dashboards.Variable{dashboards.ServerVariable, dashboards.PolicyVariable, dashboards.ClientVariable} {
		q, err := dashboards.Fill(v.InfluxQL, map[string]string{"server": regexp.QuoteMeta(s.source()), "policy": ".*"})
		require.NoError(t, err)
		got := s.db.query(t, s.database, q)
		require.True(t, hasInfluxValue(got), "variable %s: %s returned nothing", v.Name, q)
		if v.Name == "server" {
			common["server"] = regexp.QuoteMeta(got[0].Values[0][1].(string))
		}
	}
	n := 0
	panelQueries(func(d dashboards.Dashboard, p dashboards.Panel, q dashboards.Query) {
		vals := merged(common, gathers)
		switch {
		case p.TimeFrom != "":
			vals = merged(common, map[string]string{"__interval": "1m", "timeFilter": "time >= now() - " + p.TimeFrom + " AND time <= now()"})
		case strings.Contains(q.InfluxQL, `FROM "netbackup_job" `):
			vals = merged(common, events)
		}
		filled, err := dashboards.Fill(q.InfluxQL, vals)
		require.NoError(t, err)
		got := s.db.query(t, s.database, filled)
		require.True(t, hasInfluxValue(got), "%s / %s: InfluxQL returned no data:\n%s", d.Name, p.Title, filled)
		n++
	})
	t.Logf("%d InfluxQL panel queries and 3 variable queries returned data", n)
}

// hasInfluxValue tells whether an answer holds a non-null value.
func hasInfluxValue(series []influxSeries) bool {
	for _, s := range series {
		for _, row := range s.Values {
			for i, v := range row {
				if s.Columns[i] != "time" && v != nil {
					return true
				}
			}
		}
	}
	return false
}

// requirePromQueriesAnswer runs every variable query, then every PromQL
// panel query as Grafana would: time series over a range, the others at
// now, with the variables filled.
func requirePromQueriesAnswer(t *testing.T, prom *promServer) {
	t.Helper()
	values := map[string]string{
		"server": ".*", "policy": ".*", "client": ".*", dashboards.MaxAgeHours: "26",
		"__rate_interval": "1m", "__interval": "15s", "__range": "1h",
	}
	for _, v := range []dashboards.Variable{dashboards.ServerVariable, dashboards.PolicyVariable, dashboards.ClientVariable} {
		series := labelValuesSeries(t, v.PromQL, values)
		r, err := prom.query(series)
		require.NoError(t, err, series)
		require.NotEmpty(t, r.Result, "variable %s: %s returned nothing", v.Name, series)
	}
	n := 0
	panelQueries(func(d dashboards.Dashboard, p dashboards.Panel, q dashboards.Query) {
		vals := values
		if p.TimeFrom != "" {
			vals = withValue(values, "__range", p.TimeFrom)
		}
		filled, err := dashboards.Fill(q.PromQL, vals)
		require.NoError(t, err)
		var r promResult
		if p.Kind == dashboards.TimeSeries {
			r, err = prom.queryRange(filled, 5*time.Minute, 5*time.Second)
		} else {
			r, err = prom.query(filled)
		}
		require.NoError(t, err, "%s / %s: %s", d.Name, p.Title, filled)
		require.True(t, hasPromValue(r), "%s / %s: PromQL returned no data:\n%s", d.Name, p.Title, filled)
		n++
	})
	t.Logf("%d PromQL panel queries and 3 variable queries returned data", n)
}

// labelValuesSeries turns label_values(series, label) into its series
// selector, which Prometheus can run.
func labelValuesSeries(t *testing.T, query string, values map[string]string) string {
	t.Helper()
	filled, err := dashboards.Fill(query, values)
	require.NoError(t, err)
	m := regexp.MustCompile(`^label_values\((.+),\s*\w+\)$`).FindStringSubmatch(filled)
	require.NotNil(t, m, "not label_values(series, label): %s", query)
	return m[1]
}

// hasPromValue tells whether a result holds a number (NaN is no data).
func hasPromValue(r promResult) bool {
	number := func(v []any) bool {
		if len(v) < 2 {
			return false
		}
		f, err := strconv.ParseFloat(fmt.Sprint(v[1]), 64)
		return err == nil && !math.IsNaN(f)
	}
	for _, s := range r.Result {
		if number(s.Value) {
			return true
		}
		for _, v := range s.Values {
			if number(v) {
				return true
			}
		}
	}
	return false
}

func withValue(values map[string]string, name, value string) map[string]string {
	return merged(values, map[string]string{name: value})
}

// merged is a copy of a with b's values added over it.
func merged(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
