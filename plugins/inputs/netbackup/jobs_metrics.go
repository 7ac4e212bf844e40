package netbackup

import (
	"time"
)

// How jobs become points. netbackup_job (finished jobs, once each) and
// netbackup_job_active (unfinished jobs, every gather) share tags and most
// fields; the timestamp rule makes a re-emitted finished job overwrite itself.

const (
	jobMeasurement       = "netbackup_job"
	jobActiveMeasurement = "netbackup_job_active"
	jobStateDone         = "DONE"
)

// unfinishedJobStates are the states of jobs that are not DONE; the order is
// the one netbackup_jobs reports them in.
var unfinishedJobStates = []string{"QUEUED", "ACTIVE", "REQUEUED", "SUSPENDED", "INCOMPLETE"}

// statusClass grades a NetBackup exit status the way the Activity Monitor
// does: 0 success, 1 partially successful, anything else failed.
func statusClass(status int64) string {
	switch status {
	case 0:
		return "success"
	case 1:
		return "partial"
	default:
		return "failed"
	}
}

// jobTimestamp is the job's end time plus (jobId mod 10^6) nanoseconds. End
// times have millisecond precision, so the offset never moves a point into
// another millisecond; jobs ending in the same millisecond (multi-stream
// children) get distinct timestamps; the same job emitted twice (after a
// crash) gets the same timestamp and overwrites itself.
func jobTimestamp(a *jobAttributes) time.Time {
	end := a.EndTime.Time
	if end.IsZero() {
		end = a.LastUpdateTime.Time
	}
	return end.Truncate(time.Millisecond).Add(time.Duration(a.JobID.V % 1_000_000))
}

// jobTags returns the configured tags of a job; empty values are left out.
func jobTags(a *jobAttributes, source string, names []string) map[string]string {
	tags := make(map[string]string, len(names)+2)
	tags["source"] = source
	for _, name := range names {
		var v string
		switch name {
		case "job_type":
			v = a.JobType
		case "job_subtype":
			v = a.JobSubType
		case "policy_type":
			v = a.PolicyType
		case "policy_name":
			v = a.PolicyName
		case "schedule_type":
			v = a.ScheduleType
		case "schedule_name":
			v = a.ScheduleName
		case "client":
			v = a.ClientName
		case "status_class":
			if a.State == jobStateDone {
				v = statusClass(a.Status.V)
			}
		case "media_server":
			v = a.DestinationMediaServerName
		case "storage_unit":
			v = a.DestinationStorageUnitName
		}
		if v != "" {
			tags[name] = v
		}
	}
	return tags
}

// finishedJobFields are the fields of a netbackup_job point. Integers are
// int64 and ratios float64 whatever the JSON looked like; attributes the
// server did not send are left out rather than reported as zero.
func finishedJobFields(a *jobAttributes) map[string]interface{} {
	fields := map[string]interface{}{
		"job_id": a.JobID.V,
		"status": a.Status.V,
		"bytes":  a.KilobytesTransferred.V * 1024,
	}
	if a.Status.Set {
		setStatusText(fields, "status_text", a.Status.V)
	}
	setInt(fields, "parent_job_id", a.ParentJobID)
	setInt(fields, "child_count", a.ChildCount)
	setInt(fields, "files", a.NumberOfFiles)
	setInt(fields, "attempts", a.Try)
	setScaledInt(fields, "transfer_rate_bytes_per_second", a.TransferRate, 1024)
	setInt(fields, "percent_complete", a.PercentComplete)
	if a.DedupRatio.Set {
		fields["dedup_ratio"] = a.DedupRatio.V
	}
	if a.ElapsedTime.Set {
		fields["elapsed_seconds"] = int64(a.ElapsedTime.D / time.Second)
	}
	if q, ok := queuedSeconds(a); ok {
		fields["queued_seconds"] = q
	}
	if !a.StartTime.IsZero() {
		fields["start_time"] = a.StartTime.Unix()
	}
	return fields
}

// activeJobFields are the fields of a netbackup_job_active point.
func activeJobFields(a *jobAttributes) map[string]interface{} {
	fields := map[string]interface{}{
		"job_id": a.JobID.V,
		"bytes":  a.KilobytesTransferred.V * 1024,
	}
	setInt(fields, "parent_job_id", a.ParentJobID)
	setInt(fields, "percent_complete", a.PercentComplete)
	setScaledInt(fields, "bytes_remaining", a.KilobytesToTransfer, 1024)
	setScaledInt(fields, "transfer_rate_bytes_per_second", a.TransferRate, 1024)
	setInt(fields, "attempts", a.Try)
	if a.ElapsedTime.Set {
		fields["elapsed_seconds"] = int64(a.ElapsedTime.D / time.Second)
	}
	if a.State == "QUEUED" || a.State == "REQUEUED" {
		setInt(fields, "queue_reason", a.JobQueueReason)
	}
	return fields
}

// queuedSeconds is the time a job waited before its first try started:
// activeTryStartTime - startTime, derivable only for jobs on their first try
// (on later tries activeTryStartTime is the start of the latest try, so the
// difference would include the earlier tries' running time).
func queuedSeconds(a *jobAttributes) (int64, bool) {
	if a.StartTime.IsZero() || a.ActiveTryStartTime.IsZero() {
		return 0, false
	}
	if a.Try.Set && a.Try.V > 1 {
		return 0, false
	}
	q := a.ActiveTryStartTime.Sub(a.StartTime.Time)
	if q < 0 {
		return 0, false
	}
	return int64(q / time.Second), true
}
