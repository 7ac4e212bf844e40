package netbackup

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// gatherCatalogBackup gathers the catalog_backup collector once from env,
// without error, and returns its one point.
func gatherCatalogBackup(t *testing.T, env *testEnv) *testutil.Metric {
	t.Helper()
	acc := gatherOnce(t, newTestPlugin(t, on(env), collect("catalog_backup")))
	require.Empty(t, errorsOf(acc))
	points := metricsNamed(acc, "netbackup_catalog_backup")
	require.Len(t, points, 1)
	return points[0]
}

// The newest finished catalog backup and the newest successful one are the
// ones the simulator's own record names.
func TestCatalogBackupMatchesSimulator(t *testing.T) {
	env := startSim(t, nbusim.Config{Jobs: 3000})
	var newest, success *nbusim.JobRecord
	for id := int64(1); id <= env.sim.JobCount(); id++ {
		job, ok := env.sim.Job(id)
		if !ok || job.State != "DONE" || (job.PolicyType != "NBU-Catalog" && job.PolicyType != "NBU_CATALOG") {
			continue
		}
		if newest == nil || job.EndTime.After(newest.EndTime) {
			newest = &job
		}
		if job.Status == 0 && (success == nil || job.EndTime.After(success.EndTime)) {
			success = &job
		}
	}
	require.NotNil(t, success, "the dataset holds a successful catalog backup")

	point := gatherCatalogBackup(t, env)
	f := point.Fields
	require.Equal(t, map[string]string{"source": testSource(env.server)}, point.Tags)
	require.Equal(t, int64(1), f["found"])
	require.Equal(t, newest.EndTime.Unix(), f["last_end_time"])
	require.Equal(t, newest.Status, f["last_status"])
	require.Equal(t, success.EndTime.Unix(), f["last_success_time"])
	require.Equal(t, int64(env.sim.Now().Sub(success.EndTime)/time.Second), f["seconds_since_success"])
	require.Equal(t, success.JobID, f["last_success_job_id"])
}

func TestCatalogBackupFields(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	job := func(id, status int64, end time.Time) *jobAttributes {
		return &jobAttributes{
			JobID:   nbuapi.Int{V: id, Set: true},
			Status:  nbuapi.Int{V: status, Set: true},
			EndTime: nbuapi.Time{Time: end},
		}
	}
	tests := []struct {
		name            string
		newest, success *jobAttributes
		want            map[string]interface{}
	}{
		{
			name: "no catalog backup known",
			want: map[string]interface{}{"found": int64(0)},
		},
		{
			name:   "newest failed, an older one succeeded",
			newest: job(20, 2, now.Add(-time.Hour)), success: job(10, 0, now.Add(-25*time.Hour)),
			want: map[string]interface{}{
				"found": int64(1), "last_job_id": int64(20), "last_status": int64(2), "last_end_time": now.Add(-time.Hour).Unix(),
				"last_status_text":  "none of the requested files were backed up",
				"last_success_time": now.Add(-25 * time.Hour).Unix(), "seconds_since_success": int64(25 * 3600),
				"last_success_job_id": int64(10),
			},
		},
		{
			name:   "none succeeded within the job retention",
			newest: job(20, 1, now.Add(-time.Hour)),
			want: map[string]interface{}{
				"found": int64(1), "last_job_id": int64(20), "last_status": int64(1), "last_end_time": now.Add(-time.Hour).Unix(),
				"last_status_text": "the requested operation was partially successful",
			},
		},
		{
			name:   "success stamped after the server clock: no negative age",
			newest: job(30, 0, now.Add(time.Minute)), success: job(30, 0, now.Add(time.Minute)),
			want: map[string]interface{}{
				"found": int64(1), "last_job_id": int64(30), "last_status": int64(0), "last_end_time": now.Add(time.Minute).Unix(),
				"last_status_text":  "the requested operation was successfully completed",
				"last_success_time": now.Add(time.Minute).Unix(), "seconds_since_success": int64(0), "last_success_job_id": int64(30),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, catalogBackupFields(tc.newest, tc.success, now))
		})
	}
}

// Both spellings of the catalog policy type are asked for; status 1 is not
// a success; the success query is sent only when the newest job failed.
func TestCatalogBackupFixture(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fx := newHealthFixture("13.0", now)
	var filters, sorts, limits []string
	fx.handle("/admin/jobs", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		filters = append(filters, q.Get("filter"))
		sorts = append(sorts, q.Get("sort"))
		limits = append(limits, q.Get("page[limit]"))
		var data []any
		if !strings.Contains(q.Get("filter"), "status eq 0") {
			data = append(data, map[string]any{"type": "job", "id": "77", "attributes": map[string]any{
				"jobId": 77, "policyType": "NBU_CATALOG", "state": "DONE", "status": 1, "endTime": "2025-03-01T11:00:00.000Z",
			}})
		}
		healthWriteJSON(w, map[string]any{"data": data, "meta": map[string]any{"pagination": map[string]any{}}})
	})
	point := gatherCatalogBackup(t, serveFixture(t, fx))
	require.Equal(t, map[string]interface{}{
		"found": int64(1), "last_job_id": int64(77), "last_status": int64(1), "last_end_time": now.Add(-time.Hour).Unix(),
		"last_status_text": "the requested operation was partially successful",
	}, point.Fields)
	require.Equal(t, []string{
		"(policyType eq 'NBU-Catalog' or policyType eq 'NBU_CATALOG') and state eq 'DONE'",
		"(policyType eq 'NBU-Catalog' or policyType eq 'NBU_CATALOG') and state eq 'DONE' and status eq 0",
	}, filters)
	require.Equal(t, []string{"-endTime", "-endTime"}, sorts)
	require.Equal(t, []string{"1", "1"}, limits)
}

// No catalog backup job at all: one point saying found=0, no error.
func TestCatalogBackupNoneFound(t *testing.T) {
	fx := newHealthFixture("13.0", time.Now())
	fx.handle("/admin/jobs", func(w http.ResponseWriter, _ *http.Request) {
		healthWriteJSON(w, map[string]any{"data": []any{}, "meta": map[string]any{"pagination": map[string]any{}}})
	})
	point := gatherCatalogBackup(t, serveFixture(t, fx))
	require.Equal(t, map[string]interface{}{"found": int64(0)}, point.Fields)
	require.Len(t, fx.requestLog(), 1, "no success query when nothing was found")
}
