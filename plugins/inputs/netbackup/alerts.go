package netbackup

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The alerts collector counts NetBackup alerts (GET /manage/alerts, offset
// paging) per severity and category: those created within alert_lookback
// (count) and those first seen by this gather (new_count). With
// alert_events, each new alert also becomes one netbackup_alert point,
// stamped with its creation time.
//
// "New" follows the server's clock, not ours: the state keeps the newest
// createdDateTime seen and the ids of the alerts created at that very
// instant, so an alert is new exactly once, also across a restart when
// state_file is set. Without a saved state the first gather only sets that
// baseline (new_count 0, no events): a restart without a state file must
// not replay a whole lookback window of events. Alerts created while the
// plugin was down for longer than alert_lookback are never fetched.

const (
	alertsPath      = "/manage/alerts"
	alertsPageLimit = 100 // the document states no maximum; 100 is safe
)

// alertKey identifies one netbackup_alerts series.
type alertKey struct {
	severity, category string
}

// defaultAlertKeys are always reported, so that "no ERROR alert" is a 0 and
// not a missing series. JOB is the only category the document lists.
var defaultAlertKeys = []alertKey{{"ERROR", "JOB"}, {"WARNING", "JOB"}, {"INFO", "JOB"}}

type alertsCollector struct {
	srv      *server
	lookback time.Duration
	events   bool

	seenProgress // what survives a restart
	// series are reported with 0 once their alerts have left the lookback,
	// until they have counted none for alert_lookback. Guarded by
	// seenProgress.mu.
	series *drainingSeries[alertKey]
}

func newAlertsCollector(p *NetBackup, srv *server) (collector, error) {
	lookback := time.Duration(p.AlertLookback)
	c := &alertsCollector{
		srv:      srv,
		lookback: lookback,
		events:   p.AlertEvents,
		series:   newDrainingSeries(lookback, defaultAlertKeys...),
	}
	return c, nil
}

// alertEvent is one new alert waiting to be emitted.
type alertEvent struct {
	id string
	a  alertAttributes
}

func (c *alertsCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	c.mu.Lock()
	defer c.mu.Unlock()

	now := c.srv.now()
	c.clampToServerClock(c.srv, "alerts", "newest alert", now)
	start := now.Add(-c.lookback)
	query := url.Values{
		"filter": {"createdDateTime ge " + nbuapi.ODataTime(start)},
		"sort":   {"createdDateTime"},
	}
	counts := make(map[alertKey]*seenCounts)
	reading := c.beginReading()
	var events []alertEvent
	list := nbuapi.List{Path: alertsPath, Query: query, Limit: alertsPageLimit, Paging: nbuapi.OffsetPaging}
	for item, err := range nbuapi.Items[alertAttributes](ctx, c.srv.client, list) {
		if err != nil {
			if c.srv.endpointUnavailable("alerts", alertsPath, err) {
				return nil
			}
			// Nothing is emitted and the state stays: the next gather
			// counts these alerts as new again, once.
			return fmt.Errorf("alerts: %w", err)
		}
		a := item.Attributes
		first, isNew := reading.visit(item.ID, a.CreatedDateTime.Time)
		if !first {
			continue
		}
		key := alertKey{severity: a.Severity, category: a.Category}
		cnt := counts[key]
		if cnt == nil {
			cnt = &seenCounts{}
			counts[key] = cnt
		}
		cnt.count++
		if isNew {
			cnt.newCount++
			if c.events {
				events = append(events, alertEvent{id: item.ID, a: a})
			}
		}
	}
	c.srv.endpointAvailable("alerts", alertsPath)
	reading.commit()
	c.emitCounts(acc, counts, now)
	for _, e := range events {
		acc.AddFields("netbackup_alert", alertEventFields(e), alertEventTags(c.srv.source, e.a), eventTimestamp(e.a.CreatedDateTime.Time, e.id))
	}
	return nil
}

func (c *alertsCollector) emitCounts(acc telegraf.Accumulator, counts map[alertKey]*seenCounts, now time.Time) {
	keys := c.series.report(keysOf(counts), now, func(a, b alertKey) int {
		return cmp.Or(cmp.Compare(a.severity, b.severity), cmp.Compare(a.category, b.category))
	})
	for _, key := range keys {
		cnt := counts[key]
		if cnt == nil {
			cnt = &seenCounts{}
		}
		acc.AddFields("netbackup_alerts",
			map[string]interface{}{"count": cnt.count, "new_count": cnt.newCount},
			map[string]string{"source": c.srv.source, "severity": key.severity, "category": key.category})
	}
}

func alertEventTags(source string, a alertAttributes) map[string]string {
	tags := map[string]string{"source": source}
	for name, value := range map[string]string{
		"severity": a.Severity, "category": a.Category, "sub_category": a.SubCategory, "context": a.Context,
	} {
		if value != "" {
			tags[name] = value
		}
	}
	return tags
}

func alertEventFields(e alertEvent) map[string]interface{} {
	fields := map[string]interface{}{"alert_id": e.id, "title": e.a.Title}
	if e.a.Description != "" {
		fields["description"] = e.a.Description
	}
	if v, err := strconv.ParseInt(e.a.Params["jobId"], 10, 64); err == nil {
		fields["job_id"] = v
	}
	if v, err := strconv.ParseInt(e.a.Params["status"], 10, 64); err == nil {
		fields["status_code"] = v
		setStatusText(fields, "status_text", v)
	}
	if v := e.a.Params["clientName"]; v != "" {
		fields["client"] = v
	}
	if v := e.a.Params["policyName"]; v != "" {
		fields["policy_name"] = v
	}
	return fields
}
