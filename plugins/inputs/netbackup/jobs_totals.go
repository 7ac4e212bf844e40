package netbackup

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/statuscodes"
)

// netbackup_jobs_finished: cumulative counters of the finished jobs, for
// Prometheus (which cannot count netbackup_job events) and for anyone who
// prefers rates. They count exactly the jobs netbackup_job emits, when it
// emits them, and are kept in the jobs collector's state next to the job
// cursor: committed together, they stay exactly-once across restarts and
// crashes (a crash re-emits the uncommitted jobs and counts them again from
// the committed values), so they only reset when the state is lost.

const jobTotalsMeasurement = "netbackup_jobs_finished"

// maxTotalsStatusCodes bounds the status tag: the first this many failure
// codes a server reports get a series of their own, later new codes are
// counted under status "other". Status 0 and 1 never count against it.
const maxTotalsStatusCodes = 50

// otherStatus is the status tag of the failure codes beyond the bound.
const otherStatus = "other"

// jobTotalsKey is one series: the tags besides source.
type jobTotalsKey struct {
	JobType     string `json:"job_type,omitempty"`
	PolicyType  string `json:"policy_type,omitempty"`
	StatusClass string `json:"status_class"`
	Status      string `json:"status"`
}

// jobTotalsValues are one series' counters.
type jobTotalsValues struct {
	Jobs           int64 `json:"jobs"`
	Bytes          int64 `json:"bytes"`
	Files          int64 `json:"files"`
	ElapsedSeconds int64 `json:"elapsed_seconds"`
	QueuedJobs     int64 `json:"queued_jobs"` // jobs whose queue time is known
	QueuedSeconds  int64 `json:"queued_seconds"`
}

// jobTotalsSeries is how a series is kept in the state file.
type jobTotalsSeries struct {
	jobTotalsKey
	jobTotalsValues
}

// jobTotals counts the finished jobs of one server.
type jobTotals struct {
	mu     sync.Mutex
	series map[jobTotalsKey]*jobTotalsValues
	codes  map[string]bool // failure codes with a series of their own
}

func newJobTotals() *jobTotals {
	return &jobTotals{series: make(map[jobTotalsKey]*jobTotalsValues), codes: make(map[string]bool)}
}

// count adds one finished job. Parents (child_count > 0) count as jobs,
// with their elapsed and queue times, but not in bytes and files: those
// repeat their children's, so summing them would count a multi-stream
// backup twice.
func (t *jobTotals) count(a *jobAttributes) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := jobTotalsKey{
		JobType:     a.JobType,
		PolicyType:  a.PolicyType,
		StatusClass: statusClass(a.Status.V),
		Status:      t.statusTag(a.Status.V),
	}
	v := t.series[key]
	if v == nil {
		v = &jobTotalsValues{}
		t.series[key] = v
	}
	v.Jobs++
	if a.ElapsedTime.Set {
		v.ElapsedSeconds += int64(a.ElapsedTime.D / time.Second)
	}
	if q, ok := queuedSeconds(a); ok {
		v.QueuedJobs++
		v.QueuedSeconds += q
	}
	if a.ChildCount.V == 0 {
		v.Bytes += a.KilobytesTransferred.V * 1024
		v.Files += a.NumberOfFiles.V
	}
}

// statusTag is the status code as a tag, or "other" once the bound is
// reached.
func (t *jobTotals) statusTag(status int64) string {
	code := strconv.FormatInt(status, 10)
	if status == 0 || status == 1 || t.codes[code] {
		return code
	}
	if len(t.codes) >= maxTotalsStatusCodes {
		return otherStatus
	}
	t.codes[code] = true
	return code
}

// emit writes every series as a counter, stamped at gather time.
func (t *jobTotals) emit(acc telegraf.Accumulator, source string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key, v := range t.series {
		tags := map[string]string{"source": source, "status_class": key.StatusClass, "status": key.Status}
		// The text follows from the code, so it adds no series.
		if code, err := strconv.ParseInt(key.Status, 10, 64); err == nil {
			if text, ok := statuscodes.Text(code); ok {
				tags["status_text"] = text
			}
		}
		setTag(tags, "job_type", key.JobType)
		setTag(tags, "policy_type", key.PolicyType)
		acc.AddCounter(jobTotalsMeasurement, map[string]interface{}{
			"total":                 v.Jobs,
			"bytes_total":           v.Bytes,
			"files_total":           v.Files,
			"elapsed_seconds_total": v.ElapsedSeconds,
			"queued_total":          v.QueuedJobs,
			"queued_seconds_total":  v.QueuedSeconds,
		}, tags)
	}
}

// save returns the series in a stable order.
func (t *jobTotals) save() []jobTotalsSeries {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]jobTotalsSeries, 0, len(t.series))
	for key, v := range t.series {
		out = append(out, jobTotalsSeries{jobTotalsKey: key, jobTotalsValues: *v})
	}
	slices.SortFunc(out, func(a, b jobTotalsSeries) int {
		return cmp.Or(cmp.Compare(a.JobType, b.JobType), cmp.Compare(a.PolicyType, b.PolicyType),
			cmp.Compare(a.StatusClass, b.StatusClass), cmp.Compare(a.Status, b.Status))
	})
	return out
}

// load replaces the counters with saved ones (raw is absent in a state
// written before the counters existed: they start at zero). Corrupt
// counters are refused whole and the counters start at zero.
func (t *jobTotals) load(raw json.RawMessage) error {
	var saved []jobTotalsSeries
	if raw != nil {
		if err := json.Unmarshal(raw, &saved); err != nil {
			return fmt.Errorf("corrupt job totals, %s restarts at zero: %w", jobTotalsMeasurement, err)
		}
	}
	series := make(map[jobTotalsKey]*jobTotalsValues, len(saved))
	codes := make(map[string]bool)
	for _, s := range saved {
		if s.StatusClass == "" || s.Status == "" || s.Jobs < 0 || s.Bytes < 0 || s.Files < 0 ||
			s.ElapsedSeconds < 0 || s.QueuedJobs < 0 || s.QueuedSeconds < 0 {
			return fmt.Errorf("corrupt job totals (series %+v), %s restarts at zero", s, jobTotalsMeasurement)
		}
		v := s.jobTotalsValues
		series[s.jobTotalsKey] = &v
		if s.Status != "0" && s.Status != "1" && s.Status != otherStatus {
			codes[s.Status] = true
		}
	}
	t.mu.Lock()
	t.series, t.codes = series, codes
	t.mu.Unlock()
	return nil
}

// The jobs collector's state is the walker's JSON object with the counters
// added under one key of their own: a state written before the counters
// existed loads with the counters at zero, and the walker's layout stays
// the walker's business.
const jobTotalsStateKey = "totals"

// splitJobsState takes the counters out of a saved jobs state.
func splitJobsState(data json.RawMessage) (walker, totals json.RawMessage, err error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, nil, fmt.Errorf("corrupt jobs state: %w", err)
	}
	return data, obj[jobTotalsStateKey], nil
}

// joinJobsState adds the counters to the walker's state.
func joinJobsState(walker json.RawMessage, totals []jobTotalsSeries) (json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(walker, &obj); err != nil {
		return nil, fmt.Errorf("encoding jobs state: %w", err)
	}
	raw, err := json.Marshal(totals)
	if err != nil {
		return nil, fmt.Errorf("encoding job totals: %w", err)
	}
	obj[jobTotalsStateKey] = raw
	return json.Marshal(obj)
}
