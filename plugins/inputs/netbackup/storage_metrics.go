package netbackup

// Pure conversions from decoded storage resources to metrics (no I/O), so
// that table tests can check every rule: absent values are omitted, never 0;
// state tags are upper-cased; types and categories are compared
// case-insensitively but tagged as the server sends them.

// storagePoint is one metric before it goes to the accumulator.
type storagePoint struct {
	measurement string
	tags        map[string]string
	fields      map[string]interface{}
}

// storageCategoriesWithoutCapacity are the storage unit categories whose
// capacity attributes the vendor documents as "not applicable": a zero total
// there means "unknown", not "empty".
var storageCategoriesWithoutCapacity = []string{"CLOUD", "CLOUD_CATALYST", "TAPE"}

// storageUnitPoint builds netbackup_storage_unit. diskPoolNames maps disk pool
// ids to names (from the disk pool listing of the same gather) so that the
// disk_pool tag joins netbackup_disk_pool; an unknown id is tagged as is.
func storageUnitPoint(source string, r resource[storageUnitAttributes], diskPoolNames map[string]string) storagePoint {
	a := r.Attributes
	tags := map[string]string{"source": source}
	storageSetTag(tags, "storage_unit", storageFirstNonEmpty(a.Name, r.ID))
	storageSetTag(tags, "storage_type", a.StorageType)
	storageSetTag(tags, "storage_category", a.StorageCategory)
	storageSetTag(tags, "storage_server_type", a.StorageServerType)
	if rel, ok := r.Relationships["diskPool"]; ok {
		if ids := rel.ids(); len(ids) > 0 && ids[0] != "" {
			pool := ids[0]
			if name, known := diskPoolNames[pool]; known && name != "" {
				pool = name
			}
			storageSetTag(tags, "disk_pool", pool)
		}
	}

	fields := make(map[string]interface{}, 6)
	total, free, used := a.TotalCapacityBytes, a.FreeCapacityBytes, a.UsedCapacityBytes
	noCapacity := storageEnumIs(a.StorageCategory, storageCategoriesWithoutCapacity...) &&
		(!total.Set || total.V == 0)
	if !noCapacity {
		storageSetInt(fields, "total_bytes", total)
		storageSetInt(fields, "free_bytes", free)
		storageSetInt(fields, "used_bytes", used)
		if pct, ok := storageUsedPercent(used, total); ok {
			fields["used_percent"] = pct
		} else if free.Set && total.Set && total.V > 0 {
			fields["used_percent"] = float64(total.V-free.V) / float64(total.V) * 100
		}
	}
	storageSetInt(fields, "max_concurrent_jobs", a.MaxConcurrentJobs)
	storageSetInt(fields, "max_concurrent_drives", a.MaxConcurrentDrives)
	return storagePoint{measurement: "netbackup_storage_unit", tags: tags, fields: fields}
}

// diskPoolName is the name a disk pool is tagged with (its name, else its id).
func diskPoolName(r resource[diskPoolAttributes]) string {
	return storageFirstNonEmpty(r.Attributes.Name, r.ID)
}

// diskPoolPoints builds netbackup_disk_pool and one netbackup_disk_volume per
// volume of the pool.
func diskPoolPoints(source string, r resource[diskPoolAttributes]) []storagePoint {
	a := r.Attributes
	pool := diskPoolName(r)
	tags := map[string]string{"source": source}
	storageSetTag(tags, "disk_pool", pool)
	storageSetTag(tags, "storage_category", a.StorageCategory)
	storageSetTag(tags, "state", storageStateTag(a.DiskPoolState))

	fields := make(map[string]interface{}, 10)
	storageSetInt(fields, "total_bytes", a.UsableSizeBytes)
	storageSetInt(fields, "raw_bytes", a.RawSizeBytes)
	storageSetInt(fields, "available_bytes", a.AvailableSpaceBytes)
	storageSetInt(fields, "used_bytes", a.UsedCapacityBytes)
	if pct, ok := storageUsedPercent(a.UsedCapacityBytes, a.UsableSizeBytes); ok {
		fields["used_percent"] = pct
	} else if a.AvailableSpaceBytes.Set && a.UsableSizeBytes.Set && a.UsableSizeBytes.V > 0 {
		fields["used_percent"] = float64(a.UsableSizeBytes.V-a.AvailableSpaceBytes.V) / float64(a.UsableSizeBytes.V) * 100
	}
	storageSetInt(fields, "high_watermark_percent", a.HighWaterMark)
	storageSetInt(fields, "low_watermark_percent", a.LowWaterMark)
	if a.DiskPoolState != "" {
		fields["up"] = storageUpValue(a.DiskPoolState, "UP")
	}

	points := make([]storagePoint, 0, 1+len(a.DiskVolumes))
	if a.DiskVolumes != nil {
		var down int64
		for _, v := range a.DiskVolumes {
			if storageEnumIs(v.State, "DOWN") {
				down++
			}
			points = append(points, diskVolumePoint(source, pool, v))
		}
		fields["volumes"] = int64(len(a.DiskVolumes))
		fields["volumes_down"] = down
	}
	pointPool := storagePoint{measurement: "netbackup_disk_pool", tags: tags, fields: fields}
	return append([]storagePoint{pointPool}, points...)
}

func diskVolumePoint(source, pool string, v diskVolumeInfo) storagePoint {
	tags := map[string]string{"source": source}
	storageSetTag(tags, "disk_pool", pool)
	storageSetTag(tags, "disk_volume", storageFirstNonEmpty(v.Name, v.ID))
	storageSetTag(tags, "state", storageStateTag(v.State))
	fields := make(map[string]interface{}, 3)
	storageSetInt(fields, "raw_bytes", v.RawSizeBytes)
	storageSetInt(fields, "free_bytes", v.FreeSizeBytes)
	if v.State != "" {
		fields["up"] = storageUpValue(v.State, "UP")
	}
	return storagePoint{measurement: "netbackup_disk_volume", tags: tags, fields: fields}
}

// storageServerPoint builds netbackup_storage_server; the MSDP capacity and
// deduplication fields come only from servers that send msdpAttributes.
func storageServerPoint(source string, r resource[storageServerAttributes]) storagePoint {
	a := r.Attributes
	tags := map[string]string{"source": source}
	storageSetTag(tags, "storage_server", storageFirstNonEmpty(a.Name, r.ID))
	storageSetTag(tags, "storage_category", a.StorageCategory)
	storageSetTag(tags, "state", storageStateTag(a.StorageServerState))

	fields := make(map[string]interface{}, 5)
	if a.StorageServerState != "" {
		fields["up"] = storageUpValue(a.StorageServerState, "UP")
	}
	if m := a.MSDPAttributes; m != nil {
		if d := m.StoragePoolDetails; d != nil {
			storageSetInt(fields, "size_bytes", d.SizeBytes)
			storageSetInt(fields, "used_bytes", d.UsedSpaceBytes)
			storageSetInt(fields, "available_bytes", d.AvailableSpaceBytes)
		}
		if m.DeduplicationRatioPercentage.Set {
			fields["dedup_ratio_percent"] = m.DeduplicationRatioPercentage.V
		}
	}
	return storagePoint{measurement: "netbackup_storage_server", tags: tags, fields: fields}
}
