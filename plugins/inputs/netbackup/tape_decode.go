package netbackup

import "github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"

// Attributes of the tape endpoints (vendor storage.yaml 10.3 to 11.0), only
// those the metrics use.

// driveAttributes: GET /storage/drives (offset paging), type "drive"; the
// resource id is the drive name.
type driveAttributes struct {
	DriveType   string            `json:"driveType"`   // DT_HCART, ...
	RobotType   string            `json:"robotType"`   // NA, NOT_ROBOTIC, ACS, TLD
	RobotNumber nbuapi.Int        `json:"robotNumber"` //
	DriveStatus string            `json:"driveStatus"` // DRIVE_STATUS_UP|DOWN|MIXED|DISABLED
	Enabled     nbuapi.Bool       `json:"enabled"`
	DevicePaths []drivePathStatus `json:"devicePaths"`
}

type drivePathStatus struct {
	DriveName  string `json:"driveName"`
	PathStatus string `json:"pathStatus"` // PATH_STATUS_UP|DOWN|DISABLED
}

// tapeMediaAttributes: GET /storage/tape-media (cursor paging, API >= 11.0,
// NetBackup 10.4), type "volumeInfo"; the resource id is the media id.
type tapeMediaAttributes struct {
	MediaType   string     `json:"mediaType"`   // HCART, HC_CLN, DLT, ...
	VolumePool  string     `json:"volumePool"`  //
	MediaStatus string     `json:"mediaStatus"` // flags, combinable: "ACTIVE MULTIPLEXED"
	KiloBytes   nbuapi.Int `json:"kiloBytes"`   // documented as number/long
}
