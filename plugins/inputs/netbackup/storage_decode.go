package netbackup

import (
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// Attributes of the storage endpoints (/storage/storage-units, disk-pools,
// storage-servers; vendor storage.yaml 10.3 to 11.0), only those the metrics
// use. Numbers are decoded tolerantly (nbuapi.Int, nbuapi.Float: absent, null or
// unreadable leaves Set false) so that one odd value never fails a page and
// an absent capacity is never reported as 0.

// storageUnitAttributes: GET /storage/storage-units, type "storageUnit".
type storageUnitAttributes struct {
	Name                string      `json:"name"`
	StorageType         string      `json:"storageType"`
	StorageSubType      string      `json:"storageSubType"`
	StorageServerType   string      `json:"storageServerType"`
	StorageCategory     string      `json:"storageCategory"`
	FreeCapacityBytes   nbuapi.Int  `json:"freeCapacityBytes"`
	TotalCapacityBytes  nbuapi.Int  `json:"totalCapacityBytes"`
	UsedCapacityBytes   nbuapi.Int  `json:"usedCapacityBytes"`
	MaxConcurrentJobs   nbuapi.Int  `json:"maxConcurrentJobs"`
	MaxConcurrentDrives nbuapi.Int  `json:"maxConcurrentDrives"`
	WormCapable         nbuapi.Bool `json:"wormCapable"` // WORM available for the unit
	UseWorm             nbuapi.Bool `json:"useWorm"`     // WORM configured for the unit
}

// diskPoolAttributes: GET /storage/disk-pools, type "diskPool".
type diskPoolAttributes struct {
	Name                string           `json:"name"`
	SType               string           `json:"sType"`
	StorageCategory     string           `json:"storageCategory"`
	DiskPoolState       string           `json:"diskPoolState"` // UP, DOWN, TRANSIENT
	DiskVolumes         []diskVolumeInfo `json:"diskVolumes"`   // nil when absent
	RawSizeBytes        nbuapi.Int       `json:"rawSizeBytes"`
	UsableSizeBytes     nbuapi.Int       `json:"usableSizeBytes"`
	AvailableSpaceBytes nbuapi.Int       `json:"availableSpaceBytes"`
	UsedCapacityBytes   nbuapi.Int       `json:"usedCapacityBytes"`
	HighWaterMark       nbuapi.Int       `json:"highWaterMark"` // percent
	LowWaterMark        nbuapi.Int       `json:"lowWaterMark"`  // percent
	WormCapable         nbuapi.Bool      `json:"wormCapable"`
}

// diskVolumeInfo is one element of a disk pool's diskVolumes.
type diskVolumeInfo struct {
	Name          string     `json:"name"`
	ID            string     `json:"id"`
	State         string     `json:"state"` // UP, DOWN, UNKNOWN
	RawSizeBytes  nbuapi.Int `json:"rawSizeBytes"`
	FreeSizeBytes nbuapi.Int `json:"freeSizeBytes"`
	// How long an image on the volume stays indelible, at least and at
	// most. The documents give no unit; MSDP's WORM settings are seconds.
	WormIndelibleMinimumInterval nbuapi.Int `json:"wormIndelibleMinimumInterval"`
	WormIndelibleMaximumInterval nbuapi.Int `json:"wormIndelibleMaximumInterval"`
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
		SizeBytes           nbuapi.Int `json:"sizeBytes"`
		UsedSpaceBytes      nbuapi.Int `json:"usedSpaceBytes"`
		AvailableSpaceBytes nbuapi.Int `json:"availableSpaceBytes"`
	} `json:"storagePoolDetails"`
	DeduplicationRatioPercentage nbuapi.Float `json:"deduplicationRatioPercentage"`
}
