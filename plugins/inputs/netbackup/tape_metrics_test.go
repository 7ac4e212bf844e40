package netbackup

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDrivePointFromFixture(t *testing.T) {
	drives := fixtureItems[driveAttributes](t, "storage", "drives.json")
	require.Len(t, drives, 3)
	require.Equal(t, point{
		measurement: "netbackup_drive",
		tags: map[string]string{"source": "nbu", "drive": "HP.ULTRIUM8-SCSI.000", "drive_type": "DT_HCART",
			"robot_type": "TLD", "robot_number": "0", "status": "DRIVE_STATUS_UP"},
		fields: map[string]interface{}{"up": int64(1), "enabled": int64(1), "paths_down": int64(1)},
	}, drivePoint("nbu", drives[0]))
	// A disabled path is not a down path.
	require.Equal(t, map[string]interface{}{"up": int64(0), "enabled": int64(0), "paths_down": int64(1)},
		drivePoint("nbu", drives[1]).fields)
	// Standalone drive: no robot number, no paths, no enabled flag sent.
	p := drivePoint("nbu", drives[2])
	require.Equal(t, map[string]string{"source": "nbu", "drive": "standalone-2", "drive_type": "DT_DLT",
		"robot_type": "NOT_ROBOTIC", "status": "DRIVE_STATUS_MIXED"}, p.tags)
	require.Equal(t, map[string]interface{}{"up": int64(0)}, p.fields)
}

func TestTapeMediaStatusClass(t *testing.T) {
	tests := []struct {
		mediaType, status, pool, want string
	}{
		{"HCART", "ACTIVE MULTIPLEXED", "NetBackup", "active"},
		{"HCART", "ACTIVE", "NetBackup", "active"},
		{"HCART", "active", "NetBackup", "active"},
		{"HCART", "FULL", "NetBackup", "full"},
		{"HCART", "FULL FROZEN", "NetBackup", "frozen"},
		{"HCART", "FROZEN,SUSPENDED", "NetBackup", "frozen"},
		{"HCART", "SUSPENDED|ACTIVE", "NetBackup", "suspended"},
		{"HCART", "", "NetBackup", "scratch"},
		{"HCART", "NONE", "NetBackup", "scratch"},
		{"HC_CLN", "ACTIVE", "NetBackup", "cleaning"},
		{"dlt2_cln", "", "NetBackup", "cleaning"},
		{"HCART", "IMPORTED", "NetBackup", "other"},
		{"HCART", "ACTIVE", "Scratch", "scratch"},
		{"HCART", "FULL", "scratch_pool", "scratch"},
		{"HCART", "FROZEN", "Scratch", "frozen"},
		{"HC_CLN", "", "Scratch", "cleaning"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tapeMediaStatusClass(tt.mediaType, tt.status, tt.pool), "%s %q", tt.mediaType, tt.status)
	}
}

func TestTapeMediaTallyFromFixture(t *testing.T) {
	tally := make(tapeMediaTally)
	for _, m := range fixtureItems[tapeMediaAttributes](t, "storage", "tape_media.json") {
		tally.add(m)
	}
	tapePoint := func(pool, mediaType, status string, count, bytes int64) point {
		return point{
			measurement: "netbackup_tape_media",
			tags:        map[string]string{"source": "nbu", "volume_pool": pool, "media_type": mediaType, "status": status},
			fields:      map[string]interface{}{"count": count, "bytes": bytes},
		}
	}
	require.Equal(t, []point{
		tapePoint("NetBackup", "HCART", "active", 2, (1048576+1024)*1024),
		tapePoint("NetBackup", "HCART", "frozen", 1, 10*1024),
		tapePoint("NetBackup", "HCART", "full", 1, 2048*1024),
		tapePoint("NetBackup", "HCART", "other", 1, 5*1024),
		tapePoint("NetBackup", "HCART", "suspended", 1, 4*1024),
		tapePoint("None", "HC_CLN", "cleaning", 1, 0),
		tapePoint("Scratch", "HCART", "scratch", 2, 0),
	}, tally.points("nbu", sortedTapeMediaKeys(tally)))
}

func TestMediaServerPointFromFixture(t *testing.T) {
	servers := fixtureItems[mediaServerAttributes](t, "storage", "media_servers.json")
	require.Len(t, servers, 4)
	require.Equal(t, point{
		measurement: "netbackup_media_server",
		tags:        map[string]string{"source": "nbu", "media_server": "nbu-media01", "status": "ACTIVE_FOR_TAPE_AND_DISK"},
		fields:      map[string]interface{}{"up": int64(1)},
	}, mediaServerPoint("nbu", servers[0]))
	require.Equal(t, map[string]interface{}{"up": int64(0)}, mediaServerPoint("nbu", servers[1]).fields)
	// No isMachineUp: derived from the status; upper-cased tag.
	p := mediaServerPoint("nbu", servers[2])
	require.Equal(t, "DEACTIVATED", p.tags["status"])
	require.Equal(t, map[string]interface{}{"up": int64(0)}, p.fields)
	// Neither isMachineUp nor a telling status: up unknown, omitted.
	require.Empty(t, mediaServerPoint("nbu", servers[3]).fields)
}

// sortedTapeMediaKeys is the keys of a tally, in output order.
func sortedTapeMediaKeys(t tapeMediaTally) []tapeMediaKey {
	return slices.SortedFunc(keysOf(t), compareTapeMediaKeys)
}
