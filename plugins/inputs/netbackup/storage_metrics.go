package netbackup

import "github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"

// Pure conversions from decoded storage resources to metrics (no I/O), so
// that table tests can check every rule: absent values are omitted, never 0;
// state tags are upper-cased; types and categories are compared
// case-insensitively but tagged as the server sends them.

// storageCategoriesWithoutCapacity are the storage unit categories whose
// capacity attributes the vendor documents as "not applicable": a zero total
// there means "unknown", not "empty".
var storageCategoriesWithoutCapacity = []string{"CLOUD", "CLOUD_CATALYST", "TAPE"}

// storageUnitPoint builds netbackup_storage_unit. diskPoolNames maps disk pool
// ids to names (from the disk pool listing of the same gather) so that the
// disk_pool tag joins netbackup_disk_pool; an unknown id is tagged as is.
func storageUnitPoint(source string, r nbuapi.Resource[storageUnitAttributes], diskPoolNames map[string]string) point {
	a := r.Attributes
	tags := map[string]string{"source": source}
	setTag(tags, "storage_unit", firstNonEmpty(a.Name, r.ID))
	setTag(tags, "storage_type", a.StorageType)
	setTag(tags, "storage_category", a.StorageCategory)
	setTag(tags, "storage_server_type", a.StorageServerType)
	if rel, ok := r.Relationships["diskPool"]; ok {
		if ids := rel.IDs(); len(ids) > 0 && ids[0] != "" {
			pool := ids[0]
			if name, known := diskPoolNames[pool]; known && name != "" {
				pool = name
			}
			setTag(tags, "disk_pool", pool)
		}
	}

	fields := make(map[string]interface{}, 6)
	total, free, used := a.TotalCapacityBytes, a.FreeCapacityBytes, a.UsedCapacityBytes
	noCapacity := enumIs(a.StorageCategory, storageCategoriesWithoutCapacity...) &&
		(!total.Set || total.V == 0)
	if !noCapacity {
		setInt(fields, "total_bytes", total)
		setInt(fields, "free_bytes", free)
		setInt(fields, "used_bytes", used)
		if pct, ok := usedPercent(used, total); ok {
			fields["used_percent"] = pct
		} else if free.Set && total.Set && total.V > 0 {
			fields["used_percent"] = float64(total.V-free.V) / float64(total.V) * 100
		}
	}
	setInt(fields, "max_concurrent_jobs", a.MaxConcurrentJobs)
	setInt(fields, "max_concurrent_drives", a.MaxConcurrentDrives)
	setBool(fields, "worm_capable", a.WormCapable)
	setBool(fields, "worm_in_use", a.UseWorm)
	return point{measurement: "netbackup_storage_unit", tags: tags, fields: fields}
}

// diskPoolName is the name a disk pool is tagged with (its name, else its id).
func diskPoolName(r nbuapi.Resource[diskPoolAttributes]) string {
	return firstNonEmpty(r.Attributes.Name, r.ID)
}

// diskPoolPoints builds netbackup_disk_pool and one netbackup_disk_volume per
// volume of the pool.
func diskPoolPoints(source string, r nbuapi.Resource[diskPoolAttributes]) []point {
	a := r.Attributes
	pool := diskPoolName(r)
	tags := map[string]string{"source": source}
	setTag(tags, "disk_pool", pool)
	setTag(tags, "storage_category", a.StorageCategory)
	setTag(tags, "state", stateTag(a.DiskPoolState))

	fields := make(map[string]interface{}, 10)
	setInt(fields, "total_bytes", a.UsableSizeBytes)
	setInt(fields, "raw_bytes", a.RawSizeBytes)
	setInt(fields, "available_bytes", a.AvailableSpaceBytes)
	setInt(fields, "used_bytes", a.UsedCapacityBytes)
	if pct, ok := usedPercent(a.UsedCapacityBytes, a.UsableSizeBytes); ok {
		fields["used_percent"] = pct
	} else if a.AvailableSpaceBytes.Set && a.UsableSizeBytes.Set && a.UsableSizeBytes.V > 0 {
		fields["used_percent"] = float64(a.UsableSizeBytes.V-a.AvailableSpaceBytes.V) / float64(a.UsableSizeBytes.V) * 100
	}
	setInt(fields, "high_watermark_percent", a.HighWaterMark)
	setInt(fields, "low_watermark_percent", a.LowWaterMark)
	if a.DiskPoolState != "" {
		fields["up"] = upValue(a.DiskPoolState, "UP")
	}
	setBool(fields, "worm_capable", a.WormCapable)

	points := make([]point, 0, 1+len(a.DiskVolumes))
	if a.DiskVolumes != nil {
		var down int64
		for _, v := range a.DiskVolumes {
			if enumIs(v.State, "DOWN") {
				down++
			}
			points = append(points, diskVolumePoint(source, pool, v))
		}
		fields["volumes"] = int64(len(a.DiskVolumes))
		fields["volumes_down"] = down
	}
	pointPool := point{measurement: "netbackup_disk_pool", tags: tags, fields: fields}
	return append([]point{pointPool}, points...)
}

func diskVolumePoint(source, pool string, v diskVolumeInfo) point {
	tags := map[string]string{"source": source}
	setTag(tags, "disk_pool", pool)
	setTag(tags, "disk_volume", firstNonEmpty(v.Name, v.ID))
	setTag(tags, "state", stateTag(v.State))
	fields := make(map[string]interface{}, 3)
	setInt(fields, "raw_bytes", v.RawSizeBytes)
	setInt(fields, "free_bytes", v.FreeSizeBytes)
	setInt(fields, "worm_lock_min_seconds", v.WormIndelibleMinimumInterval)
	setInt(fields, "worm_lock_max_seconds", v.WormIndelibleMaximumInterval)
	if v.State != "" {
		fields["up"] = upValue(v.State, "UP")
	}
	return point{measurement: "netbackup_disk_volume", tags: tags, fields: fields}
}

// storageServerPoint builds netbackup_storage_server; the MSDP capacity and
// deduplication fields come only from servers that send msdpAttributes.
func storageServerPoint(source string, r nbuapi.Resource[storageServerAttributes]) point {
	a := r.Attributes
	tags := map[string]string{"source": source}
	setTag(tags, "storage_server", firstNonEmpty(a.Name, r.ID))
	setTag(tags, "storage_category", a.StorageCategory)
	setTag(tags, "state", stateTag(a.StorageServerState))

	fields := make(map[string]interface{}, 5)
	if a.StorageServerState != "" {
		fields["up"] = upValue(a.StorageServerState, "UP")
	}
	if m := a.MSDPAttributes; m != nil {
		if d := m.StoragePoolDetails; d != nil {
			setInt(fields, "size_bytes", d.SizeBytes)
			setInt(fields, "used_bytes", d.UsedSpaceBytes)
			setInt(fields, "available_bytes", d.AvailableSpaceBytes)
		}
		if m.DeduplicationRatioPercentage.Set {
			fields["dedup_ratio_percent"] = m.DeduplicationRatioPercentage.V
		}
	}
	return point{measurement: "netbackup_storage_server", tags: tags, fields: fields}
}
