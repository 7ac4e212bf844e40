package nbusim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOffsetPagedResourcesWalkToTheEnd(t *testing.T) {
	sim := newTestSim(t, Config{StorageUnits: 23, DiskPools: 6, Drives: 15, MediaServers: 4, Alerts: 27})
	for path, want := range map[string]int{
		"/storage/storage-units":   23,
		"/storage/disk-pools":      6,
		"/storage/storage-servers": 6,
		"/storage/drives":          15,
		"/config/media-servers":    4,
		"/config/slps":             3,
		"/config/policies/":        17,
		"/manage/alerts":           27,
	} {
		ids, count := walkOffset(t, sim, path, url.Values{"page[limit]": {"5"}})
		require.Equal(t, want, count, path)
		require.Len(t, ids, want, path)
		require.Len(t, uniq(ids), want, path)
	}
}

func TestCursorPagedResourcesWalkToTheEnd(t *testing.T) {
	sim := newTestSim(t, Config{TapeMedia: 47, SLPImages: 230})
	require.Len(t, uniq(walkCursor(t, sim, "/storage/tape-media", url.Values{"page[limit]": {"10"}})), 47)
	require.Len(t, uniq(walkCursor(t, sim, "/catalog/slp-images", url.Values{})), 230, "default limit 100")
	p := decodePage(t, get(t, sim, "/catalog/slp-images"))
	require.Len(t, p.Data, 100)
	notStarted := walkCursor(t, sim, "/catalog/slp-images", url.Values{"filter": {"slpImageState eq 'NOT_STARTED'"}})
	require.NotEmpty(t, notStarted)
	require.Less(t, len(notStarted), 230)
}

func TestResourcePageMaxima(t *testing.T) {
	sim := newTestSim(t, Config{})
	for path, max := range map[string]int{
		"/storage/storage-units": 500, "/storage/disk-pools": 500, "/storage/storage-servers": 100,
		"/storage/drives": 100, "/storage/tape-media": 100, "/config/media-servers": 500,
		"/config/slps": 100, "/catalog/images": 100, "/catalog/slp-images": 1000,
	} {
		ok := get(t, sim, path+"?page[limit]="+itoa(max))
		require.Equal(t, http.StatusOK, ok.Code, path)
		rec := get(t, sim, path+"?page[limit]="+itoa(max+1))
		require.Equal(t, http.StatusBadRequest, rec.Code, path)
		errorEnvelopeOf(t, rec)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestStorageDatasetConsistency(t *testing.T) {
	sim := newTestSim(t, Config{StorageUnits: 12, DiskPools: 4})
	sus := sim.StorageUnitsData()
	require.Len(t, sus, 12)
	casing := map[string]bool{}
	for _, su := range sus {
		casing[su.StorageType] = true
		if su.TotalCapacityBytes != nil {
			require.Equal(t, *su.TotalCapacityBytes, *su.UsedCapacityBytes+*su.FreeCapacityBytes, su.Name)
		} else {
			require.Contains(t, []string{"CLOUD", "TAPE"}, su.StorageCategory)
		}
	}
	require.True(t, casing["DISK"] && casing["Tape"], "mixed casing as real servers send")

	down, volDown := false, false
	for _, dp := range sim.DiskPoolsData() {
		down = down || dp.DiskPoolState == "DOWN"
		require.Equal(t, dp.UsableSizeBytes, dp.UsedCapacityBytes+dp.AvailableSpaceBytes)
		require.Greater(t, dp.HighWaterMark, dp.LowWaterMark)
		for _, v := range dp.DiskVolumes {
			volDown = volDown || v.State == "DOWN"
		}
	}
	require.True(t, down && volDown)

	// the wire matches the accessor
	p := decodePage(t, get(t, sim, "/storage/storage-units?page[limit]=1"))
	require.Equal(t, sus[0].Name, p.Data[0].ID)
	require.EqualValues(t, *sus[0].FreeCapacityBytes, p.Data[0].Attributes["freeCapacityBytes"])

	// job destinations are real storage units
	names := map[string]bool{}
	for _, su := range sus {
		names[su.Name] = true
	}
	for id := int64(1); id <= 200; id++ {
		j, _ := sim.Job(id)
		if j.DestinationStorageUnit != "" {
			require.True(t, names[j.DestinationStorageUnit], j.DestinationStorageUnit)
		}
	}
}

func TestHostsAndServices(t *testing.T) {
	sim := newTestSim(t, Config{})
	rec := get(t, sim, "/config/hosts?filter="+url.QueryEscape("hostName eq 'nbu-primary'"))
	require.Equal(t, http.StatusOK, rec.Code)
	var hosts struct {
		Hosts []Host `json:"hosts"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &hosts))
	require.Len(t, hosts.Hosts, 1)
	require.Equal(t, "PRIMARY_SERVER", hosts.Hosts[0].NbuHostType)

	p := decodePage(t, get(t, sim, "/admin/hosts/"+hosts.Hosts[0].UUID+"/services"))
	statuses := map[string]string{}
	for _, d := range p.Data {
		require.Equal(t, "service", d.Type)
		statuses[d.ID] = d.Attributes["status"].(string)
	}
	for _, dm := range []string{"nbpem", "nbjm", "nbrb", "bprd", "bpdbm", "nbemm", "nbaudit", "nbwmc"} {
		require.Equal(t, "RUNNING", statuses[dm], dm)
	}
	require.Contains(t, statuses, "nbsl")
	require.Equal(t, http.StatusNotFound, get(t, sim, "/admin/hosts/nope/services").Code)
}

func TestCatalogImagesDefaultWindowAndAlertsFilter(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 800})
	_, lastDay := walkOffset(t, sim, "/catalog/images", url.Values{"page[limit]": {"100"}})
	since := testStart.Add(-48 * time.Hour).Format("2006-01-02T15:04:05.000Z")
	_, twoDays := walkOffset(t, sim, "/catalog/images", url.Values{"page[limit]": {"100"}, "filter": {"backupTime ge " + since}})
	require.Positive(t, lastDay)
	require.Greater(t, twoDays, lastDay, "without a filter only the last 24h are listed")

	recent := testStart.Add(-24 * time.Hour).Format("2006-01-02T15:04:05.000Z")
	_, all := walkOffset(t, sim, "/manage/alerts", url.Values{"page[limit]": {"100"}})
	_, day := walkOffset(t, sim, "/manage/alerts", url.Values{"filter": {"createdDateTime gt " + recent}})
	require.Positive(t, day)
	require.Less(t, day, all)
}

func TestLicensingAndServerInfo(t *testing.T) {
	sim := newTestSim(t, Config{Release: "10.5"})
	p := decodePage(t, get(t, sim, "/licensing/capacity"))
	require.Len(t, p.Data, 1)
	require.Positive(t, p.Data[0].Attributes["masterConsumptionMB"])
	rec := get(t, sim, "/security/serverinfo", "Authorization", "")
	var info map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &info))
	require.Equal(t, "10.5", info["nbuVersion"])
	require.Equal(t, "nbu-primary", info["serverName"])
}
