package netbackup

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// backupStatusExpected computes netbackup_backup_status from the
// simulator's own record, in end-time order (the collector reads in id
// order): per (policy, client) of finished non-parent BACKUP jobs that
// ended after floor.
func backupStatusExpected(t *testing.T, sim *nbusim.Simulator, floor time.Time) map[[2]string]map[string]interface{} {
	t.Helper()
	type pairTruth struct {
		policyType  string
		lastSuccess time.Time
		lastEnd     time.Time
		lastID      int64
		lastStatus  int64
		jobs        []nbusim.JobRecord
	}
	pairs := make(map[[2]string]*pairTruth)
	for id := int64(1); id <= sim.JobCount(); id++ {
		rec, ok := sim.Job(id)
		require.True(t, ok)
		if rec.State != "DONE" || rec.JobType != "BACKUP" || rec.ChildCount > 0 || rec.ClientName == "" ||
			!rec.EndTime.After(floor) {
			continue
		}
		key := [2]string{rec.PolicyName, rec.ClientName}
		p := pairs[key]
		if p == nil {
			p = &pairTruth{}
			pairs[key] = p
		}
		p.jobs = append(p.jobs, rec)
		if rec.EndTime.After(p.lastEnd) || (rec.EndTime.Equal(p.lastEnd) && id > p.lastID) {
			p.lastEnd, p.lastID, p.lastStatus, p.policyType = rec.EndTime, id, rec.Status, rec.PolicyType
		}
		if rec.Status <= 1 && rec.EndTime.After(p.lastSuccess) {
			p.lastSuccess = rec.EndTime
		}
	}
	now := sim.Now()
	out := make(map[[2]string]map[string]interface{}, len(pairs))
	for key, p := range pairs {
		events := make(map[int64]bool)
		for _, rec := range p.jobs {
			if rec.Status > 1 && rec.EndTime.After(p.lastSuccess) {
				event := -rec.JobID
				if rec.ParentJobID != 0 {
					event = rec.ParentJobID
				}
				events[event] = true
			}
		}
		text, known := simStatusTexts[p.lastStatus]
		require.True(t, known, "the simulator ended a backup with status %d: add its text here", p.lastStatus)
		fields := map[string]interface{}{
			"last_status":          p.lastStatus,
			"last_status_text":     text,
			"consecutive_failures": int64(len(events)),
			"last_backup_time":     p.lastEnd.Unix(),
			"policy_type":          p.policyType,
		}
		if !p.lastSuccess.IsZero() {
			fields["last_success_time"] = p.lastSuccess.Unix()
			fields["seconds_since_success"] = int64(now.Sub(p.lastSuccess) / time.Second)
		}
		out[key] = fields
	}
	return out
}

func backupStatusGot(t *testing.T, p *NetBackup) map[[2]string]map[string]interface{} {
	t.Helper()
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	got := make(map[[2]string]map[string]interface{})
	for _, m := range metricsNamed(acc, "netbackup_backup_status") {
		key := [2]string{m.Tags["policy_name"], m.Tags["client"]}
		require.NotContains(t, got, key, "one point per (policy, client)")
		require.Equal(t, testSourceOfURL(p.Servers[0]), m.Tags["source"])
		fields := make(map[string]interface{}, len(m.Fields)+1)
		for k, v := range m.Fields {
			fields[k] = v
		}
		fields["policy_type"] = m.Tags["policy_type"]
		got[key] = fields
	}
	return got
}

func TestBackupStatusFollowsTheJobStream(t *testing.T) {
	cfg := jobsTestConfig("11.0")
	cfg.Jobs = 3000 // more than the lookback: some jobs fall outside it
	env := startSim(t, cfg)
	newPlugin := func() *NetBackup {
		return newTestPlugin(t, on(env), jobsPacing, collect("backup_status"), stateFile(env.state), func(p *NetBackup) {
			p.BackupStatusLookback.UnmarshalText([]byte("6h")) //nolint:errcheck // a constant
		})
	}
	floor := env.sim.Now().Add(-6 * time.Hour)
	p := newPlugin()
	got := backupStatusGot(t, p)
	want := backupStatusExpected(t, env.sim, floor)
	require.Greater(t, len(want), 20)
	require.Equal(t, want, got)

	// Live progression with restarts: the record follows new jobs.
	failing := 0
	for i := range 12 {
		env.sim.Advance(17 * time.Minute)
		got = backupStatusGot(t, p)
		require.NoError(t, p.CommitState())
		if i%4 == 3 {
			p.releaseState() // the process ends: its lock goes with it
			p = newPlugin()
		}
	}
	want = backupStatusExpected(t, env.sim, floor)
	require.Equal(t, want, got)
	for _, fields := range got {
		if fields["consecutive_failures"].(int64) > 0 {
			failing++
		}
	}
	require.Positive(t, failing, "the dataset should have clients whose last backups failed")
}

func TestBackupStatusApplyOutOfOrder(t *testing.T) {
	c := &backupStatusCollector{pairs: make(map[backupPairKey]*backupPair)}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	job := func(id, parent, status int64, endMinutes int) *jobAttributes {
		return &jobAttributes{
			JobID: nbuapi.Int{V: id, Set: true}, ParentJobID: nbuapi.Int{V: parent, Set: true},
			JobType: "BACKUP", PolicyName: "pol", PolicyType: "STANDARD", ClientName: "c1", State: "DONE",
			Status: nbuapi.Int{V: status, Set: true}, EndTime: nbuapi.Time{Time: base.Add(time.Duration(endMinutes) * time.Minute)},
		}
	}
	c.apply(job(1, 0, 2, 5))   // failure at :05
	c.apply(job(2, 0, 96, 10)) // failure at :10
	c.apply(job(3, 0, 0, 7))   // success at :07, read late: clears only :05
	pair := c.pairs[backupPairKey{"pol", "c1"}]
	require.Len(t, pair.Failures, 1)
	require.Equal(t, base.Add(7*time.Minute), pair.LastSuccess)
	require.Equal(t, int64(96), pair.LastStatus)

	// Three failed streams of one parent are one failure; the parent
	// itself is not a backup of the client.
	c.apply(job(10, 9, 84, 20))
	c.apply(job(11, 9, 84, 20))
	c.apply(&jobAttributes{JobID: nbuapi.Int{V: 9, Set: true}, ChildCount: nbuapi.Int{V: 2, Set: true},
		JobType: "BACKUP", PolicyName: "pol", ClientName: "c1", State: "DONE",
		Status: nbuapi.Int{V: 0, Set: true}, EndTime: nbuapi.Time{Time: base.Add(30 * time.Minute)}})
	require.Len(t, pair.Failures, 2)
	require.Equal(t, int64(84), pair.LastStatus)

	// A partially successful backup (status 1) is a success.
	c.apply(job(12, 0, 1, 40))
	require.Empty(t, pair.Failures)
	require.Equal(t, int64(1), pair.LastStatus)
}

// A job may end while the walk runs, after the gather's now (the server's
// time at its ping): its success is not in the future.
func TestBackupStatusNeverReportsASuccessInTheFuture(t *testing.T) {
	var once sync.Once
	laterOnceWalking := func(env *testEnv, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/admin/jobs") {
				once.Do(func() { env.sim.Advance(30 * time.Minute) })
			}
			next.ServeHTTP(w, r)
		})
	}
	env := startSim(t, nbusim.Config{Release: "11.0", Jobs: 2_000, JobRate: 2, Start: jobsTestStart, Seed: 9}, laterOnceWalking)
	p := newTestPlugin(t, on(env), jobsPacing, collect("backup_status"))
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	checked := 0
	for _, m := range metricsNamed(acc, "netbackup_backup_status") {
		if v, ok := m.Fields["seconds_since_success"]; ok {
			checked++
			require.GreaterOrEqual(t, v.(int64), int64(0), "client %s: a success %d s in the future", m.Tags["client"], -v.(int64))
		}
	}
	require.Positive(t, checked)
}
