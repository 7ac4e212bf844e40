package netbackup

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// drivePoint builds netbackup_drive. Enum comparisons accept the documented
// prefixed values (DRIVE_STATUS_UP, PATH_STATUS_DOWN) and the bare ones.
func drivePoint(source string, r nbuapi.Resource[driveAttributes]) point {
	a := r.Attributes
	name := r.ID
	if name == "" && len(a.DevicePaths) > 0 {
		name = a.DevicePaths[0].DriveName
	}
	tags := map[string]string{"source": source}
	setTag(tags, "drive", name)
	setTag(tags, "drive_type", a.DriveType)
	setTag(tags, "robot_type", a.RobotType)
	if a.RobotNumber.Set {
		tags["robot_number"] = strconv.FormatInt(a.RobotNumber.V, 10)
	}
	setTag(tags, "status", stateTag(a.DriveStatus))

	fields := make(map[string]interface{}, 3)
	if a.DriveStatus != "" {
		fields["up"] = upValue(a.DriveStatus, "DRIVE_STATUS_UP", "UP")
	}
	if a.Enabled.Set {
		fields["enabled"] = boolInt(a.Enabled.V)
	}
	if a.DevicePaths != nil {
		var down int64
		for _, p := range a.DevicePaths {
			if enumIs(p.PathStatus, "PATH_STATUS_DOWN", "DOWN") {
				down++
			}
		}
		fields["paths_down"] = down
	}
	return point{measurement: "netbackup_drive", tags: tags, fields: fields}
}

// Tape media status classes, in order of precedence: a medium counts once,
// in the first class that applies.
const (
	tapeStatusCleaning  = "cleaning"  // a cleaning tape (media type *_CLN)
	tapeStatusFrozen    = "frozen"    // FROZEN flag
	tapeStatusSuspended = "suspended" // SUSPENDED flag
	tapeStatusFull      = "full"      // FULL flag
	tapeStatusActive    = "active"    // ACTIVE flag: assigned, being written
	tapeStatusScratch   = "scratch"   // in a scratch pool, or no flag: unassigned, available for new backups
	tapeStatusOther     = "other"     // only flags outside the above (IMPORTED, WORM, ...)
)

// tapeMediaStatusClass classifies one medium. mediaStatus combines flags
// ("ACTIVE MULTIPLEXED"); separators other than blanks are tolerated. A
// medium in a scratch pool (a pool whose name contains "scratch") is
// unassigned by definition: it counts as scratch unless frozen or suspended,
// whatever other flag it carries.
func tapeMediaStatusClass(mediaType, mediaStatus, volumePool string) string {
	if strings.HasSuffix(strings.ToUpper(strings.TrimSpace(mediaType)), "_CLN") {
		return tapeStatusCleaning
	}
	flags := strings.FieldsFunc(strings.ToUpper(mediaStatus), func(r rune) bool {
		return r == ' ' || r == ',' || r == '|' || r == ';' || r == '+' || r == '\t'
	})
	has := func(flag string) bool {
		for _, f := range flags {
			if f == flag {
				return true
			}
		}
		return false
	}
	switch {
	case has("FROZEN"):
		return tapeStatusFrozen
	case has("SUSPENDED"):
		return tapeStatusSuspended
	case strings.Contains(strings.ToLower(volumePool), "scratch"):
		return tapeStatusScratch
	case has("FULL"):
		return tapeStatusFull
	case has("ACTIVE"):
		return tapeStatusActive
	}
	for _, f := range flags {
		if f != "NONE" && f != "AVAILABLE" && f != "SCRATCH" {
			return tapeStatusOther
		}
	}
	return tapeStatusScratch
}

type tapeMediaKey struct {
	volumePool, mediaType, status string
}

type tapeMediaCount struct {
	count, bytes int64
}

// tapeMediaTally aggregates tape media per volume pool, media type and status
// class: a library may hold tens of thousands of tapes, so only the counts are
// kept, never the media.
type tapeMediaTally map[tapeMediaKey]*tapeMediaCount

func (t tapeMediaTally) add(r nbuapi.Resource[tapeMediaAttributes]) {
	a := r.Attributes
	key := tapeMediaKey{
		volumePool: strings.TrimSpace(a.VolumePool),
		mediaType:  strings.TrimSpace(a.MediaType),
		status:     tapeMediaStatusClass(a.MediaType, a.MediaStatus, a.VolumePool),
	}
	c := t[key]
	if c == nil {
		c = &tapeMediaCount{}
		t[key] = c
	}
	c.count++
	if a.KiloBytes.Set && a.KiloBytes.V > 0 {
		c.bytes += a.KiloBytes.V * 1024
	}
}

// compareTapeMediaKeys orders netbackup_tape_media for stable output.
func compareTapeMediaKeys(a, b tapeMediaKey) int {
	return cmp.Or(cmp.Compare(a.volumePool, b.volumePool), cmp.Compare(a.mediaType, b.mediaType), cmp.Compare(a.status, b.status))
}

// points returns netbackup_tape_media for keys (a key without tapes now
// counts 0).
func (t tapeMediaTally) points(source string, keys []tapeMediaKey) []point {
	points := make([]point, 0, len(keys))
	for _, k := range keys {
		c := t[k]
		if c == nil {
			c = &tapeMediaCount{}
		}
		tags := map[string]string{"source": source, "status": k.status}
		setTag(tags, "volume_pool", k.volumePool)
		setTag(tags, "media_type", k.mediaType)
		points = append(points, point{
			measurement: "netbackup_tape_media",
			tags:        tags,
			fields:      map[string]interface{}{"count": c.count, "bytes": c.bytes},
		})
	}
	return points
}
