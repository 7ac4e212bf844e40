package netbackup

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/influxdata/telegraf"
)

// The backup_status collector answers "which clients have had no good
// backup since Friday?": per (policy, client) the last successful backup,
// the last status and the failures since. It follows the finished BACKUP
// jobs with its own walk (own cursor, own lookback for the first start) and
// keeps the per-pair record in the state file.
//
// Which jobs count: finished jobs of type BACKUP that are not parents
// (childCount = 0, and parentJobId differs from jobId). A parent only
// coordinates its children; for a VMware policy its children each back up
// one VM (client), so children are what tell whether a client is
// protected. The children of one multi-stream backup count as one failure
// (consecutive_failures goes up once per parent job). A status of 0 or 1
// (partially successful: an image was written, some files skipped) is a
// success.

const (
	backupStatusStateVersion = 1
	// backupPairRetention drops a (policy, client) pair not seen in a
	// backup job for this long (a decommissioned client or policy).
	backupPairRetention = 30 * 24 * time.Hour
)

type backupStatusCollector struct {
	srv    *server
	walker *finishedWalker

	mu    sync.Mutex
	pairs map[backupPairKey]*backupPair
}

type backupPairKey struct{ policy, client string }

// backupPair is what is known of one (policy, client).
type backupPair struct {
	PolicyName  string    `json:"policy_name"`
	PolicyType  string    `json:"policy_type"`
	Client      string    `json:"client"`
	LastSuccess time.Time `json:"last_success"` // zero: none seen
	LastEnd     time.Time `json:"last_end"`     // end of the latest job
	LastJobID   int64     `json:"last_job_id"`  // the latest job (ties on end time: the higher id)
	LastStatus  int64     `json:"last_status"`
	// Failures are the failed backups that ended after LastSuccess (one per
	// standalone job or per parent of failed streams), kept so that a
	// success read late (jobs are read in id order, not end order) still
	// clears exactly the failures before it.
	Failures []backupFailure `json:"failures,omitempty"`
}

type backupFailure struct {
	End    time.Time `json:"end"`
	Parent int64     `json:"parent,omitempty"`
}

// maxBackupFailures bounds the failures kept per pair; the count saturates.
const maxBackupFailures = 1000

type backupStatusState struct {
	Version int             `json:"version"`
	Walk    json.RawMessage `json:"walk"`
	Pairs   []*backupPair   `json:"pairs"`
}

func newBackupStatusCollector(p *NetBackup, srv *server) (collector, error) {
	walker := newFinishedWalker(srv, "jobType eq 'BACKUP'", time.Duration(p.BackupStatusLookback),
		time.Duration(p.JobOverlap), p.MaxJobsPerGather)
	// Its first start reads backup_status_lookback (72h): the longest
	// catch-up of all, so it walks id ranges concurrently like jobs does.
	walker.concurrency = p.MaxConcurrency
	walker.readAhead = p.readAhead
	walker.name = "backup_status"
	return &backupStatusCollector{
		srv:    srv,
		walker: walker,
		pairs:  make(map[backupPairKey]*backupPair),
	}, nil
}

func (c *backupStatusCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	_, walkErr := c.walker.run(ctx, c.apply)

	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.srv.now()
	for key, pair := range c.pairs {
		if now.Sub(pair.LastEnd) > backupPairRetention {
			delete(c.pairs, key)
			continue
		}
		fields := map[string]interface{}{
			"last_status":          pair.LastStatus,
			"consecutive_failures": int64(len(pair.Failures)),
			"last_backup_time":     pair.LastEnd.Unix(),
		}
		setStatusText(fields, "last_status_text", pair.LastStatus)
		if !pair.LastSuccess.IsZero() {
			fields["last_success_time"] = pair.LastSuccess.Unix()
			// A job may end during the walk, after now (the ping's time).
			fields["seconds_since_success"] = max(int64(now.Sub(pair.LastSuccess)/time.Second), 0)
		}
		tags := map[string]string{"source": c.srv.source, "client": pair.Client}
		if pair.PolicyName != "" {
			tags["policy_name"] = pair.PolicyName
		}
		if pair.PolicyType != "" {
			tags["policy_type"] = pair.PolicyType
		}
		acc.AddFields("netbackup_backup_status", fields, tags)
	}
	if walkErr != nil {
		return fmt.Errorf("backup jobs: %w", walkErr)
	}
	return nil
}

// isParentJob tells a job that only coordinates children.
func isParentJob(a *jobAttributes) bool {
	return a.ChildCount.V > 0 || (a.ParentJobID.V != 0 && a.ParentJobID.V == a.JobID.V)
}

// apply folds one finished backup job into its pair's record.
func (c *backupStatusCollector) apply(a *jobAttributes) {
	if a.JobType != "BACKUP" || isParentJob(a) || a.ClientName == "" {
		return
	}
	end := a.EndTime.Time
	if end.IsZero() {
		end = a.LastUpdateTime.Time
	}
	success := a.Status.V == 0 || a.Status.V == 1

	c.mu.Lock()
	defer c.mu.Unlock()
	key := backupPairKey{policy: a.PolicyName, client: a.ClientName}
	pair, ok := c.pairs[key]
	if !ok {
		pair = &backupPair{PolicyName: a.PolicyName, Client: a.ClientName}
		c.pairs[key] = pair
	}
	if end.After(pair.LastEnd) || (end.Equal(pair.LastEnd) && a.JobID.V > pair.LastJobID) {
		pair.LastEnd, pair.LastJobID, pair.LastStatus = end, a.JobID.V, a.Status.V
		if a.PolicyType != "" {
			pair.PolicyType = a.PolicyType
		}
	}
	if success {
		if end.After(pair.LastSuccess) {
			pair.LastSuccess = end
			kept := pair.Failures[:0]
			for _, f := range pair.Failures {
				if f.End.After(end) {
					kept = append(kept, f)
				}
			}
			pair.Failures = kept
		}
		return
	}
	if !end.After(pair.LastSuccess) {
		return // a failure before the last success
	}
	parent := a.ParentJobID.V
	if parent != 0 {
		for _, f := range pair.Failures {
			if f.Parent == parent {
				return // another stream of the same failed backup
			}
		}
	}
	if len(pair.Failures) < maxBackupFailures {
		pair.Failures = append(pair.Failures, backupFailure{End: end, Parent: parent})
	}
}

func (c *backupStatusCollector) loadState(data json.RawMessage) error {
	var st backupStatusState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("corrupt backup_status state: %w", err)
	}
	if st.Version != backupStatusStateVersion {
		return fmt.Errorf("backup_status state has version %d, expected %d", st.Version, backupStatusStateVersion)
	}
	if err := c.walker.loadState(st.Walk); err != nil {
		return err
	}
	pairs := make(map[backupPairKey]*backupPair, len(st.Pairs))
	for _, pair := range st.Pairs {
		if pair == nil || pair.Client == "" {
			continue
		}
		pairs[backupPairKey{policy: pair.PolicyName, client: pair.Client}] = pair
	}
	c.mu.Lock()
	c.pairs = pairs
	c.mu.Unlock()
	return nil
}

func (c *backupStatusCollector) saveState() (json.RawMessage, error) {
	walk, err := c.walker.saveState()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := backupStatusState{Version: backupStatusStateVersion, Walk: walk, Pairs: make([]*backupPair, 0, len(c.pairs))}
	for _, pair := range c.pairs {
		st.Pairs = append(st.Pairs, pair)
	}
	return json.Marshal(st)
}
