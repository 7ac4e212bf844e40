package netbackup

import (
	"context"
	"fmt"

	"github.com/influxdata/telegraf"
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
var tapeMediaMinAPI = apiVersion{Major: 11, Minor: 0}

func init() {
	registerCollector("tape", newTapeCollector)
}

type tapeCollector struct {
	srv       *server
	drives    *storageFamily
	tapeMedia *storageFamily
}

func newTapeCollector(p *NetBackup, srv *server) (collector, error) {
	return &tapeCollector{
		srv:       srv,
		drives:    newStorageFamily(srv, p.Log, "tape drives", drivesPath),
		tapeMedia: newStorageFamily(srv, p.Log, "tape media", tapeMediaPath),
	}, nil
}

func (c *tapeCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	source := c.srv.source
	client := c.srv.client

	drives := storageReadFamily(c.drives,
		offsetItems[driveAttributes](ctx, client, drivesPath, nil, drivesPageLimit), false,
		func(r resource[driveAttributes]) {
			storageAdd(acc, drivePoint(source, r))
		})

	version := c.srv.ping.Version
	if !version.IsZero() && !version.atLeast(tapeMediaMinAPI.Major, tapeMediaMinAPI.Minor) {
		c.tapeMedia.noteAbsent(fmt.Sprintf("API version %s is older than %s (NetBackup 10.4)", version, tapeMediaMinAPI))
		return storageJoinResults(drives)
	}

	tally := make(tapeMediaTally)
	media := storageReadFamily(c.tapeMedia,
		cursorItems[tapeMediaAttributes](ctx, client, tapeMediaPath, nil, tapeMediaPageLimit), true,
		tally.add)
	// Counts of a list read only in part would look like tapes vanishing:
	// report them only when the whole list was read.
	if media.complete {
		storageAdd(acc, tally.points(source)...)
	}
	return storageJoinResults(drives, media)
}
