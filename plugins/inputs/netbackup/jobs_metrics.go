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

// activeJobTimestamp is the time of a netbackup_job_active point: the
// gather's time, to the millisecond, + (job_id mod 1,000,000) ns. Jobs of
// one policy, client and schedule (multi-stream children, queued retries)
// share their tags: with one time for all, InfluxDB would keep only the
// last of them.
func activeJobTimestamp(gather time.Time, a *jobAttributes) time.Time {
	return gather.Truncate(time.Millisecond).Add(time.Duration(a.JobID.V % 1_000_000))
}

// jobTags returns the configured tags of a job; empty values are left out.
func jobTags(a *jobAttributes, source string, names []string) map[string]string {
	tags := make(map[string]string, len(names)+2)
	tags["source"] = source
	for _, name := range names {
		if v := jobTagValue(a, name); v != "" {
			tags[name] = v
		}
	}
	return tags
}

// jobTagValue is the value of the job tag name ("" for none).
func jobTagValue(a *jobAttributes, name string) string {
	switch name {
	case "job_type":
		return a.JobType
	case "job_subtype":
		return a.JobSubType
	case "policy_type":
		return a.PolicyType
	case "policy_name":
		return a.PolicyName
	case "schedule_type":
		return a.ScheduleType
	case "schedule_name":
		return a.ScheduleName
	case "client":
		return a.ClientName
	case "status_class":
		if a.State == jobStateDone {
			return statusClass(a.Status.V)
		}
	case "media_server":
		return a.DestinationMediaServerName
	case "storage_unit":
		return a.DestinationStorageUnitName
	}
	return ""
}

// appendFinishedJobFields appends the fields of a netbackup_job point to
// list, in name order: the one definition of these fields, for the generic
// metric and for the line-protocol encoder alike. Integers are int64 and
// ratios float64 whatever the JSON looked like; an attribute the server did
// not send is left out, but for job_id, bytes and status, always there
// (NetBackup sends them for every job).
func appendFinishedJobFields(list []lineField, a *jobAttributes) []lineField {
	list = appendInt(list, "attempts", a.Try)
	list = append(list, intField("bytes", a.KilobytesTransferred.V*1024))
	list = appendInt(list, "child_count", a.ChildCount)
	if a.DedupRatio.Set {
		list = appendFloat(list, "dedup_ratio", a.DedupRatio.V)
	}
	if a.ElapsedTime.Set {
		list = append(list, intField("elapsed_seconds", int64(a.ElapsedTime.D/time.Second)))
	}
	list = appendInt(list, "files", a.NumberOfFiles)
	list = append(list, intField("job_id", a.JobID.V))
	list = appendInt(list, "parent_job_id", a.ParentJobID)
	list = appendInt(list, "percent_complete", a.PercentComplete)
	if q, ok := queuedSeconds(a); ok {
		list = append(list, intField("queued_seconds", q))
	}
	if !a.StartTime.IsZero() {
		list = append(list, intField("start_time", a.StartTime.Unix()))
	}
	list = append(list, intField("status", a.Status.V))
	if a.Status.Set {
		list = appendStatusText(list, "status_text", a.Status.V)
	}
	if a.TransferRate.Set {
		list = append(list, intField("transfer_rate_bytes_per_second", a.TransferRate.V*1024))
	}
	return list
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
