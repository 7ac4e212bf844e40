package nbusim

import (
	"fmt"
	"math/rand"
	"time"
)

const tib = int64(1) << 40

// StorageUnit is the attributes object of GET /storage/storage-units items.
// Capacity fields are nil for cloud and tape units ("not applicable").
type StorageUnit struct {
	Name                       string              `json:"name"`
	StorageType                string              `json:"storageType"`
	StorageSubType             string              `json:"storageSubType"`
	StorageServerType          string              `json:"storageServerType"`
	StorageCategory            string              `json:"storageCategory"`
	UseAnyAvailableMediaServer bool                `json:"useAnyAvailableMediaServer"`
	Accelerator                bool                `json:"accelerator"`
	ReplicationCapable         bool                `json:"replicationCapable"`
	ReplicationSourceCapable   bool                `json:"replicationSourceCapable"`
	ReplicationTargetCapable   bool                `json:"replicationTargetCapable"`
	Snapshot                   bool                `json:"snapshot"`
	Mirror                     bool                `json:"mirror"`
	Independent                bool                `json:"independent"`
	Primary                    bool                `json:"primary"`
	InstantAccessEnabled       bool                `json:"instantAccessEnabled"`
	ScaleOutEnabled            bool                `json:"scaleOutEnabled"`
	IsCloudSTU                 bool                `json:"isCloudSTU"`
	FreeCapacityBytes          *int64              `json:"freeCapacityBytes,omitempty"`
	TotalCapacityBytes         *int64              `json:"totalCapacityBytes,omitempty"`
	UsedCapacityBytes          *int64              `json:"usedCapacityBytes,omitempty"`
	MediaServerDetails         []MediaServerDetail `json:"mediaServerDetails,omitempty"`
	MaxFragmentSizeMegabytes   int64               `json:"maxFragmentSizeMegabytes"`
	MaxConcurrentJobs          *int64              `json:"maxConcurrentJobs,omitempty"`
	MaxConcurrentDrives        *int64              `json:"maxConcurrentDrives,omitempty"`
	OnDemandOnly               bool                `json:"onDemandOnly"`
	WormCapable                bool                `json:"wormCapable"`
	UseWorm                    bool                `json:"useWorm"`
	RobotType                  string              `json:"robotType,omitempty"`
	RobotNumber                *int64              `json:"robotNumber,omitempty"`
	Density                    string              `json:"density,omitempty"`
	Multiplexing               *int64              `json:"multiplexing,omitempty"`
	DiskPool                   string              `json:"-"` // relationships.diskPool id ("" for tape)
}

// MediaServerDetail is an item of mediaServerDetails.
type MediaServerDetail struct {
	Name             string `json:"name"`
	OperatingSystem  string `json:"operatingSystem"`
	NetbackupVersion string `json:"netbackupVersion"`
}

// DiskVolume is an item of a disk pool's diskVolumes.
type DiskVolume struct {
	Name                         string `json:"name"`
	ID                           string `json:"id"`
	DiskMediaID                  string `json:"diskMediaId"`
	State                        string `json:"state"`
	RawSizeBytes                 int64  `json:"rawSizeBytes"`
	FreeSizeBytes                int64  `json:"freeSizeBytes"`
	IsReplicationSource          bool   `json:"isReplicationSource"`
	IsReplicationTarget          bool   `json:"isReplicationTarget"`
	WormIndelibleMinimumInterval int64  `json:"wormIndelibleMinimumInterval"`
	WormIndelibleMaximumInterval int64  `json:"wormIndelibleMaximumInterval"`
}

// MaximumIoStreams of a disk pool.
type MaximumIoStreams struct {
	LimitIoStreams   bool  `json:"limitIoStreams"`
	StreamsPerVolume int64 `json:"streamsPerVolume,omitempty"`
}

// DiskPool is the attributes object of GET /storage/disk-pools items.
type DiskPool struct {
	ID                   string           `json:"-"`
	Name                 string           `json:"name"`
	SType                string           `json:"sType"`
	StorageCategory      string           `json:"storageCategory"`
	DiskVolumes          []DiskVolume     `json:"diskVolumes"`
	HighWaterMark        int64            `json:"highWaterMark"`
	LowWaterMark         int64            `json:"lowWaterMark"`
	MaximumIoStreams     MaximumIoStreams `json:"maximumIoStreams"`
	DiskPoolState        string           `json:"diskPoolState"`
	RawSizeBytes         int64            `json:"rawSizeBytes"`
	UsableSizeBytes      int64            `json:"usableSizeBytes"`
	AvailableSpaceBytes  int64            `json:"availableSpaceBytes"`
	UsedCapacityBytes    int64            `json:"usedCapacityBytes"`
	WormCapable          bool             `json:"wormCapable"`
	ReadOnly             bool             `json:"readOnly"`
	DiskPoolCapabilities []string         `json:"diskPoolCapabilities"`
	MediaServersCount    int64            `json:"mediaServersCount"`
	StorageServer        string           `json:"-"`
}

// StoragePoolDetails of an MSDP storage server.
type StoragePoolDetails struct {
	RawSizeBytes        int64 `json:"rawSizeBytes"`
	ReservedSpaceBytes  int64 `json:"reservedSpaceBytes"`
	SizeBytes           int64 `json:"sizeBytes"`
	UsedSpaceBytes      int64 `json:"usedSpaceBytes"`
	AvailableSpaceBytes int64 `json:"availableSpaceBytes"`
}

// MSDPAttributes of an MSDP storage server.
type MSDPAttributes struct {
	StoragePath                  string             `json:"storagePath"`
	SpaLogPath                   string             `json:"spaLogPath"`
	DeduplicationDBPath          string             `json:"deduplicationDBPath"`
	SpecificNetworkInterface     string             `json:"specificNetworkInterface"`
	SpaLogRetention              int64              `json:"spaLogRetention"`
	VerboseLevel                 int64              `json:"verboseLevel"`
	FipsEnabled                  bool               `json:"fipsEnabled"`
	StoragePoolDetails           StoragePoolDetails `json:"storagePoolDetails"`
	CatalogLogicalSizeBytes      int64              `json:"catalogLogicalSizeBytes"`
	CatalogFilesCount            int64              `json:"catalogFilesCount"`
	DeduplicationRatioPercentage float64            `json:"deduplicationRatioPercentage"`
}

// StorageServer is the attributes object of GET /storage/storage-servers items.
type StorageServer struct {
	ID                            string              `json:"-"`
	Name                          string              `json:"name"`
	StorageCategory               string              `json:"storageCategory"`
	SType                         string              `json:"sType"`
	NbuHostVersion                string              `json:"nbuHostVersion"`
	AdditionalMediaServersDetails []MediaServerDetail `json:"additionalMediaServersDetails"`
	EncryptionEnabled             bool                `json:"encryptionEnabled"`
	KmsEnabled                    bool                `json:"kmsEnabled"`
	IsSnapshotSupported           bool                `json:"isSnapshotSupported"`
	IsAcceleratorSupported        bool                `json:"isAcceleratorSupported"`
	IsAIRSupported                bool                `json:"isAIRSupported"`
	NbuStatusCode                 int64               `json:"nbuStatusCode"`
	StorageServerState            string              `json:"storageServerState"`
	StorageServerCapabilities     []string            `json:"storageServerCapabilities"`
	StorageUnits                  []string            `json:"storageUnits"`
	IsWormSupported               bool                `json:"isWormSupported"`
	IsUshareSupported             bool                `json:"isUshareSupported"`
	MSDPAttributes                *MSDPAttributes     `json:"msdpAttributes,omitempty"`
}

// DevicePath is an item of a drive's devicePaths.
type DevicePath struct {
	PathIndex  int64  `json:"pathIndex"`
	DeviceHost string `json:"deviceHost"`
	DriveName  string `json:"driveName"`
	DevicePath string `json:"devicePath"`
	IsEnabled  bool   `json:"isEnabled"`
	PathStatus string `json:"pathStatus"`
}

// Drive is the attributes object of GET /storage/drives items.
type Drive struct {
	DriveName        string       `json:"-"` // the item id
	SerialNumber     string       `json:"serialNumber"`
	DriveIndex       int64        `json:"driveIndex"`
	DevicePaths      []DevicePath `json:"devicePaths"`
	DriveType        string       `json:"driveType"`
	RobotType        string       `json:"robotType"`
	RobotNumber      int64        `json:"robotNumber"`
	RobotDriveNumber int64        `json:"robotDriveNumber"`
	DriveControl     string       `json:"driveControl"`
	DriveStatus      string       `json:"driveStatus"`
	Enabled          bool         `json:"enabled"`
	LastCleaningTime string       `json:"lastCleaningTime"`
	MountTime        string       `json:"mountTime"`
	RecordedMediaID  string       `json:"recordedMediaId"`
}

// TapeRobot is a tape's robot.
type TapeRobot struct {
	RobotType   string `json:"robotType"`
	RobotNumber int64  `json:"robotNumber"`
	RobotHost   string `json:"robotHost"`
}

// TapeMedia is the attributes object of GET /storage/tape-media items.
type TapeMedia struct {
	MediaID          string    `json:"-"` // the item id
	Barcode          string    `json:"barcode"`
	MediaType        string    `json:"mediaType"`
	Robot            TapeRobot `json:"robot"`
	Slot             int64     `json:"slot"`
	VolumeGroup      string    `json:"volumeGroup"`
	VolumePool       string    `json:"volumePool"`
	Mounts           int64     `json:"mounts"`
	Application      string    `json:"application"`
	MaxMounts        int64     `json:"maxMounts"`
	Created          string    `json:"created"`
	LastWritten      string    `json:"lastWritten,omitempty"`
	KiloBytes        int64     `json:"kiloBytes"`
	Images           int64     `json:"images"`
	ValidImages      int64     `json:"validImages"`
	NumberOfRestores int64     `json:"numberOfRestores"`
	OriginHost       string    `json:"originHost"`
	MediaStatus      string    `json:"mediaStatus"`
	MediaOwner       string    `json:"mediaOwner"`
	LastWriteHost    string    `json:"lastWriteHost"`
}

func i64(v int64) *int64 { return &v }

func isoMs(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// stuKinds cycles the storage unit flavours; the spellings of storageType
// and storageSubType mix cases as real servers do ("DISK" but "Tape").
var stuKinds = []struct{ prefix, stype, subType, serverType, category string }{
	{"stu-msdp", "DISK", "PureDisk", "PureDisk", "MSDP"},
	{"stu-adv", "DISK", "AdvancedDisk", "AdvancedDisk", "ADVANCED_DISK"},
	{"stu-tape-hcart", "Tape", "", "", "TAPE"},
	{"stu-cloud", "DISK", "PureDisk", "PureDisk", "CLOUD"},
	{"stu-msdp-dr", "DISK", "PureDisk", "PureDisk", "MSDP"},
	{"stu-basic", "DISK", "BasicDisk", "BasicDisk", "BASIC_DISK"},
}

// dpKinds cycles the disk pool flavours; the MSDP pool holding the
// disaster-recovery copies is WORM (immutable and indelible backups).
var dpKinds = []struct {
	prefix, sType, category string
	worm                    bool
}{
	{"dp-msdp", "PureDisk", "MSDP", false},
	{"dp-adv", "AdvancedDisk", "ADVANCED_DISK", false},
	{"dp-cloud", "PureDisk", "CLOUD", false},
	{"dp-msdp-dr", "PureDisk", "MSDP", true},
}

// The lock durations of WORM disk volumes (wormIndelibleMinimumInterval,
// wormIndelibleMaximumInterval). The documents give no unit; MSDP's own
// WORM settings take seconds, and so does the simulator.
const (
	wormMinLockSeconds = 24 * 3600
	wormMaxLockSeconds = 3 * 365 * 24 * 3600
)

func (d *dataset) buildStorage(cfg Config, rng *rand.Rand) {
	now := cfg.Start
	msDetail := func(i int) []MediaServerDetail {
		return []MediaServerDetail{{Name: d.mediaServers[i%len(d.mediaServers)], OperatingSystem: "linux", NetbackupVersion: cfg.Release}}
	}
	// Disk pools (and one storage server per pool).
	for i := 0; i < cfg.DiskPools; i++ {
		k := dpKinds[i%len(dpKinds)]
		name := fmt.Sprintf("%s-%02d", k.prefix, i/len(dpKinds)+1)
		server := fmt.Sprintf("%s-%02d.example.com", d.mediaServers[i%len(d.mediaServers)], i+1)
		dp := DiskPool{
			ID: k.sType + "_" + name, Name: name, SType: k.sType, StorageCategory: k.category,
			HighWaterMark: 98, LowWaterMark: 80, DiskPoolState: "UP",
			MaximumIoStreams:     MaximumIoStreams{LimitIoStreams: i%2 == 0, StreamsPerVolume: 0},
			DiskPoolCapabilities: []string{"OPTIMIZED_IMAGE", "ADMIN_UP", "INTERNAL_UP"},
			MediaServersCount:    int64(1 + i%len(d.mediaServers)), StorageServer: server,
		}
		if dp.MaximumIoStreams.LimitIoStreams {
			dp.MaximumIoStreams.StreamsPerVolume = 20
		}
		// Not WORM_CAPABLE in diskPoolCapabilities: the documents describe
		// that value but leave it out of the enum.
		dp.WormCapable = k.worm
		nVol := 1 + rng.Intn(3)
		for v := 0; v < nVol; v++ {
			raw := (4 + rng.Int63n(60)) * tib
			free := raw * (5 + rng.Int63n(80)) / 100
			vol := DiskVolume{
				Name: fmt.Sprintf("%s_vol%d", name, v+1), ID: fmt.Sprintf("%s_vol%d", name, v+1),
				DiskMediaID: fmt.Sprintf("@aaa%02d%d", i, v), State: "UP", RawSizeBytes: raw, FreeSizeBytes: free,
			}
			if v == 1 && i%2 == 0 {
				vol.State = "DOWN" // some volumes down
			}
			if k.worm {
				vol.WormIndelibleMinimumInterval, vol.WormIndelibleMaximumInterval = wormMinLockSeconds, wormMaxLockSeconds
			}
			dp.DiskVolumes = append(dp.DiskVolumes, vol)
			dp.RawSizeBytes += raw
			dp.AvailableSpaceBytes += free
		}
		dp.UsableSizeBytes = dp.RawSizeBytes * 97 / 100
		dp.AvailableSpaceBytes = min(dp.AvailableSpaceBytes, dp.UsableSizeBytes)
		dp.UsedCapacityBytes = dp.UsableSizeBytes - dp.AvailableSpaceBytes
		switch i % 4 {
		case 1:
			if i > 1 {
				dp.DiskPoolState = "TRANSIENT"
			}
		case 3:
			dp.DiskPoolState = "DOWN"
		}
		if cfg.DiskPools > 1 && i == cfg.DiskPools-1 && !d.anyPoolDown() {
			dp.DiskPoolState = "DOWN" // at least one pool down
		}
		d.diskPools = append(d.diskPools, dp)
		ss := StorageServer{
			ID: k.sType + ":" + server, Name: server, StorageCategory: k.category, SType: k.sType,
			NbuHostVersion: cfg.Release, AdditionalMediaServersDetails: msDetail(i + 1),
			EncryptionEnabled: k.category == "MSDP", StorageServerState: "UP",
			StorageServerCapabilities: []string{"OPTIMIZED_IMAGE", "ADMIN_UP", "INTERNAL_UP", "INSTANT_ACCESS"},
			StorageUnits:              []string{}, IsWormSupported: k.category == "MSDP",
			IsAcceleratorSupported: true,
		}
		if dp.DiskPoolState == "DOWN" {
			ss.StorageServerState, ss.NbuStatusCode = "DOWN", 2106
		}
		if k.category == "MSDP" || k.category == "CLOUD" {
			used := dp.UsedCapacityBytes
			ss.MSDPAttributes = &MSDPAttributes{
				StoragePath: "/msdp/data", SpaLogPath: "/msdp/data/log", DeduplicationDBPath: "/msdp/cat",
				SpaLogRetention: 90, VerboseLevel: 3,
				StoragePoolDetails: StoragePoolDetails{
					RawSizeBytes: dp.RawSizeBytes, ReservedSpaceBytes: dp.RawSizeBytes - dp.UsableSizeBytes,
					SizeBytes: dp.UsableSizeBytes, UsedSpaceBytes: used, AvailableSpaceBytes: dp.AvailableSpaceBytes,
				},
				CatalogLogicalSizeBytes:      used * int64(5+rng.Intn(20)),
				CatalogFilesCount:            1e5 + rng.Int63n(1e7),
				DeduplicationRatioPercentage: float64(600+rng.Intn(390)) / 10,
			}
		}
		d.storageServers = append(d.storageServers, ss)
	}
	// Storage units.
	for i := 0; i < cfg.StorageUnits; i++ {
		k := stuKinds[i%len(stuKinds)]
		su := StorageUnit{
			Name: fmt.Sprintf("%s-%02d", k.prefix, i/len(stuKinds)+1), StorageType: k.stype,
			StorageSubType: k.subType, StorageServerType: k.serverType, StorageCategory: k.category,
			UseAnyAvailableMediaServer: true, MediaServerDetails: msDetail(i),
			MaxFragmentSizeMegabytes: 51200, OnDemandOnly: false,
		}
		switch k.category {
		case "TAPE":
			su.MaxFragmentSizeMegabytes = 1048576
			su.MaxConcurrentDrives = i64(4)
			su.RobotType, su.RobotNumber, su.Density, su.Multiplexing = "TLD", i64(0), "DHCART", i64(4)
		default:
			su.MaxConcurrentJobs = i64(int64(10 + 10*rng.Intn(5)))
			su.Accelerator = k.category == "MSDP"
			su.InstantAccessEnabled = k.category == "MSDP"
			su.ReplicationCapable = k.category == "MSDP"
			su.ReplicationSourceCapable = k.category == "MSDP"
			su.ReplicationTargetCapable = k.prefix == "stu-msdp-dr"
			su.IsCloudSTU = k.category == "CLOUD"
			if len(d.diskPools) > 0 {
				pool := d.poolFor(k.category, i)
				if k.prefix == "stu-msdp-dr" {
					// DR copies go to the WORM pool, with WORM turned on.
					if worm := d.wormPool(); worm != nil {
						pool = worm
						su.UseWorm = true
					}
				}
				su.WormCapable = pool.WormCapable
				su.DiskPool = pool.ID
				d.storageServerOf(pool).StorageUnits = append(d.storageServerOf(pool).StorageUnits, su.Name)
			}
			if k.category != "CLOUD" {
				total := (8 + rng.Int63n(100)) * tib
				used := total * (10 + rng.Int63n(85)) / 100
				su.TotalCapacityBytes, su.UsedCapacityBytes, su.FreeCapacityBytes = i64(total), i64(used), i64(total-used)
			}
		}
		d.storageUnits = append(d.storageUnits, su)
	}
	d.buildTape(cfg, rng, now)
}

func (d *dataset) anyPoolDown() bool {
	for _, p := range d.diskPools {
		if p.DiskPoolState == "DOWN" {
			return true
		}
	}
	return false
}

// poolFor picks a disk pool of the same category when one exists.
func (d *dataset) poolFor(category string, i int) *DiskPool {
	for j := range d.diskPools {
		if d.diskPools[j].StorageCategory == category {
			return &d.diskPools[j]
		}
	}
	return &d.diskPools[i%len(d.diskPools)]
}

// wormPool is the first WORM-capable disk pool, nil when there is none.
func (d *dataset) wormPool() *DiskPool {
	for j := range d.diskPools {
		if d.diskPools[j].WormCapable {
			return &d.diskPools[j]
		}
	}
	return nil
}

func (d *dataset) storageServerOf(p *DiskPool) *StorageServer {
	for j := range d.storageServers {
		if d.storageServers[j].Name == p.StorageServer {
			return &d.storageServers[j]
		}
	}
	return &d.storageServers[0]
}

var mediaStatuses = []string{"ACTIVE", "FULL", "FROZEN", "SUSPENDED", "ACTIVE", "FULL", "ACTIVE", "MULTIPLEXED"}

func (d *dataset) buildTape(cfg Config, rng *rand.Rand, now time.Time) {
	for i := 0; i < cfg.Drives; i++ {
		host := d.mediaServers[i%len(d.mediaServers)]
		name := fmt.Sprintf("HP.ULTRIUM8-SCSI.%03d", i)
		dr := Drive{
			DriveName: name, SerialNumber: fmt.Sprintf("HU19%06d", 480000+i), DriveIndex: int64(i),
			DriveType: "DT_HCART3", RobotType: "TLD", RobotNumber: 0, RobotDriveNumber: int64(i + 1),
			DriveControl: "DRIVE_CONTROL_AVR", DriveStatus: "DRIVE_STATUS_UP", Enabled: true,
			LastCleaningTime: isoMs(now.Add(-time.Duration(rng.Intn(90*24)) * time.Hour)),
			MountTime:        fmt.Sprintf("%d", rng.Intn(40000)),
			DevicePaths: []DevicePath{{PathIndex: 0, DeviceHost: host, DriveName: name,
				DevicePath: fmt.Sprintf("/dev/nst%d", i), IsEnabled: true, PathStatus: "PATH_STATUS_UP"}},
		}
		switch i % 5 {
		case 3:
			dr.DriveStatus, dr.DriveControl = "DRIVE_STATUS_DOWN", "DRIVE_CONTROL_DOWN"
			dr.DevicePaths[0].PathStatus = "PATH_STATUS_DOWN"
		case 4:
			if i%10 == 9 {
				dr.DriveStatus, dr.Enabled = "DRIVE_STATUS_DISABLED", false
				dr.DevicePaths[0].PathStatus, dr.DevicePaths[0].IsEnabled = "PATH_STATUS_DISABLED", false
			}
		}
		d.drives = append(d.drives, dr)
	}
	pools := []string{"NetBackup", "DataStore", "Scratch", "CatalogBackup", "offsite-weekly"}
	for i := 0; i < cfg.TapeMedia; i++ {
		id := fmt.Sprintf("A%05d", i)
		status := mediaStatuses[i%len(mediaStatuses)]
		pool := pools[rng.Intn(2)]
		var kb, images int64
		if i%6 == 5 {
			pool, status = "Scratch", "ACTIVE" // scratch tapes: empty
		} else {
			kb = rng.Int63n(12 * 1024 * 1024 * 1024) // up to 12 TiB in KB (LTO-8)
			images = 1 + rng.Int63n(400)
		}
		t := TapeMedia{
			MediaID: id, Barcode: id + "L8", MediaType: "HCART3",
			Robot: TapeRobot{RobotType: "TLD", RobotNumber: 0, RobotHost: d.mediaServers[0]},
			Slot:  int64(i + 1), VolumeGroup: "000_00000_TLD", VolumePool: pool,
			Mounts: rng.Int63n(300), Application: "NETBACKUP", MaxMounts: 0,
			Created:   isoMs(now.Add(-time.Duration(200+rng.Intn(800)) * 24 * time.Hour)),
			KiloBytes: kb, Images: images, ValidImages: images, OriginHost: d.hostname,
			MediaStatus: status, MediaOwner: "DEFAULT", LastWriteHost: d.mediaServers[i%len(d.mediaServers)],
		}
		if kb > 0 {
			t.LastWritten = isoMs(now.Add(-time.Duration(rng.Intn(30*24)) * time.Hour))
		}
		d.tapeMedia = append(d.tapeMedia, t)
	}
}

func (d *dataset) storageUnitList() *resourceList {
	l := newResourceList("/storage/storage-units", "storageUnit", offsetPaging, 10, 500)
	for _, su := range d.storageUnits {
		rel := map[string]any{}
		if su.DiskPool != "" {
			rel["diskPool"] = map[string]any{
				"links": map[string]any{"related": map[string]string{"href": "/storage/disk-pools/" + su.DiskPool}},
				"data":  map[string]string{"type": "diskPool", "id": su.DiskPool},
			}
		}
		l.add("storageUnit", su.Name, su, rel)
	}
	return l
}

func (d *dataset) diskPoolList() *resourceList {
	l := newResourceList("/storage/disk-pools", "diskPool", offsetPaging, 10, 500)
	for _, dp := range d.diskPools {
		ssID := d.storageServerOf(&dp).ID
		rel := map[string]any{"storageServers": map[string]any{
			"links": map[string]any{"related": map[string]string{"href": "/storage/storage-servers/" + ssID}},
			"data":  []map[string]string{{"type": "storageServer", "id": ssID}},
		}}
		l.add("diskPool", dp.ID, dp, rel)
	}
	return l
}

func (d *dataset) storageServerList() *resourceList {
	l := newResourceList("/storage/storage-servers", "storageServer", offsetPaging, 10, 100)
	for _, ss := range d.storageServers {
		l.add("storageServer", ss.ID, ss, nil)
	}
	return l
}

func (d *dataset) driveList() *resourceList {
	l := newResourceList("/storage/drives", "drive", offsetPaging, 10, 100)
	for _, dr := range d.drives {
		l.add("drive", dr.DriveName, dr, nil)
	}
	return l
}

func (d *dataset) tapeMediaList() *resourceList {
	l := newResourceList("/storage/tape-media", "volumeInfo", cursorPaging, 10, 100)
	for _, t := range d.tapeMedia {
		l.add("volumeInfo", t.MediaID, t, nil)
	}
	return l
}
