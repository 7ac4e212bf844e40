package netbackup

import (
	"strings"
)

// Attributes of the storage endpoints (/storage/storage-units, disk-pools,
// storage-servers; vendor storage.yaml 10.3 to 11.0), only those the metrics
// use. Numbers are decoded tolerantly (flexInt64/flexFloat64: absent, null or
// unreadable leaves Set false) so that one odd value never fails a page and
// an absent capacity is never reported as 0.

// storageUnitAttributes: GET /storage/storage-units, type "storageUnit".
type storageUnitAttributes struct {
	Name                string    `json:"name"`
	StorageType         string    `json:"storageType"`
	StorageSubType      string    `json:"storageSubType"`
	StorageServerType   string    `json:"storageServerType"`
	StorageCategory     string    `json:"storageCategory"`
	FreeCapacityBytes   flexInt64 `json:"freeCapacityBytes"`
	TotalCapacityBytes  flexInt64 `json:"totalCapacityBytes"`
	UsedCapacityBytes   flexInt64 `json:"usedCapacityBytes"`
	MaxConcurrentJobs   flexInt64 `json:"maxConcurrentJobs"`
	MaxConcurrentDrives flexInt64 `json:"maxConcurrentDrives"`
}

// diskPoolAttributes: GET /storage/disk-pools, type "diskPool".
type diskPoolAttributes struct {
	Name                string           `json:"name"`
	SType               string           `json:"sType"`
	StorageCategory     string           `json:"storageCategory"`
	DiskPoolState       string           `json:"diskPoolState"` // UP, DOWN, TRANSIENT
	DiskVolumes         []diskVolumeInfo `json:"diskVolumes"`   // nil when absent
	RawSizeBytes        flexInt64        `json:"rawSizeBytes"`
	UsableSizeBytes     flexInt64        `json:"usableSizeBytes"`
	AvailableSpaceBytes flexInt64        `json:"availableSpaceBytes"`
	UsedCapacityBytes   flexInt64        `json:"usedCapacityBytes"`
	HighWaterMark       flexInt64        `json:"highWaterMark"` // percent
	LowWaterMark        flexInt64        `json:"lowWaterMark"`  // percent
}

// diskVolumeInfo is one element of a disk pool's diskVolumes.
type diskVolumeInfo struct {
	Name          string    `json:"name"`
	ID            string    `json:"id"`
	State         string    `json:"state"` // UP, DOWN, UNKNOWN
	RawSizeBytes  flexInt64 `json:"rawSizeBytes"`
	FreeSizeBytes flexInt64 `json:"freeSizeBytes"`
}

// storageServerAttributes: GET /storage/storage-servers, type "storageServer".
type storageServerAttributes struct {
	Name               string          `json:"name"`
	StorageCategory    string          `json:"storageCategory"`
	SType              string          `json:"sType"`
	StorageServerState string          `json:"storageServerState"` // UP, DOWN
	MSDPAttributes     *msdpAttributes `json:"msdpAttributes"`     // MSDP servers only
}

type msdpAttributes struct {
	StoragePoolDetails *struct {
		SizeBytes           flexInt64 `json:"sizeBytes"`
		UsedSpaceBytes      flexInt64 `json:"usedSpaceBytes"`
		AvailableSpaceBytes flexInt64 `json:"availableSpaceBytes"`
	} `json:"storagePoolDetails"`
	DeduplicationRatioPercentage flexFloat64 `json:"deduplicationRatioPercentage"`
}

// storageFlexBool is a boolean that may arrive as true/false, "true"/"false"
// (any case), or 1/0; Set is false when absent or unreadable.
type storageFlexBool struct {
	V   bool
	Set bool
}

func (b *storageFlexBool) UnmarshalJSON(data []byte) error {
	*b = storageFlexBool{}
	s := strings.Trim(strings.TrimSpace(string(data)), `"`)
	switch strings.ToLower(s) {
	case "true", "1", "yes":
		*b = storageFlexBool{V: true, Set: true}
	case "false", "0", "no":
		*b = storageFlexBool{V: false, Set: true}
	}
	return nil
}

// storageEnumIs compares a NetBackup enum value case-insensitively (servers
// differ in casing: "Tape", "TAPE"), ignoring surrounding blanks.
func storageEnumIs(value string, want ...string) bool {
	value = strings.TrimSpace(value)
	for _, w := range want {
		if strings.EqualFold(value, w) {
			return true
		}
	}
	return false
}

// storageStateTag normalises a state enum for a tag: upper case, so that a
// series does not split when servers differ in casing ("Up" vs "UP").
func storageStateTag(state string) string {
	return strings.ToUpper(strings.TrimSpace(state))
}

// storageUpValue is 1 when state equals up (case-insensitively), else 0.
func storageUpValue(state string, up ...string) int64 {
	if storageEnumIs(state, up...) {
		return 1
	}
	return 0
}

// storageUsedPercent computes used/total*100; false when it cannot be known.
func storageUsedPercent(used, total flexInt64) (float64, bool) {
	if !used.Set || !total.Set || total.V <= 0 {
		return 0, false
	}
	return float64(used.V) / float64(total.V) * 100, true
}

// storageSetInt adds an int64 field only when the value was sent.
func storageSetInt(fields map[string]interface{}, name string, v flexInt64) {
	if v.Set {
		fields[name] = v.V
	}
}

// storageSetTag adds a tag only when its value is not empty.
func storageSetTag(tags map[string]string, name, value string) {
	if value = strings.TrimSpace(value); value != "" {
		tags[name] = value
	}
}

// storageFirstNonEmpty returns the first non-blank value (a name, else the id).
func storageFirstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
