package nbusim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestVersionNegotiation(t *testing.T) {
	for release, api := range releaseAPIVersions {
		sim := newTestSim(t, Config{Release: release, Jobs: 5})
		require.Equal(t, api, sim.APIVersion())

		rec := get(t, sim, "/ping", "Authorization", "")
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, api, rec.Header().Get("X-NetBackup-API-Version"))
		require.Equal(t, "text/vnd.netbackup+plain;version="+api, rec.Header().Get("Content-Type"))
		ms, err := strconv.ParseInt(rec.Body.String(), 10, 64)
		require.NoError(t, err)
		require.Equal(t, testStart.UnixMilli(), ms)

		rec = get(t, sim, "/storage/disk-pools", "Accept", "application/vnd.netbackup+json; version="+api+"; charset=UTF-8")
		require.Equal(t, http.StatusOK, rec.Code, release)
		require.Equal(t, "application/vnd.netbackup+json;version="+api, rec.Header().Get("Content-Type"))

		v := mustParseVersion(api)
		higher := apiVersion{v.major + 1, 0}.String()
		rec = get(t, sim, "/storage/disk-pools", "Accept", "application/vnd.netbackup+json;version="+higher)
		require.Equal(t, http.StatusNotAcceptable, rec.Code, release)
		errorEnvelopeOf(t, rec)
	}
	sim := newTestSim(t, Config{})
	rec := get(t, sim, "/admin/jobs", "Accept", "application/vnd.netbackup+json;version=12.0")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/vnd.netbackup+json;version=12.0", rec.Header().Get("Content-Type"), "answers in the version asked")
	require.Equal(t, http.StatusNotAcceptable, get(t, sim, "/admin/jobs", "Accept", "application/vnd.netbackup+json;version=abc").Code)
}

func TestTapeMediaAbsentBefore104(t *testing.T) {
	for release, want := range map[string]int{"8.3": 404, "10.3": 404, "10.5": 200, "11.0": 200, "11.2": 200} {
		sim := newTestSim(t, Config{Release: release, Jobs: 5})
		require.Equal(t, want, get(t, sim, "/storage/tape-media").Code, release)
	}
}

func TestAuthentication(t *testing.T) {
	sim := newTestSim(t, Config{APIKey: "secret-key", Username: "admin", Password: "pw", Jobs: 5})
	for name, hdr := range map[string][]string{
		"raw":    {"Authorization", "secret-key"},
		"bearer": {"Authorization", "Bearer secret-key"},
		"cookie": {"Authorization", "", "Cookie", "Authorization=secret-key"},
	} {
		require.Equal(t, http.StatusOK, get(t, sim, "/admin/jobs", hdr...).Code, name)
	}
	for name, hdr := range map[string][]string{
		"missing": {"Authorization", ""},
		"wrong":   {"Authorization", "nope"},
	} {
		rec := get(t, sim, "/admin/jobs", hdr...)
		require.Equal(t, http.StatusUnauthorized, rec.Code, name)
		e := errorEnvelopeOf(t, rec)
		require.NotContains(t, rec.Body.String(), "secret-key")
		require.Contains(t, e.ErrorMessage, "Authorization")
	}
	// public endpoints
	require.Equal(t, http.StatusOK, get(t, sim, "/security/serverinfo", "Authorization", "").Code)
	require.Equal(t, http.StatusOK, get(t, sim, "/security/cacert", "Authorization", "").Code)
}

func login(t *testing.T, sim *Simulator, body string) (*http.Response, map[string]any) {
	t.Helper()
	rec := do(t, sim, http.MethodPost, "/login", body, "Authorization", "",
		"Content-Type", "application/vnd.netbackup+json;version=13.0")
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Result(), m
}

func TestLoginLogoutAndExpiry(t *testing.T) {
	sim := newTestSim(t, Config{APIKey: "k", Username: "admin", Password: "pw", TokenValidity: time.Hour, Jobs: 5})

	resp, body := login(t, sim, `{"userName":"admin","password":"bad"}`)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Equal(t, msgBadCredentials, body["errorMessage"])

	resp, body = login(t, sim, `{"domainType":"vx","userName":"admin","password":"pw"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, "BEARER", body["tokenType"])
	require.EqualValues(t, 3600, body["validity"])
	tok := body["token"].(string)
	require.True(t, strings.HasPrefix(tok, "eyJ"), "looks like a JWT")
	require.Equal(t, 2, strings.Count(tok, "."))

	require.Equal(t, http.StatusOK, get(t, sim, "/admin/jobs", "Authorization", tok).Code)
	require.Equal(t, http.StatusOK, get(t, sim, "/admin/jobs", "Authorization", "Bearer "+tok).Code)

	// logging in with the API key gives a token too
	resp, _ = login(t, sim, `{"domainType":"vx","domainName":"vrts.apikey","password":"k"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	// expiry follows the simulated clock
	sim.Advance(59 * time.Minute)
	require.Equal(t, http.StatusOK, get(t, sim, "/admin/jobs", "Authorization", tok).Code)
	sim.Advance(2 * time.Minute)
	require.Equal(t, http.StatusUnauthorized, get(t, sim, "/admin/jobs", "Authorization", tok).Code)

	// logout revokes
	_, body = login(t, sim, `{"userName":"admin","password":"pw"}`)
	tok2 := body["token"].(string)
	require.Equal(t, http.StatusOK, do(t, sim, http.MethodPost, "/logout", "", "Authorization", tok2).Code)
	require.Equal(t, http.StatusUnauthorized, get(t, sim, "/admin/jobs", "Authorization", tok2).Code)

	// a tampered token is refused
	require.Equal(t, http.StatusUnauthorized, get(t, sim, "/admin/jobs", "Authorization", tok[:len(tok)-2]+"xx").Code)
}

func TestNoRightsAnswersEmptyLists(t *testing.T) {
	sim := newTestSim(t, Config{NoRights: true, Jobs: 50})
	for _, path := range []string{"/admin/jobs", "/storage/storage-units", "/storage/disk-pools", "/manage/alerts", "/catalog/slp-images"} {
		p := decodePage(t, get(t, sim, path))
		require.Empty(t, p.Data, path)
	}
	require.Equal(t, http.StatusUnauthorized, get(t, sim, "/admin/jobs/1").Code)
}

func TestRequestLog(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 5})
	get(t, sim, "/admin/jobs?page%5Blimit%5D=2")
	get(t, sim, "/nope")
	get(t, sim, "/ping", "Authorization", "")
	require.EqualValues(t, 3, sim.RequestCount())
	log := sim.Requests()
	require.Len(t, log, 3)
	require.Equal(t, RequestRecord{Method: "GET", Path: "/netbackup/admin/jobs", RawQuery: "page%5Blimit%5D=2", Status: 200, Authorization: true}, log[0])
	require.Equal(t, 404, log[1].Status)
	require.False(t, log[2].Authorization)
	sim.ResetRequests()
	require.Zero(t, sim.RequestCount())
	require.Empty(t, sim.Requests())

	// the ring keeps the newest records
	small := newTestSim(t, Config{Jobs: 5})
	small.requests.init(4)
	for i := 0; i < 6; i++ {
		get(t, small, "/ping?i="+strconv.Itoa(i))
	}
	recs := small.Requests()
	require.Len(t, recs, 4)
	require.Equal(t, "i=2", recs[0].RawQuery)
	require.Equal(t, "i=5", recs[3].RawQuery)
}
