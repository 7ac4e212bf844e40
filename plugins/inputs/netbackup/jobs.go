package netbackup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/influxdata/telegraf"
)

// The jobs collector: netbackup_job (every finished job, once), then
// netbackup_job_active (every unfinished job, each gather) and
// netbackup_jobs (the number of jobs per state). Steady-state cost: one
// page of changed finished jobs, one page per 100 unfinished jobs and one
// jobs-count request.

func init() {
	registerCollector("jobs", newJobsCollector)
}

type jobsCollector struct {
	srv     *server
	tags    []string
	walker  *finishedWalker
	log     telegraf.Logger
	noCount sync.Once // logs once that the server cannot count jobs
	// countUnsupported is set when jobs-count-requests answered 404, 405,
	// 406 or 415: the server lacks it or not in our API version;
	// netbackup_jobs then has no DONE count.
	countUnsupported bool
}

func newJobsCollector(p *NetBackup, srv *server) (collector, error) {
	walker := newFinishedWalker(srv, "", time.Duration(p.JobLookback), time.Duration(p.JobOverlap), p.MaxJobsPerGather)
	walker.concurrency = p.MaxConcurrency
	return &jobsCollector{
		srv:    srv,
		tags:   append([]string(nil), p.JobTags...),
		walker: walker,
		log:    p.Log,
	}, nil
}

func (c *jobsCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	var errs []error
	if _, err := c.walker.run(ctx, func(a *jobAttributes) {
		acc.AddFields(jobMeasurement, finishedJobFields(a), jobTags(a, c.srv.source, c.tags), jobTimestamp(a))
	}); err != nil {
		errs = append(errs, err)
	}
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
		acc.AddFields(jobActiveMeasurement, activeJobFields(a), tags)
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
	if c.countUnsupported {
		return nil
	}
	done, err := c.countJobs(ctx, "state eq 'DONE'")
	switch {
	case err == nil:
		emit(jobStateDone, done)
	// 10.3's document offers jobs-count-requests only in version 6.0, so a
	// server may refuse our version (406/415) as well as lack the endpoint.
	case isStatus(err, 404) || isStatus(err, 405) || isStatus(err, 406) || isStatus(err, 415):
		c.countUnsupported = true
		c.noCount.Do(func() {
			if c.log != nil {
				c.log.Infof("server %s does not answer jobs-count-requests in API %s (%v): netbackup_jobs has no DONE count",
					c.srv.source, c.srv.ping.Version, err)
			}
		})
	default:
		return fmt.Errorf("counting finished jobs: %w", err)
	}
	return nil
}

func isUnfinishedJobState(state string) bool {
	for _, s := range unfinishedJobStates {
		if s == state {
			return true
		}
	}
	return false
}

// countJobs asks POST /admin/jobs-count-requests for the number of jobs
// matching filter.
func (c *jobsCollector) countJobs(ctx context.Context, filter string) (int64, error) {
	body := map[string]any{"data": map[string]any{
		"type":       "jobCount",
		"attributes": map[string]any{"filter": filter},
	}}
	var out struct {
		Data struct {
			Attributes struct {
				Count flexInt64 `json:"count"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := c.srv.client.post(ctx, "/admin/jobs-count-requests", body, &out); err != nil {
		return 0, err
	}
	if !out.Data.Attributes.Count.Set {
		return 0, errors.New("jobs-count response without a count")
	}
	return out.Data.Attributes.Count.V, nil
}

func (c *jobsCollector) loadState(data json.RawMessage) error { return c.walker.loadState(data) }

func (c *jobsCollector) saveState() (json.RawMessage, error) { return c.walker.saveState() }
