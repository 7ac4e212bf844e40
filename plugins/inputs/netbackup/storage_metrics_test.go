package netbackup

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

func TestDiskPoolPointsFromFixture(t *testing.T) {
	pools := fixtureItems[diskPoolAttributes](t, "storage", "disk_pools.json")
	require.Len(t, pools, 3)

	// UP pool with one of its two volumes DOWN.
	points := diskPoolPoints("nbu", pools[0])
	require.Equal(t, []point{
		{
			measurement: "netbackup_disk_pool",
			tags:        map[string]string{"source": "nbu", "disk_pool": "dp-msdp-01", "storage_category": "MSDP", "state": "UP"},
			fields: map[string]interface{}{
				"total_bytes": int64(30000000000000), "raw_bytes": int64(32985348833280),
				"available_bytes": int64(12000000000000), "used_bytes": int64(18000000000000),
				"used_percent": 60.0, "high_watermark_percent": int64(98), "low_watermark_percent": int64(80),
				"volumes": int64(2), "volumes_down": int64(1), "up": int64(1), "worm_capable": int64(1),
			},
		},
		{
			measurement: "netbackup_disk_volume",
			tags:        map[string]string{"source": "nbu", "disk_pool": "dp-msdp-01", "disk_volume": "PureDiskVolume", "state": "UP"},
			fields: map[string]interface{}{"raw_bytes": int64(16492674416640), "free_bytes": int64(6000000000000), "up": int64(1),
				"worm_lock_min_seconds": int64(86400), "worm_lock_max_seconds": int64(94608000)},
		},
		{
			// The lock durations as a numeric string are read too.
			measurement: "netbackup_disk_volume",
			tags:        map[string]string{"source": "nbu", "disk_pool": "dp-msdp-01", "disk_volume": "PureDiskVolume2", "state": "DOWN"},
			fields: map[string]interface{}{"raw_bytes": int64(16492674416640), "free_bytes": int64(6000000000000), "up": int64(0),
				"worm_lock_min_seconds": int64(3600), "worm_lock_max_seconds": int64(2592000)},
		},
	}, points)

	// DOWN pool sent in mixed case, without usedCapacityBytes nor WORM
	// attributes: the state is upper-cased, used_percent comes from the
	// available space, used_bytes and the WORM fields stay absent.
	points = diskPoolPoints("nbu", pools[1])
	require.Len(t, points, 2)
	require.Equal(t, "DOWN", points[0].tags["state"])
	require.Equal(t, map[string]interface{}{
		"total_bytes": int64(800), "raw_bytes": int64(1000), "available_bytes": int64(200),
		"used_percent": 75.0, "high_watermark_percent": int64(95), "low_watermark_percent": int64(85),
		"volumes": int64(1), "volumes_down": int64(1), "up": int64(0),
	}, points[0].fields)
	require.Equal(t, "DOWN", points[1].tags["state"])
	require.Equal(t, int64(0), points[1].fields["up"])

	// TRANSIENT pool without name, capacities or volumes: tagged by id, only
	// up is known (0), no zero capacities invented.
	points = diskPoolPoints("nbu", pools[2])
	require.Equal(t, []point{{
		measurement: "netbackup_disk_pool",
		tags:        map[string]string{"source": "nbu", "disk_pool": "PureDisk_dp-cloud-03", "storage_category": "CLOUD", "state": "TRANSIENT"},
		fields:      map[string]interface{}{"up": int64(0)},
	}}, points)
}

func TestStorageUnitPointFromFixture(t *testing.T) {
	units := fixtureItems[storageUnitAttributes](t, "storage", "storage_units.json")
	require.Len(t, units, 4)
	poolNames := map[string]string{"PureDisk_dp-msdp-01": "dp-msdp-01"}

	tests := []struct {
		name   string
		unit   int
		tags   map[string]string
		fields map[string]interface{}
	}{
		{
			name: "msdp unit with disk pool nbuapi.Relationship resolved to the pool's name",
			unit: 0,
			tags: map[string]string{"source": "nbu", "storage_unit": "stu-msdp-01", "storage_type": "DISK",
				"storage_category": "MSDP", "storage_server_type": "PureDisk", "disk_pool": "dp-msdp-01"},
			fields: map[string]interface{}{"total_bytes": int64(21990232555520), "free_bytes": int64(8246337208320),
				"used_bytes": int64(13743895347200), "used_percent": float64(13743895347200) / float64(21990232555520) * 100,
				"max_concurrent_jobs": int64(40), "worm_capable": int64(1), "worm_in_use": int64(1)},
		},
		{
			name: "cloud unit (category in lower case): zero capacities are unknown, not empty; unknown pool id kept",
			unit: 1,
			tags: map[string]string{"source": "nbu", "storage_unit": "stu-cloud-02", "storage_type": "Disk",
				"storage_category": "cloud", "storage_server_type": "PureDisk_amazon_rawd", "disk_pool": "PureDisk_unknown-pool"},
			fields: map[string]interface{}{"max_concurrent_jobs": int64(20)},
		},
		{
			name: "tape unit reports what it has",
			unit: 2,
			tags: map[string]string{"source": "nbu", "storage_unit": "stu-tape-03", "storage_type": "Tape",
				"storage_category": "TAPE"},
			fields: map[string]interface{}{"max_concurrent_drives": int64(4)},
		},
		{
			name: "disk unit without usedCapacityBytes (used_percent from free), numeric string tolerated, useWorm absent",
			unit: 3,
			tags: map[string]string{"source": "nbu", "storage_unit": "stu-adv-04", "storage_type": "DISK",
				"storage_category": "ADVANCED_DISK", "storage_server_type": "AdvancedDisk"},
			fields: map[string]interface{}{"total_bytes": int64(1000), "free_bytes": int64(250),
				"used_percent": 75.0, "max_concurrent_jobs": int64(8), "worm_capable": int64(0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := storageUnitPoint("nbu", units[tt.unit], poolNames)
			require.Equal(t, "netbackup_storage_unit", p.measurement)
			require.Equal(t, tt.tags, p.tags)
			require.Equal(t, tt.fields, p.fields)
		})
	}
}

func TestStorageServerPointFromFixture(t *testing.T) {
	servers := fixtureItems[storageServerAttributes](t, "storage", "storage_servers.json")
	require.Len(t, servers, 2)
	require.Equal(t, point{
		measurement: "netbackup_storage_server",
		tags:        map[string]string{"source": "nbu", "storage_server": "nbu-media01", "storage_category": "MSDP", "state": "UP"},
		fields: map[string]interface{}{"up": int64(1), "size_bytes": int64(32000000000000),
			"used_bytes": int64(20000000000000), "available_bytes": int64(12000000000000), "dedup_ratio_percent": 87.5},
	}, storageServerPoint("nbu", servers[0]))
	require.Equal(t, point{
		measurement: "netbackup_storage_server",
		tags:        map[string]string{"source": "nbu", "storage_server": "nbu-media02", "storage_category": "ADVANCED_DISK", "state": "DOWN"},
		fields:      map[string]interface{}{"up": int64(0)},
	}, storageServerPoint("nbu", servers[1]))
}

func TestStorageFlexBool(t *testing.T) {
	tests := []struct {
		in   string
		want nbuapi.Bool
	}{
		{`true`, nbuapi.Bool{V: true, Set: true}},
		{`false`, nbuapi.Bool{V: false, Set: true}},
		{`"TRUE"`, nbuapi.Bool{V: true, Set: true}},
		{`0`, nbuapi.Bool{V: false, Set: true}},
		{`null`, nbuapi.Bool{}},
		{`"maybe"`, nbuapi.Bool{}},
	}
	for _, tt := range tests {
		var b nbuapi.Bool
		require.NoError(t, b.UnmarshalJSON([]byte(tt.in)), tt.in)
		require.Equal(t, tt.want, b, tt.in)
	}
}
