package netbackup

import (
	"context"

	"github.com/influxdata/telegraf"
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

func init() {
	registerCollector("storage", newStorageCollector)
}

type storageCollector struct {
	srv            *server
	diskPools      *storageFamily
	storageUnits   *storageFamily
	storageServers *storageFamily
}

func newStorageCollector(p *NetBackup, srv *server) (collector, error) {
	return &storageCollector{
		srv:            srv,
		diskPools:      newStorageFamily(srv, p.Log, "disk pools", diskPoolsPath),
		storageUnits:   newStorageFamily(srv, p.Log, "storage units", storageUnitsPath),
		storageServers: newStorageFamily(srv, p.Log, "storage servers", storageServersPath),
	}, nil
}

func (c *storageCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	source := c.srv.source
	client := c.srv.client

	// Disk pools first: their names let storage units tag disk_pool with the
	// pool's name (the relationship carries the pool's opaque id).
	poolNames := make(map[string]string)
	pools := storageReadFamily(c.diskPools,
		offsetItems[diskPoolAttributes](ctx, client, diskPoolsPath, nil, diskPoolsPageLimit), false,
		func(r resource[diskPoolAttributes]) {
			if r.ID != "" {
				poolNames[r.ID] = diskPoolName(r)
			}
			storageAdd(acc, diskPoolPoints(source, r)...)
		})

	units := storageReadFamily(c.storageUnits,
		offsetItems[storageUnitAttributes](ctx, client, storageUnitsPath, nil, storageUnitsPageLimit), false,
		func(r resource[storageUnitAttributes]) {
			storageAdd(acc, storageUnitPoint(source, r, poolNames))
		})

	servers := storageReadFamily(c.storageServers,
		offsetItems[storageServerAttributes](ctx, client, storageServersPath, nil, storageServersPageLimit), false,
		func(r resource[storageServerAttributes]) {
			storageAdd(acc, storageServerPoint(source, r))
		})

	return storageJoinResults(pools, units, servers)
}
