package netbackup

import (
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// More storage units and disk pools than one page holds: every one is
// reported with the values of the simulator's dataset.
func TestStorageCollectorValuesEqualDataset(t *testing.T) {
	env := startSim(t, nbusim.Config{StorageUnits: 1200, DiskPools: 600})
	p := newTestPlugin(t, on(env), collect("storage"))
	acc := gatherOnce(t, p)
	require.Empty(t, acc.Errors)
	source := p.servers[0].source
	require.Len(t, metricsNamed(acc, "netbackup_storage_server"), 600) // one per pool in the simulator

	// Pages of the documented maximum, and no more requests than needed.
	unitRequests := requestsTo(env.sim, storageUnitsPath)
	require.Len(t, unitRequests, 3)
	for _, r := range unitRequests {
		require.Contains(t, r.RawQuery, "page%5Blimit%5D=500")
	}
	require.Len(t, requestsTo(env.sim, diskPoolsPath), 2)
	require.Len(t, requestsTo(env.sim, storageServersPath), 6)

	// The simulator's dataset, read directly (not counted above).
	pools := storageSimDataset[nbusim.DiskPool](t, env.sim, diskPoolsPath, 500)
	units := storageSimDataset[nbusim.StorageUnit](t, env.sim, storageUnitsPath, 500)
	require.Len(t, pools, 600)
	require.Len(t, units, 1200)

	var wantPools, wantVolumes, wantUnits []*testutil.Metric
	poolNameByID := make(map[string]string, len(pools))
	for _, item := range pools {
		dp := item.Attributes
		poolNameByID[item.ID] = dp.Name
		var down int64
		for _, v := range dp.DiskVolumes {
			up := int64(1)
			if v.State == "DOWN" {
				up, down = 0, down+1
			}
			wantVolumes = append(wantVolumes, &testutil.Metric{Measurement: "netbackup_disk_volume",
				Tags: map[string]string{"source": source, "disk_pool": dp.Name, "disk_volume": v.Name, "state": v.State},
				Fields: map[string]interface{}{"raw_bytes": v.RawSizeBytes, "free_bytes": v.FreeSizeBytes, "up": up,
					"worm_lock_min_seconds": v.WormIndelibleMinimumInterval, "worm_lock_max_seconds": v.WormIndelibleMaximumInterval,
				}})
		}
		up := int64(0)
		if dp.DiskPoolState == "UP" {
			up = 1
		}
		wantPools = append(wantPools, &testutil.Metric{Measurement: "netbackup_disk_pool",
			Tags: map[string]string{"source": source, "disk_pool": dp.Name, "storage_category": dp.StorageCategory, "state": dp.DiskPoolState},
			Fields: map[string]interface{}{
				"total_bytes": dp.UsableSizeBytes, "raw_bytes": dp.RawSizeBytes, "available_bytes": dp.AvailableSpaceBytes,
				"used_bytes": dp.UsedCapacityBytes, "used_percent": float64(dp.UsedCapacityBytes) / float64(dp.UsableSizeBytes) * 100,
				"high_watermark_percent": dp.HighWaterMark, "low_watermark_percent": dp.LowWaterMark,
				"volumes": int64(len(dp.DiskVolumes)), "volumes_down": down, "up": up, "worm_capable": boolInt(dp.WormCapable),
			}})
	}
	for _, item := range units {
		su := item.Attributes
		tags := map[string]string{"source": source, "storage_unit": su.Name, "storage_type": su.StorageType,
			"storage_category": su.StorageCategory}
		if su.StorageServerType != "" {
			tags["storage_server_type"] = su.StorageServerType
		}
		if id := item.Relationships.DiskPool.Data.ID; id != "" {
			tags["disk_pool"] = poolNameByID[id]
		}
		fields := map[string]interface{}{"worm_capable": boolInt(su.WormCapable), "worm_in_use": boolInt(su.UseWorm)}
		if su.TotalCapacityBytes != nil {
			fields["total_bytes"] = *su.TotalCapacityBytes
			fields["free_bytes"] = *su.FreeCapacityBytes
			fields["used_bytes"] = *su.UsedCapacityBytes
			fields["used_percent"] = float64(*su.UsedCapacityBytes) / float64(*su.TotalCapacityBytes) * 100
		}
		if su.MaxConcurrentJobs != nil {
			fields["max_concurrent_jobs"] = *su.MaxConcurrentJobs
		}
		if su.MaxConcurrentDrives != nil {
			fields["max_concurrent_drives"] = *su.MaxConcurrentDrives
		}
		wantUnits = append(wantUnits, &testutil.Metric{Measurement: "netbackup_storage_unit", Tags: tags, Fields: fields})
	}

	require.Equal(t, storageBySeries(t, wantPools), storageBySeries(t, metricsNamed(acc, "netbackup_disk_pool")))
	require.Equal(t, storageBySeries(t, wantVolumes), storageBySeries(t, metricsNamed(acc, "netbackup_disk_volume")))
	require.Equal(t, storageBySeries(t, wantUnits), storageBySeries(t, metricsNamed(acc, "netbackup_storage_unit")))
}
