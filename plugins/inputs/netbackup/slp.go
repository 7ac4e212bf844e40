package netbackup

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The slp collector reports the SLP backlog: images whose storage lifecycle
// work (duplications, replications) is not complete yet, per SLP and image
// state, from GET /catalog/slp-images (API 10.0+, cursor paging).
//
// The vendor document allows only "eq" on slpImageState, so the collector
// asks once per unfinished state instead of "ne 'COMPLETE'". The API gives
// no image size (fragmentSize is the configured fragment size, not the
// amount of data), so there is no bytes field.

const (
	slpImagesPath = "/catalog/slp-images"
	slpPageLimit  = 1000 // the documented maximum
)

// slpBacklogStates are the slpImageState values of images still waiting for
// (or in) SLP processing; "|INACTIVE" marks an SLP that was suspended.
var slpBacklogStates = []string{"NOT_STARTED", "IN_PROCESS", "NOT_STARTED|INACTIVE", "IN_PROCESS|INACTIVE"}

type slpImageAttributes struct {
	SLPName       string      `json:"slpName"`
	SLPImageState string      `json:"slpImageState"`
	BackupTime    nbuapi.Time `json:"backupTime"`
}

type slpBacklogKey struct {
	slpName, state string
}

type slpBacklog struct {
	images int64
	oldest time.Time // zero when no image had a readable backupTime
}

type slpCollector struct {
	srv *server
	// series lets a backlog that drained be reported as 0 instead of
	// leaving its last value standing, for a day.
	series *drainingSeries[slpBacklogKey]
}

func newSLPCollector(_ *NetBackup, srv *server) (collector, error) {
	return &slpCollector{srv: srv, series: newDrainingSeries[slpBacklogKey](drainedSeriesKeep)}, nil
}

func (c *slpCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	backlog := make(map[slpBacklogKey]*slpBacklog)
	for _, state := range slpBacklogStates {
		query := url.Values{"filter": {"slpImageState eq " + nbuapi.ODataString(state)}}
		for item, err := range nbuapi.Items[slpImageAttributes](ctx, c.srv.client, cursorList(slpImagesPath, query, slpPageLimit)) {
			if err != nil {
				if c.srv.endpointUnavailable("slp", slpImagesPath, err) {
					return nil
				}
				return fmt.Errorf("SLP images in state %s: %w", state, err)
			}
			addSLPImage(backlog, state, item.Attributes)
		}
	}
	c.srv.endpointAvailable("slp", slpImagesPath)
	c.emit(acc, backlog, c.srv.now())
	return nil
}

// addSLPImage counts one image returned for the filter state. An image in
// another state is skipped: a server that ignored the filter returns every
// image for every state, and each would otherwise be counted four times.
func addSLPImage(backlog map[slpBacklogKey]*slpBacklog, filterState string, a slpImageAttributes) {
	state := normalizeSLPState(a.SLPImageState)
	if state == "" {
		state = filterState
	}
	if state != filterState {
		return
	}
	key := slpBacklogKey{slpName: a.SLPName, state: state}
	b := backlog[key]
	if b == nil {
		b = &slpBacklog{}
		backlog[key] = b
	}
	b.images++
	if t := a.BackupTime.Time; !t.IsZero() && (b.oldest.IsZero() || t.Before(b.oldest)) {
		b.oldest = t
	}
}

// normalizeSLPState upper-cases and drops blanks ("NOT_STARTED | INACTIVE").
func normalizeSLPState(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

func (c *slpCollector) emit(acc telegraf.Accumulator, backlog map[slpBacklogKey]*slpBacklog, now time.Time) {
	keys := c.series.report(keysOf(backlog), now, func(a, b slpBacklogKey) int {
		return cmp.Or(cmp.Compare(a.slpName, b.slpName), cmp.Compare(a.state, b.state))
	})
	for _, key := range keys {
		fields := map[string]interface{}{"images": int64(0)}
		if b := backlog[key]; b != nil {
			fields["images"] = b.images
			if !b.oldest.IsZero() {
				fields["oldest_backup_age_seconds"] = max(int64(now.Sub(b.oldest)/time.Second), 0)
			}
		}
		acc.AddFields("netbackup_slp_backlog", fields, map[string]string{
			"source":   c.srv.source,
			"slp_name": key.slpName,
			"state":    key.state,
		})
	}
}
