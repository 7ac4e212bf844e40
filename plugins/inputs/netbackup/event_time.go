package netbackup

import (
	"hash/fnv"
	"time"
)

// eventTimestamp is the time of an event point (netbackup_alert,
// netbackup_anomaly, netbackup_malware_scan): the instant the server gives,
// to the millisecond, + (a hash of the event's id mod 1,000,000) ns.
// InfluxDB keys a point by series and time: two events of one instant with
// the same tags (failures alerted in the same second) would otherwise be
// one point, the last written. The id makes the time the same at every
// emission, so an event sent again after a crash overwrites itself.
func eventTimestamp(at time.Time, id string) time.Time {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return at.Truncate(time.Millisecond).Add(time.Duration(h.Sum32() % 1_000_000))
}
