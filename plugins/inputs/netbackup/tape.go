package netbackup

import (
	"context"
	"fmt"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The tape collector: drives (offset paging) and tape media counts (cursor
// paging). The tape media API exists from NetBackup 10.4 (API 11.0) on; an
// older server gets one informative log line and no request.

const (
	drivesPath    = "/storage/drives"
	tapeMediaPath = "/storage/tape-media"

	drivesPageLimit    = 100
	tapeMediaPageLimit = 100
)

// tapeMediaMinAPI is the first API version with /storage/tape-media.
var tapeMediaMinAPI = nbuapi.Version{Major: 11, Minor: 0}

type tapeCollector struct {
	srv       *server
	drives    *family
	tapeMedia *family
	// series lets a count whose tapes are gone (all thawed, a pool
	// emptied) fall to 0 before it is dropped. Gathers never overlap.
	series *drainingSeries[tapeMediaKey]
}

func newTapeCollector(p *NetBackup, srv *server) (collector, error) {
	return &tapeCollector{
		srv:       srv,
		drives:    newFamily(srv, "tape drives", drivesPath),
		tapeMedia: newOptionalFamily(srv, "tape media", tapeMediaPath),
		series:    newDrainingSeries[tapeMediaKey](drainedSeriesKeep),
	}, nil
}

func (c *tapeCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	source := c.srv.source
	client := c.srv.client

	drives := readFamily(c.drives,
		nbuapi.Items[driveAttributes](ctx, client, offsetList(drivesPath, drivesPageLimit)),
		func(r nbuapi.Resource[driveAttributes]) {
			addPoints(acc, drivePoint(source, r))
		})

	if version := c.srv.version(); version.OlderThan(tapeMediaMinAPI.Major, tapeMediaMinAPI.Minor) {
		c.tapeMedia.noteAbsent(fmt.Sprintf("API version %s is older than %s (NetBackup 10.4)", version, tapeMediaMinAPI))
		return joinFamilyResults(drives)
	}

	tally := make(tapeMediaTally)
	media := readFamily(c.tapeMedia,
		nbuapi.Items[tapeMediaAttributes](ctx, client, cursorList(tapeMediaPath, nil, tapeMediaPageLimit)),
		tally.add)
	// Counts of a list read only in part would look like tapes vanishing:
	// report them only when the whole list was read.
	if media.complete {
		keys := c.series.report(keysOf(tally), c.srv.now(), compareTapeMediaKeys)
		addPoints(acc, tally.points(source, keys)...)
	}
	return joinFamilyResults(drives, media)
}
