package nbusim

import (
	"fmt"
	"math/rand"
	"net/http"
	"strconv"
	"time"
)

// SLPImageCopy is an item of an SLP image's copies.
type SLPImageCopy struct {
	BackupID   string `json:"backupId"`
	CopyNumber int64  `json:"copyNumber"`
	CopyType   string `json:"copyType"`
	CopyState  string `json:"copyState"`
	ExpireTime string `json:"expireTime"`
	JobID      int64  `json:"jobId"`
	Residence  string `json:"residence"`
}

// SLPImage is the attributes object of GET /catalog/slp-images items.
type SLPImage struct {
	PrimaryServer              string         `json:"primaryServer"`
	BackupID                   string         `json:"backupId"`
	PolicyName                 string         `json:"policyName"`
	ClientName                 string         `json:"clientName"`
	BackupTime                 string         `json:"backupTime"`
	PolicyType                 string         `json:"policyType"`
	ScheduleType               string         `json:"scheduleType"`
	SLPName                    string         `json:"slpName"`
	SLPImageState              string         `json:"slpImageState"`
	IsStorageLifecycleInactive bool           `json:"isStorageLifecycleInactive"`
	SLPVersion                 int64          `json:"slpVersion"`
	ExpirationTime             string         `json:"expirationTime"`
	Copies                     []SLPImageCopy `json:"copies"`
	SizeKB                     int64          `json:"-"`
}

// CatalogImage is the attributes object of GET /catalog/images items.
type CatalogImage struct {
	BackupID                 string   `json:"-"`
	PolicyType               string   `json:"policyType"`
	ClientName               string   `json:"clientName"`
	PolicyName               string   `json:"policyName"`
	AppType                  string   `json:"appType"`
	BackupCopyType           string   `json:"backupCopyType"`
	BackupTime               string   `json:"backupTime"`
	BackupStatus             int64    `json:"backupStatus"`
	BlockIncrementalFullTime string   `json:"blockIncrementalFullTime"`
	ClientCharset            int64    `json:"clientCharset"`
	Compression              bool     `json:"compression"`
	ContentFile              string   `json:"contentFile"`
	ContentFileSize          string   `json:"contentFileSize"`
	ContentFileCompressed    string   `json:"contentFileCompressed"`
	Creator                  string   `json:"creator"`
	DataClassification       string   `json:"dataClassification"`
	DrMediaList              []string `json:"drMediaList"`
	ElapsedTimeSeconds       int64    `json:"elapsedTimeSeconds"`
	Encryption               string   `json:"encryption"`
	Expiration               string   `json:"expiration"`
	ExtendedSecurityInfo     bool     `json:"extendedSecurityInfo"`
	FileSystemOnly           bool     `json:"fileSystemOnly"`
	ImageDumpLevel           int64    `json:"imageDumpLevel"`
	ImageType                string   `json:"imageType"`
	JobID                    int64    `json:"jobId"`
	Kbytes                   int64    `json:"kbytes"`
	Keyword                  string   `json:"keyword"`
	KbytesDataTransferred    int64    `json:"kbytesDataTransferred"`
	Mpx                      bool     `json:"mpx"`
	NumCopies                int64    `json:"numCopies"`
	NumFiles                 int64    `json:"numFiles"`
	NumberFragments          int64    `json:"numberFragments"`
	OriginMasterServer       string   `json:"originMasterServer"`
	PfiType                  int64    `json:"pfiType"`
	PrimaryCopy              int64    `json:"primaryCopy"`
	ProviderGeneratedID      string   `json:"providerGeneratedId"`
	ProxyClient              string   `json:"proxyClient"`
	RemoteExpirationDate     string   `json:"remoteExpirationDate"`
	RetentionLevel           int64    `json:"retentionLevel"`
	ScheduleName             string   `json:"scheduleName"`
	ScheduleType             string   `json:"scheduleType"`
	SLPVersion               int64    `json:"slpVersion"`
	SLPCompleted             int64    `json:"slpCompleted"`
	SLPName                  string   `json:"slpName"`
	TirExpirationDate        string   `json:"tirExpirationDate"`
	Version                  int64    `json:"version"`
	VMType                   string   `json:"vmType"`
	StreamNumber             int64    `json:"streamNumber"`
	StreamAggregatedKbytes   int64    `json:"streamAggregatedKbytes"`
	StreamAggregatedFiles    int64    `json:"streamAggregatedFiles"`
	backupTimeMs             int64
}

// Alert is the attributes object of GET /manage/alerts items.
type Alert struct {
	ID              string            `json:"-"`
	TitleID         int64             `json:"titleId"`
	Title           string            `json:"title"`
	DescriptionID   int64             `json:"descriptionId"`
	Description     string            `json:"description"`
	Category        string            `json:"category"`
	SubCategory     string            `json:"subCategory"`
	Severity        string            `json:"severity"`
	Context         string            `json:"context"`
	CreatedDateTime string            `json:"createdDateTime"`
	Tags            []string          `json:"tags"`
	SystemDefined   bool              `json:"systemDefined"`
	Params          map[string]string `json:"params"`
}

var slpImageStates = []string{"NOT_STARTED", "IN_PROCESS", "COMPLETE", "IN_PROCESS", "NOT_STARTED", "NOT_STARTED|INACTIVE", "COMPLETE"}

// catalogScheduleType maps job schedule types to the image enum.
func catalogScheduleType(st string) string {
	switch st {
	case "DIFFERENTIAL_INCREMENTAL_BACKUP":
		return "DIFFERENTIAL_INCREMENTAL"
	case "CUMULATIVE_INCREMENTAL_BACKUP":
		return "CUMULATIVE_INCREMENTAL"
	}
	return "FULL"
}

func (d *dataset) buildCatalog(cfg Config, rng *rand.Rand) {
	now := cfg.Start
	pick := func() (*policyDef, string, scheduleDef) {
		p := &d.policies[rng.Intn(len(d.policies))]
		return p, p.clients[rng.Intn(len(p.clients))], p.schedules[rng.Intn(len(p.schedules))]
	}
	for i := 0; i < cfg.SLPImages; i++ {
		p, client, sch := pick()
		bt := now.Add(-time.Duration(rng.Int63n(int64(72 * time.Hour)))).Truncate(time.Second)
		state := slpImageStates[i%len(slpImageStates)]
		bid := client + "_" + strconv.FormatInt(bt.Unix(), 10)
		slp := d.slpNames[i%len(d.slpNames)]
		copyState := map[string]string{"COMPLETE": "COPYCOMPLETE", "IN_PROCESS": "IN_PROCESS"}[state]
		if copyState == "" {
			copyState = "NOT_STARTED"
		}
		exp := isoMs(bt.Add(14 * 24 * time.Hour))
		d.slpImages = append(d.slpImages, SLPImage{
			PrimaryServer: d.hostname, BackupID: bid, PolicyName: p.name, ClientName: client,
			BackupTime: isoMs(bt), PolicyType: p.ptype, ScheduleType: catalogScheduleType(sch.stype), SLPName: slp,
			SLPImageState: state, IsStorageLifecycleInactive: state == "NOT_STARTED|INACTIVE", SLPVersion: 1,
			ExpirationTime: exp, SizeKB: rng.Int63n(500 * 1024 * 1024),
			Copies: []SLPImageCopy{
				{BackupID: bid, CopyNumber: 1, CopyType: "BACKUP", CopyState: "COPYCOMPLETE", ExpireTime: exp, JobID: 0, Residence: p.stu},
				{BackupID: bid, CopyNumber: 2, CopyType: "DUPLICATE", CopyState: copyState, ExpireTime: exp, JobID: 0, Residence: d.diskSTUs[len(d.diskSTUs)-1]},
			},
		})
	}
	nImages := min(max(cfg.Jobs/4, 50), 500)
	for i := 0; i < nImages; i++ {
		p, client, sch := pick()
		bt := now.Add(-time.Duration(rng.Int63n(int64(48 * time.Hour)))).Truncate(time.Second)
		kb := 1024 + rng.Int63n(800*1024*1024)
		img := CatalogImage{
			BackupID: client + "_" + strconv.FormatInt(bt.Unix(), 10), PolicyType: p.ptype, ClientName: client,
			PolicyName: p.name, AppType: p.appType, BackupCopyType: "DEFAULT", BackupTime: isoMs(bt),
			BackupStatus: []int64{0, 0, 0, 0, 1}[rng.Intn(5)], BlockIncrementalFullTime: "1970-01-01T00:00:00.000Z",
			ContentFileCompressed: "ZLIB", Creator: "root", DataClassification: "", DrMediaList: []string{},
			ElapsedTimeSeconds: 30 + rng.Int63n(7200), Encryption: "NONE", Expiration: isoMs(bt.Add(14 * 24 * time.Hour)),
			ImageType: "NORMAL", JobID: 1 + rng.Int63n(int64(max(cfg.Jobs, 1))), Kbytes: kb,
			KbytesDataTransferred: kb / int64(2+rng.Intn(20)), NumCopies: 1 + int64(rng.Intn(2)),
			NumFiles: kb / 256, NumberFragments: 1, OriginMasterServer: d.hostname, PrimaryCopy: 1,
			RemoteExpirationDate: "1970-01-01T00:00:00.000Z", RetentionLevel: 1, ScheduleName: sch.name,
			ScheduleType: catalogScheduleType(sch.stype), SLPName: p.slp, TirExpirationDate: "1970-01-01T00:00:00.000Z",
			Version: 13, VMType: "NONE", backupTimeMs: bt.UnixMilli(),
		}
		d.images = append(d.images, img)
	}
	for i := 0; i < cfg.Alerts; i++ {
		p, client, sch := pick()
		created := now.Add(-time.Duration(rng.Int63n(int64(7 * 24 * time.Hour)))).Truncate(time.Millisecond)
		status := failureStatuses[rng.Intn(len(failureStatuses))]
		sev := "ERROR"
		if status == 150 || status == 196 {
			sev = "WARNING"
		}
		jobID := 1 + rng.Int63n(int64(max(cfg.Jobs, 1)))
		d.alerts = append(d.alerts, Alert{
			ID: fmt.Sprintf("%d", 1000+i), TitleID: 1, Title: "Job failed", DescriptionID: 2,
			Description: fmt.Sprintf("Backup job %d for client %s failed with status %d.", jobID, client, status),
			Category:    "JOB", SubCategory: alertSubCategory(p.ptype), Severity: sev, Context: "JOB_STATE_FAILED",
			CreatedDateTime: isoMs(created), Tags: []string{}, SystemDefined: true,
			Params: map[string]string{
				"jobId": strconv.FormatInt(jobID, 10), "status": strconv.FormatInt(status, 10), "clientName": client,
				"policyName": p.name, "policyType": p.ptype, "scheduleName": sch.name, "parentJobId": "0",
				"startTime": isoMs(created.Add(-20 * time.Minute)), "endTime": isoMs(created),
				"errorMsg": "the job failed",
			},
		})
	}
	// newest first, as the API sorts alerts by createdDateTime descending
	for i := 1; i < len(d.alerts); i++ {
		for j := i; j > 0 && d.alerts[j].CreatedDateTime > d.alerts[j-1].CreatedDateTime; j-- {
			d.alerts[j], d.alerts[j-1] = d.alerts[j-1], d.alerts[j]
		}
	}
}

func alertSubCategory(ptype string) string {
	switch ptype {
	case "MS-Windows":
		return "MS-WINDOWS"
	case "VMWARE", "ORACLE", "NDMP":
		return ptype
	}
	return "STANDARD"
}

func (d *dataset) slpImageList() *resourceList {
	l := newResourceList("/catalog/slp-images", "slpImage", cursorPaging, 100, 1000)
	for _, im := range d.slpImages {
		l.add("slpImage", im.BackupID, im, nil)
	}
	return l
}

func (d *dataset) imageList() *resourceList {
	l := newResourceList("/catalog/images", "image", offsetPaging, 10, 100)
	for _, im := range d.images {
		l.add("image", im.BackupID, im, nil)
	}
	return l
}

func (d *dataset) alertList() *resourceList {
	l := newResourceList("/manage/alerts", "alert", offsetPaging, 10, 1000)
	for _, a := range d.alerts {
		l.add("alert", a.ID, a, nil)
	}
	return l
}

func (d *dataset) licensingList(cfg Config) *resourceList {
	l := newResourceList("/licensing/capacity", "capacity", offsetPaging, 10, 1000)
	type policyDetail struct {
		BackupID            string  `json:"backupId"`
		PolicyName          string  `json:"policyName"`
		MasterServer        string  `json:"masterServer"`
		PolicyType          string  `json:"policyType"`
		PolicyConsumptionMB float64 `json:"policyConsumptionMB"`
	}
	type clientDetail struct {
		ClientName          string         `json:"clientName"`
		ClientConsumptionMB float64        `json:"clientConsumptionMB"`
		PolicyDetails       []policyDetail `json:"policyDetails"`
	}
	rng := rand.New(rand.NewSource(cfg.Seed + 7))
	scale := d.licenseScale
	if scale == 0 {
		scale = 1
	}
	var total float64
	var clients []clientDetail
	for _, p := range d.policies {
		for _, c := range p.clients {
			mb := (float64(rng.Int63n(2_000_000)) + 0.5) * scale
			total += mb
			clients = append(clients, clientDetail{ClientName: c, ClientConsumptionMB: mb, PolicyDetails: []policyDetail{{
				BackupID: c + "_" + strconv.FormatInt(cfg.Start.Unix()-86400, 10), PolicyName: p.name,
				MasterServer: d.hostname, PolicyType: p.ptype, PolicyConsumptionMB: mb,
			}}})
		}
	}
	l.add("capacity", d.hostname, map[string]any{"masterConsumptionMB": total, "clientDetails": clients}, nil)
	return l
}

// handleCatalogImages answers GET /catalog/images: without a backupTime
// filter only the last 24 hours are listed (documented default window).
func (s *Simulator) handleCatalogImages(w http.ResponseWriter, r *request, _ string) {
	l := s.data.lists["/catalog/images"]
	var keep func(*resourceItem) bool
	windowed := true
	if raw := r.URL.Query().Get("filter"); raw != "" {
		if f, err := parseFilter(raw); err == nil {
			if _, _, ok := f.TimeBounds("backupTime"); ok {
				windowed = false
			}
		}
	}
	if windowed {
		since := s.nowMs() - 24*3600*1000
		keep = func(it *resourceItem) bool {
			t, ok := it.flat["backupTime"].(time.Time)
			return ok && t.UnixMilli() >= since
		}
	}
	s.serveList(w, r, l, keep)
}
