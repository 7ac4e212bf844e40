package netbackup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The jobs collector: netbackup_job (every finished job, once), then
// netbackup_job_active (every unfinished job, each gather) and
// netbackup_jobs (the number of jobs per state). Steady-state cost: one
// page of changed finished jobs, one page per 100 unfinished jobs and one
// jobs-count request.

type jobsCollector struct {
	srv     *server
	tags    []string
	walker  *finishedWalker
	emitter *jobEmitter
	totals  *jobTotals
}

// jobsCountPath counts the jobs matching a filter (POST).
const jobsCountPath = "/admin/jobs-count-requests"

func newJobsCollector(p *NetBackup, srv *server) (collector, error) {
	walker := newFinishedWalker(srv, "", time.Duration(p.JobLookback), time.Duration(p.JobOverlap), p.MaxJobsPerGather)
	walker.concurrency = p.MaxConcurrency
	walker.readAhead = p.readAhead
	walker.name = "jobs"
	tags := append([]string(nil), p.JobTags...)
	return &jobsCollector{
		srv:     srv,
		tags:    tags,
		walker:  walker,
		emitter: newJobEmitter(srv.source, tags),
		totals:  newJobTotals(),
	}, nil
}

func (c *jobsCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	var errs []error
	if _, err := c.walker.run(ctx, func(a *jobAttributes) {
		c.emitter.addJobPoint(acc, a)
		c.totals.count(a)
	}); err != nil {
		errs = append(errs, err)
	}
	c.totals.emit(acc, c.srv.source)
	counts, err := c.collectUnfinished(ctx, acc)
	if err != nil {
		errs = append(errs, err)
	} else if err := c.emitCounts(ctx, acc, counts); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// collectUnfinished emits one netbackup_job_active point per job that is
// not DONE, queried by state (an unfinished job's endTime is the epoch, so
// no end-time window finds it), and counts them per state.
func (c *jobsCollector) collectUnfinished(ctx context.Context, acc telegraf.Accumulator) (map[string]int64, error) {
	query := url.Values{}
	query.Set("filter", "state ne 'DONE'")
	query.Set("sort", "jobId")
	counts := make(map[string]int64, len(unfinishedJobStates))
	now := time.Now()
	for item, err := range jobItems(ctx, c.srv, query) {
		if err != nil {
			return nil, fmt.Errorf("reading unfinished jobs: %w", err)
		}
		a := &item.Attributes
		if a.State == jobStateDone || a.State == "" {
			continue
		}
		counts[a.State]++
		tags := jobTags(a, c.srv.source, c.tags)
		tags["state"] = a.State
		acc.AddFields(jobActiveMeasurement, activeJobFields(a), tags, activeJobTimestamp(now, a))
	}
	return counts, nil
}

// emitCounts writes netbackup_jobs: the unfinished states from the walk
// just done (zero for states without jobs, so that a series falls to 0),
// and DONE from one jobs-count request: every finished job the server still
// holds in its job database.
func (c *jobsCollector) emitCounts(ctx context.Context, acc telegraf.Accumulator, counts map[string]int64) error {
	emit := func(state string, n int64) {
		acc.AddFields("netbackup_jobs", map[string]interface{}{"count": n},
			map[string]string{"source": c.srv.source, "state": state})
	}
	for _, state := range unfinishedJobStates {
		emit(state, counts[state])
	}
	// States no document lists are still counted.
	for state, n := range counts {
		if !isUnfinishedJobState(state) {
			emit(state, n)
		}
	}
	done, err := countJobs(ctx, c.srv, "state eq 'DONE'")
	switch {
	case err == nil:
		c.srv.endpointAvailable("jobs", jobsCountPath)
		emit(jobStateDone, done)
	// 10.3's document offers jobs-count-requests only in version 6.0, so a
	// server may refuse our version (406/415) as well as lack the endpoint:
	// netbackup_jobs then has no DONE count. Asked again every gather (one
	// request), so the count comes back when the server answers.
	case c.srv.endpointUnavailable("jobs", jobsCountPath, err):
	default:
		return fmt.Errorf("counting finished jobs: %w", err)
	}
	return nil
}

func isUnfinishedJobState(state string) bool {
	return slices.Contains(unfinishedJobStates, state)
}

// countJobs asks POST /admin/jobs-count-requests for the number of jobs
// matching filter.
func countJobs(ctx context.Context, srv *server, filter string) (int64, error) {
	body := map[string]any{"data": map[string]any{
		"type":       "jobCount",
		"attributes": map[string]any{"filter": filter},
	}}
	var out struct {
		Data struct {
			Attributes struct {
				Count nbuapi.Int `json:"count"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := srv.client.Post(ctx, jobsCountPath, body, &out); err != nil {
		return 0, err
	}
	if !out.Data.Attributes.Count.Set {
		return 0, errors.New("jobs-count response without a count")
	}
	return out.Data.Attributes.Count.V, nil
}

// loadState restores the cursor, then the counters: never the counters
// without their cursor, which would count the re-read jobs twice. Counters
// that cannot be read start at zero (a reset) behind the restored cursor.
func (c *jobsCollector) loadState(data json.RawMessage) error {
	walker, totals, err := splitJobsState(data)
	if err != nil {
		return err
	}
	if err := c.walker.loadState(walker); err != nil {
		return err
	}
	return c.totals.load(totals)
}

func (c *jobsCollector) saveState() (json.RawMessage, error) {
	walker, err := c.walker.saveState()
	if err != nil {
		return nil, err
	}
	return joinJobsState(walker, c.totals.save())
}
