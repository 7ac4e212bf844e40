package nbusim

import (
	"fmt"
	"math/rand"
	"net/http"
	"strings"
)

// MediaServerStatus is a media server's status object.
type MediaServerStatus struct {
	Name              string `json:"name"`
	ResourceBundleKey string `json:"resourceBundleKey"`
}

// MediaServer is the attributes object of GET /config/media-servers items.
type MediaServer struct {
	HostName         string            `json:"hostName"`
	OsVersion        string            `json:"osVersion"`
	OsReleaseVersion string            `json:"osReleaseVersion"`
	OsType           string            `json:"osType"`
	NbuVersion       string            `json:"nbuVersion"`
	DteMode          string            `json:"dteMode"`
	IsMachineUp      bool              `json:"isMachineUp"`
	UUID             string            `json:"uuid"`
	Status           MediaServerStatus `json:"status"`
}

// SLPOperation is an item of an SLP's operationList.
type SLPOperation struct {
	OperationIndex       int64          `json:"operationIndex"`
	OperationType        string         `json:"operationType"`
	SourceOperationIndex int64          `json:"sourceOperationIndex"`
	RetentionType        string         `json:"retentionType"`
	RetentionPeriod      map[string]any `json:"retentionPeriod"`
	Storage              map[string]any `json:"storage"`
}

// SLP is the attributes object of GET /config/slps items.
type SLP struct {
	SLPName             string         `json:"slpName"`
	VersionNumber       int64          `json:"versionNumber"`
	Active              bool           `json:"active"`
	DataClassification  string         `json:"dataClassification"`
	DuplicationPriority int64          `json:"duplicationPriority"`
	OperationList       []SLPOperation `json:"operationList"`
}

// Service is a NetBackup daemon of a host (GET /admin/hosts/{uuid}/services).
type Service struct {
	ID          string  `json:"-"`
	DisplayName string  `json:"displayName"`
	DaemonCode  string  `json:"daemonCode"`
	Status      string  `json:"status"`
	ServiceType string  `json:"serviceType"`
	StartUp     string  `json:"startUp"`
	Access      []int64 `json:"access"` // allowed operations as codes (the documents type them as integers)
}

// Host is an item of GET /config/hosts (which is not JSON:API).
type Host struct {
	UUID              string    `json:"uuid"`
	HostName          string    `json:"hostName"`
	OsType            string    `json:"osType"`
	OsVersion         string    `json:"osVersion"`
	OsReleaseVersion  string    `json:"osReleaseVersion"`
	CPUArchitecture   string    `json:"cpuArchitecture"`
	MasterServer      string    `json:"masterServer"`
	InstalledEEBs     string    `json:"installedEEBs"`
	InstalledPackages string    `json:"installedPackages"`
	NbuVersion        string    `json:"nbuVersion"`
	NbuReleaseVersion string    `json:"nbuReleaseVersion"`
	HwDescription     string    `json:"hwDescription"`
	VxUpdatePlatform  string    `json:"vxUpdatePlatform"`
	IsSecureEnabled   bool      `json:"isSecureEnabled"`
	AutoReissue       bool      `json:"autoReissue"`
	AutoReissueDur    float64   `json:"autoReissueDuration"`
	ExtCertSubject    string    `json:"externalCertificateSubject"`
	HasNbuCACert      bool      `json:"hasNetBackupCaHostCertificate"`
	Servers           []string  `json:"servers"`
	Comment           string    `json:"comment"`
	NbuHostType       string    `json:"nbuHostType"`
	HostMappings      []any     `json:"hostMappings"`
	TrustVersion      string    `json:"trustVersion"`
	CreatedDateTime   int64     `json:"createdDateTime"`
	LastUpdatedDate   int64     `json:"lastUpdatedDateTime"`
	MachineType       string    `json:"machineType"`
	HypervisorType    string    `json:"hypervisorType"`
	MachineNbuType    string    `json:"machineNbuType"`
	DteClientMode     string    `json:"dteClientMode"`
	FipsEnabled       string    `json:"fipsEnabled"`
	Services          []Service `json:"-"`
}

// daemons of a primary server; media servers run a subset.
var daemons = []struct{ id, display, code string }{
	{"nbpem", "NetBackup Policy Execution Manager", "NBPEM"},
	{"nbjm", "NetBackup Job Manager", "NBJM"},
	{"nbrb", "NetBackup Resource Broker", "NBRB"},
	{"bprd", "NetBackup Request Daemon", "BPRD"},
	{"bpdbm", "NetBackup Database Manager", "BPDBM"},
	{"nbemm", "NetBackup Enterprise Media Manager", "NBEMM"},
	{"nbaudit", "NetBackup Audit Manager", "NBAUDIT"},
	{"nbwmc", "NetBackup Web Management Console", "NBWMC"},
	{"nbstserv", "NetBackup Storage Lifecycle Manager", "NBSTSERV"},
	{"nbsl", "NetBackup Service Layer", "NBSL"},
	{"nbars", "NetBackup Agent Request Server", "NBARS"},
	{"bpcd", "NetBackup Client Service", "BPCD"},
	{"vnetd", "NetBackup Legacy Network Service", "VNETD"},
	{"nbatd", "NetBackup Authentication", "NBATD"},
	{"nbazd", "NetBackup Authorization", "NBAZD"},
	{"ltid", "NetBackup Device Manager", "LTID"},
}

var mediaStatusNames = []string{"ACTIVE_FOR_TAPE_AND_DISK", "ACTIVE_FOR_DISK", "ACTIVE_FOR_TAPE", "OFFLINE", "DEACTIVATED"}

func hostUUID(rng *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Intn(1<<16), rng.Intn(1<<16), rng.Intn(1<<16), rng.Int63n(1<<48))
}

func (d *dataset) buildConfig(cfg Config, rng *rand.Rand) {
	created := cfg.Start.AddDate(-2, 0, 0).UnixMilli()
	newHost := func(name, hostType string, daemonCount int) Host {
		h := Host{
			UUID: hostUUID(rng), HostName: name, OsType: "Linux", OsVersion: "4.18.0-513.el8.x86_64",
			OsReleaseVersion: "Red Hat Enterprise Linux 8.9", CPUArchitecture: "x86_64", MasterServer: d.hostname,
			NbuVersion: cfg.Release + ".0", NbuReleaseVersion: cfg.Release, HwDescription: "x86_64",
			VxUpdatePlatform: "redhat_x64", IsSecureEnabled: true, AutoReissueDur: 172800000,
			HasNbuCACert: true, Servers: []string{d.hostname}, NbuHostType: hostType, HostMappings: []any{},
			TrustVersion: "1", CreatedDateTime: created, LastUpdatedDate: cfg.Start.UnixMilli() - 3600_000, MachineType: "VIRTUAL", HypervisorType: "VMWARE",
			MachineNbuType: "NOT_DEFINED", DteClientMode: "OFF", FipsEnabled: "DISABLED",
		}
		for i, dm := range daemons[:daemonCount] {
			status := "RUNNING"
			if hostType == "PRIMARY_SERVER" && i == 10 {
				status = "STOPPED" // one optional daemon stopped on the primary
			}
			if hostType == "MEDIA_SERVER" && dm.id == "nbsl" && rng.Intn(2) == 0 {
				status = "STOPPED"
			}
			h.Services = append(h.Services, Service{
				ID: dm.id, DisplayName: dm.display, DaemonCode: dm.code, Status: status,
				ServiceType: "DAEMON", StartUp: "AUTOMATIC", Access: []int64{1, 1, 1},
			})
		}
		return h
	}
	d.hosts = append(d.hosts, newHost(d.hostname, "PRIMARY_SERVER", len(daemons)))
	for i, ms := range d.mediaServers {
		h := newHost(ms, "MEDIA_SERVER", 3) // nbpem.. are primary-only; keep the daemons list short
		h.Services = nil
		for _, dm := range []int{11, 12, 15, 9} { // bpcd, vnetd, ltid, nbsl
			h.Services = append(h.Services, Service{
				ID: daemons[dm].id, DisplayName: daemons[dm].display, DaemonCode: daemons[dm].code,
				Status: "RUNNING", ServiceType: "DAEMON", StartUp: "AUTOMATIC", Access: []int64{1, 1, 0},
			})
		}
		if i == len(d.mediaServers)-1 && len(d.mediaServers) > 1 {
			h.Services[len(h.Services)-1].Status = "STOPPED"
		}
		d.hosts = append(d.hosts, h)
		status := mediaStatusNames[i%len(mediaStatusNames)]
		d.mediaServerRes = append(d.mediaServerRes, MediaServer{
			HostName: ms, OsVersion: h.OsVersion, OsReleaseVersion: h.OsReleaseVersion, OsType: "Linux",
			NbuVersion: h.NbuVersion, DteMode: "OFF", IsMachineUp: status != "OFFLINE", UUID: h.UUID,
			Status: MediaServerStatus{Name: status, ResourceBundleKey: "MEDIA_SERVER_STATUS_" + status},
		})
	}
	for i, name := range d.slpNames {
		slp := SLP{SLPName: name, VersionNumber: int64(i + 1), Active: i != 2, DataClassification: "Gold", DuplicationPriority: 0}
		stor := func(n string) map[string]any { return map[string]any{"name": n} }
		ret := map[string]any{"value": 2, "unit": "WEEKS"}
		slp.OperationList = []SLPOperation{
			{OperationIndex: 1, OperationType: "BACKUP", SourceOperationIndex: 0, RetentionType: "FIXED", RetentionPeriod: ret, Storage: stor(d.diskSTUs[0])},
			{OperationIndex: 2, OperationType: []string{"DUPLICATION", "REPLICATION", "DUPLICATION"}[i%3], SourceOperationIndex: 1,
				RetentionType: "FIXED", RetentionPeriod: ret, Storage: stor(d.diskSTUs[len(d.diskSTUs)-1])},
		}
		d.slps = append(d.slps, slp)
	}
}

func (d *dataset) mediaServerList() *resourceList {
	l := newResourceList("/config/media-servers", "mediaServer", offsetPaging, 10, 500)
	for _, m := range d.mediaServerRes {
		l.add("mediaServer", m.HostName, m, nil)
	}
	return l
}

func (d *dataset) slpList() *resourceList {
	l := newResourceList("/config/slps", "slp", offsetPaging, 10, 100)
	for _, s := range d.slps {
		l.add("slp", s.SLPName, s, nil)
	}
	return l
}

// handleHosts answers GET /config/hosts: {"hosts":[...]} without paging;
// the filter applies to the host attributes (e.g. hostName eq 'x').
func (s *Simulator) handleHosts(w http.ResponseWriter, r *request, _ string) {
	hosts := []Host{}
	var f *Filter
	if raw := r.URL.Query().Get("filter"); raw != "" {
		var err error
		if f, err = parseFilter(raw); err != nil {
			s.badRequest(w, r.version, "invalid filter: "+err.Error())
			return
		}
	}
	if !s.cfg.NoRights {
		for _, h := range s.data.hosts {
			flat := flatten(h)
			if f == nil || f.Match(func(a string) (any, bool) { v, ok := flat[a]; return v, ok }) {
				hosts = append(hosts, h)
			}
		}
	}
	s.writeJSON(w, r.version, http.StatusOK, map[string]any{"hosts": hosts})
}

// handleHostServices answers GET /admin/hosts/{uuid}/services[/{name}].
func (s *Simulator) handleHostServices(w http.ResponseWriter, r *request, rest string) {
	uuid, sub, _ := strings.Cut(rest, "/")
	svcPart, name, _ := strings.Cut(sub, "/")
	if svcPart != "services" {
		s.notFound(w, r.version, "no endpoint /admin/hosts/"+rest)
		return
	}
	var host *Host
	for i := range s.data.hosts {
		if s.data.hosts[i].UUID == uuid {
			host = &s.data.hosts[i]
		}
	}
	if host == nil {
		s.notFound(w, r.version, "no host with uuid "+uuid)
		return
	}
	type svc struct {
		Type       string  `json:"type"`
		ID         string  `json:"id"`
		Attributes Service `json:"attributes"`
	}
	data := []svc{}
	for _, sv := range host.Services {
		if name != "" && sv.ID != name {
			continue
		}
		if !s.cfg.NoRights {
			data = append(data, svc{Type: "service", ID: sv.ID, Attributes: sv})
		}
	}
	if name != "" {
		if len(data) == 0 {
			s.notFound(w, r.version, "no service "+name)
			return
		}
		s.writeJSON(w, r.version, http.StatusOK, map[string]any{"data": data[0]})
		return
	}
	s.writeJSON(w, r.version, http.StatusOK, map[string]any{"data": data})
}
