package netbackup

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

func jobsReadTestdata(t *testing.T, name string) []jobAttributes {
	t.Helper()
	data := fixture(t, "jobs", name)
	var doc struct {
		Data []struct {
			ID         string        `json:"id"`
			Attributes jobAttributes `json:"attributes"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	out := make([]jobAttributes, 0, len(doc.Data))
	for _, item := range doc.Data {
		out = append(out, item.Attributes)
	}
	return out
}

func TestJobsDecodeVendorShapes(t *testing.T) {
	ms := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return v
	}
	tests := []struct {
		file   string
		index  int
		fields map[string]interface{}
		tags   map[string]string
		ts     time.Time
	}{
		{
			file: "list_api13.json", index: 0,
			fields: map[string]interface{}{
				"job_id": int64(4312), "parent_job_id": int64(4310), "child_count": int64(0), "status": int64(0),
				"status_text": "the requested operation was successfully completed",
				"bytes":       int64(52428800) * 1024, "files": int64(120345), "attempts": int64(1),
				"transfer_rate_bytes_per_second": int64(102400 * 1024), "percent_complete": int64(100),
				"dedup_ratio": 84.5, "elapsed_seconds": int64(525), "queued_seconds": int64(40),
				"start_time": ms("2024-06-10T06:13:20Z").Unix(),
			},
			tags: map[string]string{
				"source": "nbu", "job_type": "BACKUP", "job_subtype": "SCHEDULED", "policy_type": "STANDARD",
				"policy_name": "prod-linux", "schedule_type": "FULL", "schedule_name": "weekly-full",
				"client": "app01.example.com", "status_class": "success", "media_server": "nbu-media01",
				"storage_unit": "stu-msdp-01",
			},
			ts: ms("2024-06-10T06:22:05Z").Add(4312),
		},
		{
			// API 4.0: HH:MM:SS, a second try (no queued_seconds), a
			// display-style policy type outside the documented enum.
			file: "list_api4.json", index: 0,
			fields: map[string]interface{}{
				"job_id": int64(77), "parent_job_id": int64(0), "status": int64(1),
				"status_text": "the requested operation was partially successful",
				"bytes":       int64(2048 * 1024), "files": int64(12), "attempts": int64(2),
				"transfer_rate_bytes_per_second": int64(300 * 1024), "percent_complete": int64(100),
				"dedup_ratio": 0.0, "elapsed_seconds": int64(3723),
				"start_time": ms("2020-01-01T00:00:00Z").Unix(),
			},
			tags: map[string]string{
				"source": "nbu", "job_type": "DBBACKUP", "job_subtype": "IMMEDIATE", "policy_type": "MS-SQL-SERVER",
				"policy_name": "sql", "schedule_type": "DIFFERENTIAL_INCREMENTAL_BACKUP", "schedule_name": "daily",
				"client": "db01", "status_class": "partial",
			},
			ts: ms("2020-01-01T01:02:03.456Z").Add(77),
		},
		{
			// Floats where integers are documented, numeric strings,
			// counters beyond 2^31, an unknown enum, an unknown nested
			// attribute, P1DT2H, a null percentComplete (left out).
			file: "odd_values.json", index: 0,
			fields: map[string]interface{}{
				"job_id": int64(9000000001), "parent_job_id": int64(9000000000), "status": int64(2074),
				"status_text": "Disk volume is down",
				"bytes":       int64(52428800) * 1024, "files": int64(3000000000), "attempts": int64(1),
				"transfer_rate_bytes_per_second": int64(4096 * 1024),
				"elapsed_seconds":                int64(26 * 3600), "dedup_ratio": 12.5,
				"start_time": ms("2024-06-10T06:13:20Z").Unix(),
			},
			tags: map[string]string{
				"source": "nbu", "job_type": "SOMETHING_NEW", "policy_type": "NBU-Catalog",
				"client": "big01", "status_class": "failed",
			},
			ts: ms("2024-06-11T08:13:20.5Z").Add(1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			jobs := jobsReadTestdata(t, tt.file)
			a := &jobs[tt.index]
			require.Equal(t, tt.fields, finishedJobFields(a))
			require.Equal(t, tt.tags, jobTags(a, "nbu", defaultJobTags))
			require.Equal(t, tt.ts, jobTimestamp(a))
		})
	}
}

func TestJobsDecodeUnfinished(t *testing.T) {
	jobs := jobsReadTestdata(t, "list_api13.json")
	active := &jobs[1]
	require.Equal(t, "ACTIVE", active.State)
	require.True(t, active.EndTime.IsZero(), "the epoch end time means not finished")
	require.Equal(t, map[string]interface{}{
		"job_id": int64(4311), "parent_job_id": int64(0), "bytes": int64(1048576 * 1024),
		"percent_complete": int64(37), "bytes_remaining": int64(1782579 * 1024),
		"transfer_rate_bytes_per_second": int64(51200 * 1024), "attempts": int64(1),
		"elapsed_seconds": int64(125),
	}, activeJobFields(active))
	tags := jobTags(active, "nbu", defaultJobTags)
	require.NotContains(t, tags, "status_class", "an unfinished job has no final status")

	odd := jobsReadTestdata(t, "odd_values.json")
	queued := &odd[1]
	require.True(t, queued.StartTime.IsZero())
	require.False(t, queued.ElapsedTime.Set, "an unreadable duration is left out, not an error")
	require.Equal(t, map[string]interface{}{
		"job_id": int64(5), "bytes": int64(0), "bytes_remaining": int64(1000 * 1024), "queue_reason": int64(2),
	}, activeJobFields(queued))
}

func TestJobsTimestampRule(t *testing.T) {
	end := time.Date(2024, 6, 10, 6, 22, 5, 123e6, time.UTC)
	mk := func(id int64) *jobAttributes {
		return &jobAttributes{JobID: nbuapi.Int{V: id, Set: true}, EndTime: nbuapi.Time{Time: end}}
	}
	// Multi-stream children ending in the same millisecond stay apart...
	seen := make(map[time.Time]int64)
	for id := int64(1_999_990); id < 2_000_010; id++ {
		ts := jobTimestamp(mk(id))
		require.NotContains(t, seen, ts)
		seen[ts] = id
		// ...and never leave their millisecond.
		require.Equal(t, end, ts.Truncate(time.Millisecond))
	}
	// The same job always gets the same timestamp.
	require.Equal(t, jobTimestamp(mk(4312)), jobTimestamp(mk(4312)))
	require.Equal(t, end.Add(4312), jobTimestamp(mk(4312)))
}

func TestJobsStatusClass(t *testing.T) {
	require.Equal(t, "success", statusClass(0))
	require.Equal(t, "partial", statusClass(1))
	require.Equal(t, "failed", statusClass(2))
	require.Equal(t, "failed", statusClass(2074))
	require.Equal(t, "failed", statusClass(-1))
}
