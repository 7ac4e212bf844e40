package nbusim

import (
	"fmt"
	"math/rand"
)

// dataset holds the small, seed-derived resource tables. Jobs refer to its
// names (policies, clients, storage units, media servers) so that every
// endpoint tells one consistent story.
type dataset struct {
	hostname      string
	mediaServers  []string
	policies      []policyDef
	catalogPolicy policyDef
	diskSTUs      []string // storage units jobs write to (disk-based)
	tapeSTUs      []string
	slpNames      []string

	storageUnits   []StorageUnit
	diskPools      []DiskPool
	storageServers []StorageServer
	drives         []Drive
	tapeMedia      []TapeMedia
	mediaServerRes []MediaServer
	slps           []SLP
	hosts          []Host
	alerts         []Alert
	slpImages      []SLPImage
	images         []CatalogImage
	anomalies      []Anomaly
	scanResults    []ScanResult
	licenseScale   float64 // multiplies every client's licensed consumption (0: 1)

	lists          map[string]*resourceList // collections, marshalled once
	scanResultsV10 *resourceList            // the scan results as API 10.0 spells them
}

type scheduleDef struct {
	name  string
	stype string // "FULL" as real servers send it (outside the documented enum), else enum values
}

type policyDef struct {
	name      string
	ptype     string // names as real servers send them ("MS-Windows", "NBU-Catalog"...), not only the enum
	appType   string // job applicationType
	clients   []string
	schedules []scheduleDef
	stu       string
	slp       string // "" when the policy writes to a storage unit directly
}

// policyTemplates: name prefix, policyType as seen on real servers, client
// name pattern, applicationType.
var policyTemplates = []struct{ prefix, ptype, clientFmt, appType string }{
	{"prod-linux", "STANDARD", "app%02d.example.com", "NONE"},
	{"prod-windows", "MS-Windows", "win%02d.corp.example.com", "NONE"},
	{"prod-vmware", "VMWARE", "vm-%03d", "VMWARE"},
	{"oracle-db", "ORACLE", "ora%02d.example.com", "NONE"},
	{"mssql", "MS-SQL-SERVER", "sql%02d.corp.example.com", "NONE"},
	{"exchange", "MS-Exchange-Server", "exch%02d.corp.example.com", "NONE"},
	{"nas-ndmp", "NDMP", "filer%02d.example.com", "NONE"},
	{"hyperv", "HYPERV", "hv-guest-%03d", "HYPERV"},
}

var scheduleSets = [][]scheduleDef{
	{{"daily-incr", "DIFFERENTIAL_INCREMENTAL_BACKUP"}, {"weekly-full", "FULL"}},
	{{"daily-cinc", "CUMULATIVE_INCREMENTAL_BACKUP"}, {"monthly-full", "FULL"}},
	{{"full", "FULL"}},
}

func newDataset(cfg Config) *dataset {
	rng := rand.New(rand.NewSource(cfg.Seed))
	d := &dataset{hostname: cfg.Hostname}
	for i := 1; i <= cfg.MediaServers; i++ {
		d.mediaServers = append(d.mediaServers, fmt.Sprintf("nbu-media%02d", i))
	}
	d.buildStorage(cfg, rng)
	for i := range d.storageUnits {
		su := &d.storageUnits[i]
		if su.StorageCategory == "TAPE" {
			d.tapeSTUs = append(d.tapeSTUs, su.Name)
		} else if su.StorageCategory != "CLOUD" {
			d.diskSTUs = append(d.diskSTUs, su.Name)
		}
	}
	if len(d.diskSTUs) == 0 {
		d.diskSTUs = []string{d.storageUnits[0].Name}
	}
	d.slpNames = []string{"SLP_gold_msdp_dup_tape", "SLP_silver_replicate_dr", "SLP_bronze_cloud_tier"}
	clientSeq := 0
	for i, tpl := range policyTemplates {
		for n := 1; n <= 2; n++ {
			p := policyDef{
				name:      fmt.Sprintf("%s-%02d", tpl.prefix, n),
				ptype:     tpl.ptype,
				appType:   tpl.appType,
				schedules: scheduleSets[(i+n)%len(scheduleSets)],
				stu:       d.diskSTUs[rng.Intn(len(d.diskSTUs))],
			}
			if rng.Intn(3) == 0 {
				p.slp = d.slpNames[rng.Intn(len(d.slpNames))]
			}
			nClients := 3 + rng.Intn(8)
			for c := 0; c < nClients; c++ {
				clientSeq++
				p.clients = append(p.clients, fmt.Sprintf(tpl.clientFmt, clientSeq))
			}
			d.policies = append(d.policies, p)
		}
	}
	d.catalogPolicy = policyDef{
		name: "catalog-hot-backup", ptype: "NBU-Catalog", appType: "NONE",
		clients:   []string{cfg.Hostname},
		schedules: []scheduleDef{{"catalog-full", "FULL"}},
		stu:       d.diskSTUs[0],
	}
	d.buildConfig(cfg, rng)
	d.buildCatalog(cfg, rng)
	// Their own random streams: adding them left every other table as it was.
	d.buildAnomalies(cfg, rand.New(rand.NewSource(cfg.Seed+11)))
	d.buildScanResults(cfg, rand.New(rand.NewSource(cfg.Seed+13)))
	if cfg.Healthy {
		d.heal(cfg)
	}
	d.lists = map[string]*resourceList{}
	for _, l := range []*resourceList{
		d.storageUnitList(), d.diskPoolList(), d.storageServerList(), d.driveList(), d.tapeMediaList(),
		d.mediaServerList(), d.slpList(), d.policyList(isoMs(cfg.Start.AddDate(-1, 0, 0))), d.slpImageList(), d.imageList(), d.alertList(), d.licensingList(cfg),
		d.anomalyList(), d.scanResultList(),
	} {
		d.lists[l.path] = l
	}
	d.scanResultsV10 = d.scanResultListV10()
	return d
}
