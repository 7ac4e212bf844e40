package netbackup

import (
	"context"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The storage collector: disk pools (and their volumes), storage units and
// storage servers. Every list is read to its end with offset paging at the
// endpoint's page maximum; one endpoint's failure never stops the others.

const (
	storageUnitsPath   = "/storage/storage-units"
	diskPoolsPath      = "/storage/disk-pools"
	storageServersPath = "/storage/storage-servers"

	// Page maxima of the vendor documents (storage.yaml, page[limit]).
	storageUnitsPageLimit   = 500
	diskPoolsPageLimit      = 500
	storageServersPageLimit = 100
)

type storageCollector struct {
	srv            *server
	diskPools      *family
	storageUnits   *family
	storageServers *family
}

func newStorageCollector(p *NetBackup, srv *server) (collector, error) {
	return &storageCollector{
		srv:            srv,
		diskPools:      newFamily(srv, "disk pools", diskPoolsPath),
		storageUnits:   newFamily(srv, "storage units", storageUnitsPath),
		storageServers: newFamily(srv, "storage servers", storageServersPath),
	}, nil
}

func (c *storageCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	source := c.srv.source
	client := c.srv.client

	// Disk pools first: their names let storage units tag disk_pool with the
	// pool's name (the nbuapi.Relationship carries the pool's opaque id).
	poolNames := make(map[string]string)
	pools := readFamily(c.diskPools,
		nbuapi.Items[diskPoolAttributes](ctx, client, offsetList(diskPoolsPath, diskPoolsPageLimit)),
		func(r nbuapi.Resource[diskPoolAttributes]) {
			if r.ID != "" {
				poolNames[r.ID] = diskPoolName(r)
			}
			addPoints(acc, diskPoolPoints(source, r)...)
		})

	units := readFamily(c.storageUnits,
		nbuapi.Items[storageUnitAttributes](ctx, client, offsetList(storageUnitsPath, storageUnitsPageLimit)),
		func(r nbuapi.Resource[storageUnitAttributes]) {
			addPoints(acc, storageUnitPoint(source, r, poolNames))
		})

	servers := readFamily(c.storageServers,
		nbuapi.Items[storageServerAttributes](ctx, client, offsetList(storageServersPath, storageServersPageLimit)),
		func(r nbuapi.Resource[storageServerAttributes]) {
			addPoints(acc, storageServerPoint(source, r))
		})

	return joinFamilyResults(pools, units, servers)
}
