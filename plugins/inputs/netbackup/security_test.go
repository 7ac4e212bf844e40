package netbackup

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// securityBySetting splits netbackup_security into the overall point (key
// "") and one per setting.
func securityBySetting(t *testing.T, acc *testutil.Accumulator) map[string]map[string]interface{} {
	t.Helper()
	out := make(map[string]map[string]interface{})
	for _, m := range metricsNamed(acc, "netbackup_security") {
		require.Equal(t, "127.0.0.1", relSourceHost(m.Tags["source"]), "the test server, on its port")
		_, dup := out[m.Tags["setting"]]
		require.False(t, dup, "setting %q twice", m.Tags["setting"])
		out[m.Tags["setting"]] = m.Fields
	}
	return out
}

// NetBackup 11.0 says what it recommends: each setting is compliant or not,
// numbers carry their value, the overall point counts the settings.
func TestSecurityCollectorMatchesSimulator(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "11.0"})
	var raw struct {
		Data struct {
			Attributes struct {
				PlatformRiskScore float64                    `json:"platformRiskScore"`
				Settings          map[string]json.RawMessage `json:"securitySettingsDetail"`
			} `json:"attributes"`
		} `json:"data"`
	}
	healthRaw(t, env, "/security/status", &raw)
	before := len(requestsTo(env.sim, securityStatusPath))

	p := newTestPlugin(t, on(env), collect("security"))
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	got := securityBySetting(t, acc)
	require.Len(t, got, 1+len(raw.Data.Attributes.Settings), "one point per setting and the overall one")

	// The simulator's posture (nbusim security_status.go), setting by setting.
	require.Equal(t, map[string]interface{}{
		"risk_score": raw.Data.Attributes.PlatformRiskScore, "settings_compliant": int64(9), "settings_not_compliant": int64(9),
	}, got[""])
	require.Equal(t, map[string]interface{}{
		"compliant": int64(0), "risk_score": 100.0, "weight_percent": int64(10),
	}, got["mfaEnforced"], "a boolean has no value field")
	require.Equal(t, map[string]interface{}{
		"compliant": int64(1), "value": 0.0, "risk_score": 0.0, "weight_percent": int64(10),
	}, got["allowInsecureBackLevelHost"])
	require.Equal(t, map[string]interface{}{
		"compliant": int64(0), "value": 42.5, "risk_score": 57.5, "weight_percent": int64(7),
	}, got["hostPercentageWithDteEnabled"], "the percentage of hosts with data-in-transit encryption")
	require.Equal(t, int64(0), got["dteGlobalMode"]["compliant"])
	require.NotContains(t, got["dteGlobalMode"], "value", "a string state has no value field")
	require.Equal(t, int64(1), got["certificateAutoDeployLevel"]["compliant"], "one of two recommended levels")
	require.Equal(t, int64(1), got["isImmutableBackupStorageConfigured"]["compliant"])
	require.Equal(t, int64(1), got["serverPercentageWithLatestNbuVersion"]["compliant"], "100 is recommended as 100.0")
	require.Len(t, requestsTo(env.sim, securityStatusPath), before+1, "one request a gather")
}

// NetBackup 10.5 (API 12.0) gives no recommended values: no compliant
// field and no counts, the risk scores and values still.
func TestSecurityCollectorWithoutRecommendations(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "10.5"})
	acc := gatherOnce(t, newTestPlugin(t, on(env), collect("security")))
	require.Empty(t, errorsOf(acc))
	got := securityBySetting(t, acc)
	require.Len(t, got, 1+11)
	require.Contains(t, got[""], "risk_score")
	require.NotContains(t, got[""], "settings_compliant")
	for setting, fields := range got {
		require.NotContains(t, fields, "compliant", setting)
	}
	require.Equal(t, 80.0, got["hostPercentageWithServiceUser"]["value"])
}

// NetBackup 10.3 (API 10.0) lacks the endpoint: no request, no error, one
// informative line however many gathers.
func TestSecurityCollectorSkipsOlderServers(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "10.3"})
	p := newTestPlugin(t, on(env), collect("security"))
	for range 3 {
		acc := gatherOnce(t, p)
		require.Empty(t, errorsOf(acc))
		require.Empty(t, metricsNamed(acc, "netbackup_security"))
	}
	require.Empty(t, requestsTo(env.sim, securityStatusPath))
	lines := logLines(env.log, testutil.LevelInfo)
	require.Len(t, lines, 1, "%q", lines)
	require.Contains(t, lines[0], "security status")
	require.Contains(t, lines[0], "10.0")
}

// A server that does not say its version but lacks the endpoint answers
// 404: said once at info level, not an error per gather.
func TestSecurityCollectorEndpointMissing(t *testing.T) {
	env := serveFixture(t, newHealthFixture("", time.Now()))
	p := newTestPlugin(t, on(env), collect("security"), func(p *NetBackup) { p.APIVersion = "13.0" })
	for range 2 {
		require.Empty(t, errorsOf(gatherOnce(t, p)))
	}
	lines := logLines(env.log, testutil.LevelInfo)
	require.Len(t, lines, 1, "%q", lines)
	require.Contains(t, lines[0], "security status")
}

// A key without the |SECURITY|SETTINGS| view right gets 401 while it
// reads jobs: one error, then silence while it lasts. (Were security the
// only collector, a 401 on its every request could as well be a revoked
// key, and would be said at every gather.)
func TestSecurityCollectorWithoutRights(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "11.0", NoRights: true})
	p := newTestPlugin(t, on(env), collect("jobs", "security"))
	first := gatherOnce(t, p)
	require.Len(t, errorsOf(first), 1)
	require.Contains(t, errorText(first), "may not read")
	require.Empty(t, errorsOf(gatherOnce(t, p)))
}

// Odd answers: an entry that is not an object is skipped and the others
// kept; numbers compare by value, strings by case; without a current state
// or recommendations there is no verdict.
func TestSecurityPointsFromOddSettings(t *testing.T) {
	fx := newHealthFixture("14.0", time.Now())
	fx.handle(securityStatusPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=14.0")
		_, _ = w.Write([]byte(`{"data":{"type":"securityStatus","id":"x","attributes":{
			"platformRiskScore":"12.5",
			"securitySettingsDetail":{
				"broken":"yes",
				"mpa":{"currentConfigState":"enabled","recommendedValues":["ENABLED"],"configWeightage":5},
				"percent":{"currentConfigState":100,"recommendedValues":[100.0]},
				"noCurrent":{"recommendedValues":[true],"currentConfigRiskScore":0},
				"numberAsString":{"currentConfigState":"100","recommendedValues":[100]},
				"noRecommendation":{"currentConfigState":true,"recommendedValues":[]}
			}}}}`))
	})
	acc := gatherOnce(t, newTestPlugin(t, on(serveFixture(t, fx)), collect("security")))
	require.Empty(t, errorsOf(acc))
	got := securityBySetting(t, acc)
	require.NotContains(t, got, "broken")
	require.Equal(t, map[string]interface{}{"compliant": int64(1), "weight_percent": int64(5)}, got["mpa"])
	require.Equal(t, map[string]interface{}{"compliant": int64(1), "value": 100.0}, got["percent"])
	require.Equal(t, map[string]interface{}{"risk_score": 0.0}, got["noCurrent"])
	require.Equal(t, map[string]interface{}{"compliant": int64(0)}, got["numberAsString"], "a string state is an enum, not a number")
	require.NotContains(t, got, "noRecommendation", "a point without fields is dropped")
	require.Equal(t, map[string]interface{}{
		"risk_score": 12.5, "settings_compliant": int64(2), "settings_not_compliant": int64(1),
	}, got[""])
	require.Equal(t, []string{"/security/status?"}, fx.requestLog(), "one request, no query")
}
