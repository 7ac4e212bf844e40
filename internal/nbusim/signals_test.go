package nbusim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Ransomware-era signals: the security posture, anomalies, malware scans and
// WORM storage.

func TestSignalEndpointsExistOnlyWhereDocumented(t *testing.T) {
	for _, tc := range []struct {
		release, path string
		want          int
	}{
		{"8.3", "/security/status", http.StatusNotFound},
		{"8.3", "/security/anomalies", http.StatusNotFound},
		{"8.3", "/malware/latest-scan-results", http.StatusNotFound},
		{"10.3", "/security/status", http.StatusNotFound}, // new in the 10.5 documents
		{"10.3", "/security/anomalies", http.StatusOK},
		{"10.3", "/malware/latest-scan-results", http.StatusOK},
		{"10.5", "/security/status", http.StatusOK},
		{"11.2", "/security/status", http.StatusOK},
	} {
		sim := newTestSim(t, Config{Release: tc.release})
		rec := get(t, sim, tc.path)
		require.Equal(t, tc.want, rec.Code, "%s on %s: %s", tc.path, tc.release, rec.Body.String())
		if tc.want == http.StatusNotFound {
			errorEnvelopeOf(t, rec)
		}
	}
}

func TestAnomaliesSeveritiesStatusesAndArrivals(t *testing.T) {
	sim := newTestSim(t, Config{})
	q := url.Values{"page[limit]": {"7"}, "sort": {"createdDateTime"}}
	ids, count := walkOffset(t, sim, "/security/anomalies", q)
	require.Equal(t, 18, count, "the anomalies detected before Start")
	require.Len(t, uniq(ids), 18)

	bySeverity, byStatus := map[string]int{}, map[string]int{}
	var created []string
	p := decodePage(t, get(t, sim, "/security/anomalies?"+url.Values{"page[limit]": {"100"}, "sort": {"createdDateTime"}}.Encode()))
	for _, d := range p.Data {
		bySeverity[d.Attributes["anomalySeverity"].(string)]++
		byStatus[d.Attributes["anomalyStatus"].(string)]++
		created = append(created, d.Attributes["createdDateTime"].(string))
	}
	for _, sev := range []string{"HIGH", "MEDIUM", "LOW"} {
		require.GreaterOrEqual(t, bySeverity[sev], 2, "a few anomalies of each severity: %v", bySeverity)
	}
	require.Greater(t, byStatus["NOT_REVIEWED"], 18/2, "most not reviewed yet: %v", byStatus)
	require.NotZero(t, byStatus["ANOMALY"], "%v", byStatus)
	require.NotZero(t, byStatus["REPORTED_FALSE_POSITIVE"], "%v", byStatus)
	require.True(t, slices.IsSorted(created), "sort=createdDateTime is ascending")

	desc := decodePage(t, get(t, sim, "/security/anomalies?"+url.Values{"page[limit]": {"100"}, "sort": {"-createdDateTime"}}.Encode()))
	require.Equal(t, p.Data[0].ID, desc.Data[len(desc.Data)-1].ID, "-createdDateTime is descending")

	// Anomalies detected later appear as the clock reaches them.
	sim.Advance(13 * time.Hour)
	_, count = walkOffset(t, sim, "/security/anomalies", url.Values{"page[limit]": {"100"}})
	require.Equal(t, 18+3, count, "after 30 min, then one every 6 h")

	filtered := decodePage(t, get(t, sim, "/security/anomalies?"+url.Values{
		"filter": {"anomalySeverity eq 'HIGH'"}, "page[limit]": {"100"},
	}.Encode()))
	for _, d := range filtered.Data {
		require.Equal(t, "HIGH", d.Attributes["anomalySeverity"])
	}
	require.NotEmpty(t, filtered.Data)
}

func TestAnomalyTypesFollowTheRelease(t *testing.T) {
	for release, want := range map[string][]string{
		"10.3": {"JOB_BASED"},
		"11.0": {"FILE_BASED", "FILE_ENTROPY", "JOB_BASED", "SUSPICIOUS_FILE_EXTENSION"},
	} {
		sim := newTestSim(t, Config{Release: release, Anomalies: 60})
		types := map[string]bool{}
		for _, a := range sim.AnomaliesData() {
			types[a.AnomalyType] = true
		}
		got := make([]string, 0, len(types))
		for typ := range types {
			got = append(got, typ)
		}
		slices.Sort(got)
		require.Equal(t, want, got, release)
	}
}

func TestLatestScanResultsCleanMajorityAndInfectedArrivals(t *testing.T) {
	sim := newTestSim(t, Config{})
	ids, count := walkOffset(t, sim, "/malware/latest-scan-results", url.Values{"page[limit]": {"25"}})
	require.Equal(t, 60, count)
	require.Len(t, uniq(ids), 60)

	results := map[string]int{}
	for _, s := range sim.ScanResultsData() {
		if s.DateOfScan <= isoMs(sim.Now()) {
			results[s.ScanResult]++
			require.Contains(t, []string{"STANDARD", "MS-WINDOWS"}, s.PolicyType, "the only documented policy types")
		}
	}
	require.Greater(t, results["CLEAN"], 60/2, "a clean majority: %v", results)
	require.GreaterOrEqual(t, results["IMPACTED"], 3, "%v", results)

	impactedNow := results["IMPACTED"]
	sim.Advance(12 * time.Hour)
	p := decodePage(t, get(t, sim, "/malware/latest-scan-results?"+url.Values{
		"filter": {"scanResult eq 'IMPACTED'"}, "page[limit]": {"100"},
	}.Encode()))
	require.Len(t, p.Data, impactedNow+1, "the first scan after Start and every sixth found malware")
	for _, d := range p.Data {
		require.Positive(t, d.Attributes["numberOfFilesImpacted"].(float64))
	}
}

// API 10.0 (NetBackup 10.3) names the impacted-file count noOfFilesImpacted
// and has no policyName; later versions, also when a newer server is asked
// for 10.0, answer accordingly.
func TestLatestScanResultsRepresentationPerVersion(t *testing.T) {
	attrsOf := func(sim *Simulator, hdr ...string) map[string]any {
		p := decodePage(t, get(t, sim, "/malware/latest-scan-results?sort=-numberOfFilesImpacted&page[limit]=1", hdr...))
		require.Len(t, p.Data, 1)
		return p.Data[0].Attributes
	}
	old := attrsOf(newTestSim(t, Config{Release: "10.3"}))
	require.Contains(t, old, "noOfFilesImpacted")
	require.Positive(t, old["noOfFilesImpacted"].(float64), "sorting by the impacted count works in 10.0 too")
	require.NotContains(t, old, "numberOfFilesImpacted")
	require.NotContains(t, old, "policyName")

	newer := newTestSim(t, Config{Release: "11.0"})
	cur := attrsOf(newer)
	require.Contains(t, cur, "numberOfFilesImpacted")
	require.Contains(t, cur, "policyName")
	asked10 := attrsOf(newer, "Accept", "application/vnd.netbackup+json;version=10.0")
	require.Contains(t, asked10, "noOfFilesImpacted")
}

func TestSecurityStatusPerVersion(t *testing.T) {
	status := func(release string) map[string]any {
		rec := get(t, newTestSim(t, Config{Release: release}), "/security/status")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var body struct {
			Data struct {
				Type       string         `json:"type"`
				Attributes map[string]any `json:"attributes"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
		return map[string]any{"type": body.Data.Type, "attrs": body.Data.Attributes}
	}
	settings := func(s map[string]any) map[string]any {
		return s["attrs"].(map[string]any)["securitySettingsDetail"].(map[string]any)
	}

	v105 := status("10.5")
	require.Equal(t, "statusResponse", v105["type"])
	require.Len(t, settings(v105), 11)
	require.NotContains(t, settings(v105)["mfaEnforced"], "recommendedValues", "API 12.0 has none")

	v110 := status("11.0")
	require.Equal(t, "securityStatus", v110["type"])
	require.Len(t, settings(v110), 18)
	require.NotContains(t, settings(v110), "nacState")
	mfa := settings(v110)["mfaEnforced"].(map[string]any)
	require.Equal(t, false, mfa["currentConfigState"])
	require.Equal(t, []any{true}, mfa["recommendedValues"])
	require.EqualValues(t, 100, mfa["currentConfigRiskScore"], "not as recommended")
	require.EqualValues(t, 0, settings(v110)["allowInsecureBackLevelHost"].(map[string]any)["currentConfigRiskScore"])
	dte := settings(v110)["hostPercentageWithDteEnabled"].(map[string]any)
	require.EqualValues(t, 42.5, dte["currentConfigState"])
	require.EqualValues(t, 40, dte["totalHosts"])

	require.Contains(t, settings(status("11.2")), "nacState")
	older := get(t, newTestSim(t, Config{Release: "11.0"}), "/security/status",
		"Accept", "application/vnd.netbackup+json;version=11.0")
	require.Equal(t, http.StatusNotAcceptable, older.Code, "the endpoint came with API 12.0: %s", older.Body.String())
	errorEnvelopeOf(t, older)
	score := v110["attrs"].(map[string]any)["platformRiskScore"].(float64)
	require.Greater(t, score, 0.0)
	require.Less(t, score, 100.0)
}

func TestSignalsWithoutRights(t *testing.T) {
	sim := newTestSim(t, Config{NoRights: true})
	for _, path := range []string{"/security/anomalies", "/malware/latest-scan-results"} {
		p := decodePage(t, get(t, sim, path))
		require.Empty(t, p.Data, "%s: a key without the view right gets an empty list", path)
	}
	rec := get(t, sim, "/security/status")
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	errorEnvelopeOf(t, rec)
}

func TestSignalFaultsApply(t *testing.T) {
	sim := newTestSim(t, Config{})
	for _, path := range []string{"/security/status", "/security/anomalies", "/malware/latest-scan-results"} {
		sim.AddFault(Fault{PathPrefix: path, Kind: FaultStatus, Status: http.StatusServiceUnavailable, Count: 1})
		require.Equal(t, http.StatusServiceUnavailable, get(t, sim, path).Code, path)
		require.Equal(t, http.StatusOK, get(t, sim, path).Code, path)
	}
}

func TestWORMStorage(t *testing.T) {
	sim := newTestSim(t, Config{})
	var wormPools []string
	for _, dp := range sim.DiskPoolsData() {
		for _, v := range dp.DiskVolumes {
			if dp.WormCapable {
				require.EqualValues(t, wormMinLockSeconds, v.WormIndelibleMinimumInterval)
				require.Greater(t, v.WormIndelibleMaximumInterval, v.WormIndelibleMinimumInterval)
			} else {
				require.Zero(t, v.WormIndelibleMaximumInterval)
			}
		}
		if dp.WormCapable {
			wormPools = append(wormPools, dp.ID)
		}
	}
	require.Len(t, wormPools, 1)
	var inUse int
	for _, su := range sim.StorageUnitsData() {
		if su.UseWorm {
			inUse++
			require.True(t, su.WormCapable, su.Name)
			require.Equal(t, wormPools[0], su.DiskPool, "a unit using WORM writes to the WORM pool")
		}
	}
	require.Positive(t, inUse)
}
