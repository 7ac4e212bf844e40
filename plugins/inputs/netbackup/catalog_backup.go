package netbackup

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The catalog_backup collector answers "could we recover NetBackup itself?":
// when did the last catalog backup succeed, and how did the newest one end.
// It asks /admin/jobs for two jobs only (newest finished, newest successful)
// instead of reading the job stream, so it works with any collect list.
//
// Only status 0 counts as a success: a catalog backup ending with status 1
// (partially successful) skipped files of the catalog, and a recovery from
// it may be incomplete. The newest job is reported whatever its status.
//
// The job database keeps jobs for a few days only (KEEP_JOBS_HOURS, 78h by
// default): "no success found" means none within that retention.

// catalogPolicyTypes are the spellings of the catalog policy type: the
// vendor enum says NBU_CATALOG, real servers and older releases NBU-Catalog.
var catalogPolicyTypes = []string{"NBU-Catalog", "NBU_CATALOG"}

type catalogBackupCollector struct {
	srv *server
}

func newCatalogBackupCollector(_ *NetBackup, srv *server) (collector, error) {
	return &catalogBackupCollector{srv: srv}, nil
}

// catalogJobsFilter selects finished catalog backup jobs; onlySuccess adds
// status eq 0.
func catalogJobsFilter(onlySuccess bool) string {
	filter := "(policyType eq " + nbuapi.ODataString(catalogPolicyTypes[0]) +
		" or policyType eq " + nbuapi.ODataString(catalogPolicyTypes[1]) + ") and state eq " + nbuapi.ODataString("DONE")
	if onlySuccess {
		filter += " and status eq 0"
	}
	return filter
}

// newestCatalogJob returns the catalog job with the latest endTime, or nil.
func (c *catalogBackupCollector) newestCatalogJob(ctx context.Context, onlySuccess bool) (*jobAttributes, error) {
	query := url.Values{
		"filter":      {catalogJobsFilter(onlySuccess)},
		"sort":        {"-endTime"},
		"page[limit]": {"1"},
	}
	var answer nbuapi.Page[jobAttributes]
	if err := c.srv.client.Get(ctx, jobsPath, query, &answer); err != nil {
		return nil, err
	}
	if len(answer.Data) == 0 {
		return nil, nil
	}
	return &answer.Data[0].Attributes, nil
}

func (c *catalogBackupCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	newest, err := c.newestCatalogJob(ctx, false)
	if err != nil {
		if c.srv.endpointUnavailable("catalog_backup", jobsPath, err) {
			return nil
		}
		return fmt.Errorf("newest catalog backup job: %w", err)
	}
	c.srv.endpointAvailable("catalog_backup", jobsPath)
	var success *jobAttributes
	if newest != nil {
		if newest.Status.Set && newest.Status.V == 0 {
			success = newest
		} else if success, err = c.newestCatalogJob(ctx, true); err != nil {
			return fmt.Errorf("newest successful catalog backup job: %w", err)
		}
	}
	acc.AddFields("netbackup_catalog_backup", catalogBackupFields(newest, success, c.srv.now()),
		map[string]string{"source": c.srv.source})
	return nil
}

// catalogBackupFields builds the point; found is 0 when the server knows no
// finished catalog backup at all, and the success fields are absent when
// none succeeded.
func catalogBackupFields(newest, success *jobAttributes, now time.Time) map[string]interface{} {
	fields := map[string]interface{}{"found": int64(0)}
	if newest == nil {
		return fields
	}
	fields["found"] = int64(1)
	if newest.JobID.Set {
		fields["last_job_id"] = newest.JobID.V
	}
	if newest.Status.Set {
		fields["last_status"] = newest.Status.V
		setStatusText(fields, "last_status_text", newest.Status.V)
	}
	if !newest.EndTime.IsZero() {
		fields["last_end_time"] = newest.EndTime.Unix()
	}
	if success == nil || success.EndTime.IsZero() {
		return fields
	}
	fields["last_success_time"] = success.EndTime.Unix()
	fields["seconds_since_success"] = max(int64(now.Sub(success.EndTime.Time)/time.Second), 0)
	if success.JobID.Set {
		fields["last_success_job_id"] = success.JobID.V
	}
	return fields
}
