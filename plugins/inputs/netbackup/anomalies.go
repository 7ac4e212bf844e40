package netbackup

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The anomalies collector counts the anomalies NetBackup's anomaly
// detection keeps (GET /security/anomalies, offset paging, every page) per
// severity and review status: all of them (count) and those first seen by
// this gather (new_count). With anomaly_events, each new anomaly also
// becomes one netbackup_anomaly point, stamped with its detection time.
//
// "New" follows alerts (see newestSeen): each anomaly is new exactly once,
// also across restarts when state_file is set; the first gather without a
// saved state only sets the baseline. The list is read oldest first, so an
// anomaly detected during the walk lands on the last page instead of
// shifting the pages still to read.

const (
	anomaliesPath      = "/security/anomalies"
	anomaliesPageLimit = 100 // the documented maximum
)

// anomaliesMinAPI: anomaly detection came with NetBackup 9.1 and 10; the
// oldest documents here (10.3, API 10.0) have the endpoint. Servers before
// API 5.0 (NetBackup 9.0) predate the feature and are not asked; those in
// between are, and a 404 is said once.
var anomaliesMinAPI = nbuapi.Version{Major: 5, Minor: 0}

// anomalyKey identifies one netbackup_anomalies series.
type anomalyKey struct {
	severity, status string
}

// defaultAnomalyKeys are always reported, so that "no high-severity
// anomaly waiting for review" is a 0 and not a missing series.
var defaultAnomalyKeys = []anomalyKey{{"HIGH", "NOT_REVIEWED"}, {"MEDIUM", "NOT_REVIEWED"}, {"LOW", "NOT_REVIEWED"}}

type anomaliesCollector struct {
	srv       *server
	events    bool
	anomalies *family

	seenProgress
	series *drainingSeries[anomalyKey] // guarded by seenProgress.mu
}

func newAnomaliesCollector(p *NetBackup, srv *server) (collector, error) {
	c := &anomaliesCollector{
		srv:       srv,
		events:    p.AnomalyEvents,
		anomalies: newOptionalFamily(srv, "anomalies", anomaliesPath),
		series:    newDrainingSeries(drainedSeriesKeep, defaultAnomalyKeys...),
	}
	return c, nil
}

type anomalyEvent struct {
	id string
	a  anomalyAttributes
}

func (c *anomaliesCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version := c.srv.version(); version.OlderThan(anomaliesMinAPI.Major, anomaliesMinAPI.Minor) {
		c.anomalies.noteAbsent(fmt.Sprintf("API version %s predates anomaly detection (NetBackup 9.1 and later)", version))
		return nil
	}

	c.clampToServerClock(c.srv, "anomalies", "newest anomaly", c.srv.now())
	counts := make(map[anomalyKey]*seenCounts)
	reading := c.beginReading()
	var events []anomalyEvent
	list := nbuapi.List{Path: anomaliesPath, Query: url.Values{"sort": {"createdDateTime"}},
		Limit: anomaliesPageLimit, Paging: nbuapi.OffsetPaging}
	res := readFamily(c.anomalies, nbuapi.Items[anomalyAttributes](ctx, c.srv.client, list),
		func(item nbuapi.Resource[anomalyAttributes]) {
			a := item.Attributes
			first, isNew := reading.visit(item.ID, a.CreatedDateTime.Time)
			if !first {
				return
			}
			key := anomalyKey{severity: stateTag(a.AnomalySeverity), status: stateTag(a.AnomalyStatus)}
			cnt := counts[key]
			if cnt == nil {
				cnt = &seenCounts{}
				counts[key] = cnt
			}
			cnt.count++
			if isNew {
				cnt.newCount++
				if c.events {
					events = append(events, anomalyEvent{id: item.ID, a: a})
				}
			}
		})
	if !res.complete {
		// Nothing is emitted and the state stays: counts of a partial list
		// would look like anomalies vanishing, and the next gather counts
		// these anomalies as new again, once.
		return joinFamilyResults(res)
	}
	reading.commit()
	c.emitCounts(acc, counts, c.srv.now())
	for _, e := range events {
		acc.AddFields("netbackup_anomaly", anomalyEventFields(e), anomalyEventTags(c.srv.source, e.a), eventTimestamp(e.a.CreatedDateTime.Time, e.id))
	}
	return joinFamilyResults(res)
}

func (c *anomaliesCollector) emitCounts(acc telegraf.Accumulator, counts map[anomalyKey]*seenCounts, now time.Time) {
	keys := c.series.report(keysOf(counts), now, func(a, b anomalyKey) int {
		return cmp.Or(cmp.Compare(a.severity, b.severity), cmp.Compare(a.status, b.status))
	})
	for _, key := range keys {
		cnt := counts[key]
		if cnt == nil {
			cnt = &seenCounts{}
		}
		tags := map[string]string{"source": c.srv.source}
		setTag(tags, "severity", key.severity)
		setTag(tags, "status", key.status)
		acc.AddFields("netbackup_anomalies",
			map[string]interface{}{"count": cnt.count, "new_count": cnt.newCount}, tags)
	}
}

func anomalyEventTags(source string, a anomalyAttributes) map[string]string {
	tags := map[string]string{"source": source}
	setTag(tags, "severity", stateTag(a.AnomalySeverity))
	setTag(tags, "anomaly_type", a.AnomalyType)
	setTag(tags, "policy_type", a.PolicyType)
	return tags
}

func anomalyEventFields(e anomalyEvent) map[string]interface{} {
	a := e.a
	fields := map[string]interface{}{"anomaly_id": e.id}
	for name, v := range map[string]string{
		"client": a.ClientName, "policy_name": a.PolicyName, "backup_id": a.BackupID,
		"summary": a.AnomalySummary, "status": a.AnomalyStatus,
	} {
		if v != "" {
			fields[name] = v
		}
	}
	setInt(fields, "job_id", a.JobID)
	setInt(fields, "anomaly_count", a.AnomalyCount)
	if a.AnomalyScore.Set {
		fields["score"] = a.AnomalyScore.V
	}
	return fields
}
