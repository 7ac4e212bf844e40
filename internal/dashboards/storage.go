package dashboards

// Storage answers "where does the data go, and is there room?": disk
// pools and their growth, storage units, storage and media servers, tape
// drives and media.
func Storage() Dashboard {
	pool := []string{"source", "disk_pool"}
	return Dashboard{
		Name:        "storage",
		Title:       "NetBackup storage",
		Description: "Disk pools (fill, growth, days until full), storage units, storage servers, media servers, tape drives and tape media.",
		Rows: []Row{
			{Title: "Disk pools", Panels: []Panel{
				{
					Title: "Disk pools", Kind: Table, Width: 12, Height: 8, Merge: true, Unit: "bytes",
					Description: "Each pool's state, size, free space, fill and high watermark.",
					Queries: []Query{
						latest("netbackup_disk_pool", "total_bytes", serverOnly, "source", "disk_pool", "state"),
						latest("netbackup_disk_pool", "available_bytes", serverOnly, "source", "disk_pool", "state"),
						latest("netbackup_disk_pool", "used_percent", serverOnly, "source", "disk_pool", "state"),
						latest("netbackup_disk_pool", "high_watermark_percent", serverOnly, "source", "disk_pool", "state"),
					},
				},
				diskPoolFill,
				daysToFull,
				{
					Title: "Disk pool fill over time", Kind: TimeSeries, Unit: "percent", Width: 12, Height: 8,
					Queries: []Query{overTime("netbackup_disk_pool", "used_percent", "max", serverOnly, pool...)},
				},
				{
					Title: "Disk pool growth per day", Kind: TimeSeries, Unit: "bytes", Width: 12, Height: 8,
					Description: "How fast each pool's used space grows, in bytes per day (negative: it shrinks).",
					Queries: []Query{{
						InfluxQL: `SELECT derivative(mean("used_bytes"), 1d) FROM "netbackup_disk_pool" WHERE "source" =~ /^$server$/ AND $timeFilter ` +
							`GROUP BY time($__interval), "source", "disk_pool" fill(none)`,
						PromQL: `max by (source, disk_pool) (deriv(netbackup_disk_pool_used_bytes{source=~"$server"}[1h])) * 86400`,
						Legend: "{{source}} {{disk_pool}}",
					}},
				},
				{
					Title: "Disk volumes down", Kind: Stat, Width: 4, Height: 4, Thresholds: zeroGood,
					Description: "Volumes in state DOWN, over all pools.",
					Queries:     []Query{sumOfLatest("netbackup_disk_pool", "volumes_down", serverOnly, pool, []string{"source"})},
				},
			}},
			{Title: "Storage units and servers", Panels: []Panel{
				{
					Title: "Storage units", Kind: Table, Width: 12, Height: 9, Merge: true, Unit: "bytes",
					Description: "Size, free space and fill of the disk storage units (tape and cloud units report none).",
					Queries: []Query{
						latest("netbackup_storage_unit", "total_bytes", serverOnly, "source", "storage_unit", "storage_type"),
						latest("netbackup_storage_unit", "free_bytes", serverOnly, "source", "storage_unit", "storage_type"),
						latest("netbackup_storage_unit", "used_percent", serverOnly, "source", "storage_unit", "storage_type"),
					},
				},
				{
					Title: "Storage servers", Kind: Table, Width: 6, Height: 9, Mappings: upDown,
					Description: "Up or down, as NetBackup reports each storage server.",
					Queries:     []Query{lowest("netbackup_storage_server", "up", serverOnly, "source", "storage_server", "storage_category")},
				},
				{
					Title: "Media servers", Kind: Table, Width: 6, Height: 9, Mappings: upDown,
					Description: "Whether each media server's machine is up, with its NetBackup status.",
					Queries:     []Query{latest("netbackup_media_server", "up", serverOnly, "source", "media_server", "status")},
				},
			}},
			{Title: "Tape", Panels: []Panel{
				{
					Title: "Tape drives", Kind: Table, Width: 12, Height: 8, Merge: true,
					Description: "Each drive's status, whether it is enabled, and its device paths down.",
					Queries: []Query{
						latest("netbackup_drive", "up", serverOnly, "source", "drive", "status"),
						latest("netbackup_drive", "enabled", serverOnly, "source", "drive", "status"),
						latest("netbackup_drive", "paths_down", serverOnly, "source", "drive", "status"),
					},
				},
				{
					Title: "Tapes by status", Kind: BarGauge, Width: 6, Height: 8,
					Description: "Tapes per class: active, full, scratch, frozen, suspended, cleaning, other.",
					Queries:     []Query{sumOfLatest("netbackup_tape_media", "count", serverOnly, []string{"source", "volume_pool", "media_type", "status"}, []string{"status"})},
				},
				{
					Title: "Data on tape by volume pool", Kind: BarGauge, Unit: "bytes", Width: 6, Height: 8,
					Queries: []Query{sumOfLatest("netbackup_tape_media", "bytes", serverOnly, []string{"source", "volume_pool", "media_type", "status"}, []string{"volume_pool"})},
				},
			}},
		},
	}
}
