package nbusim

import (
	"math"
	"net/http"
)

// securitySetting is one entry of securitySettingsDetail of GET
// /security/status (security.yaml, 10.5 and later): a security setting, its
// weight in the platform risk score, its current state and, from API 13.0
// on, the values the vendor recommends.
type securitySetting struct {
	name        string
	current     any   // bool, integer, number (a percentage) or string, as documented
	recommended []any // API 13.0 and later
	weight      int64 // configWeightage, percent of the platform score
	// total is the count a percentage is taken of, under its documented
	// name (totalHosts, ...); "" when the setting has none.
	totalName string
	total     float64
	minAPI    apiVersion // the first API version that reports the setting
}

// riskScore is the setting's currentConfigRiskScore: 0 when the current
// state is among the recommended ones, the missing share for percentages,
// 100 otherwise.
func (s securitySetting) riskScore() float64 {
	if pct, ok := s.current.(float64); ok {
		return math.Round((100-pct)*10) / 10
	}
	for _, r := range s.recommended {
		if r == s.current {
			return 0
		}
	}
	return 100
}

var (
	api12 = apiVersion{major: 12}
	api13 = apiVersion{major: 13}
	api14 = apiVersion{major: 14}
)

// securitySettings is the posture the simulator plays: about half of the
// settings as recommended, the rest not (single sign-on off, no MFA, no
// multi-person authorization, data-in-transit encryption preferred off,
// OS administrators with CLI access), percentages below 100. Recommended
// values follow the vendor's guidance on minimizing the security risk.
var securitySettings = []securitySetting{
	{name: "ssoEnabled", current: false, recommended: []any{true}, weight: 5, minAPI: api12},
	{name: "allowInsecureBackLevelHost", current: int64(0), recommended: []any{int64(0)}, weight: 10, minAPI: api12},
	{name: "certificateAutoDeployLevel", current: int64(1), recommended: []any{int64(0), int64(1)}, weight: 5, minAPI: api12},
	{name: "mfaEnforced", current: false, recommended: []any{true}, weight: 10, minAPI: api12},
	{name: "nacState", current: false, recommended: []any{true}, weight: 3, minAPI: api14},
	{name: "dteGlobalMode", current: "PREFERRED_OFF", recommended: []any{"PREFERRED_ON", "ENFORCED"}, weight: 8, minAPI: api12},
	{name: "hostPercentageWithDteEnabled", current: 42.5, recommended: []any{100.0}, weight: 7, totalName: "totalHosts", total: 40, minAPI: api12},
	{name: "backupAnomalyDetection", current: int64(1), recommended: []any{int64(1), int64(2)}, weight: 5, minAPI: api12},
	{name: "aliasAutoAdd", current: int64(0), recommended: []any{int64(0)}, weight: 3, minAPI: api12},
	{name: "mpa", current: "DISABLED", recommended: []any{"ENABLED"}, weight: 5, minAPI: api12},
	{name: "hostPercentageWithServiceUser", current: 80.0, recommended: []any{100.0}, weight: 4, totalName: "totalServiceUserSupportedHosts", total: 10, minAPI: api12},
	{name: "malwareDetection", current: "CONFIGURED", recommended: []any{"CONFIGURED"}, weight: 5, minAPI: api12},
	{name: "backupStoragePercentageWithEncryptionEnabled", current: 66.7, recommended: []any{100.0}, weight: 7, totalName: "totalEncryptionSupportedStorages", total: 6, minAPI: api13},
	{name: "isImmutableBackupStorageConfigured", current: true, recommended: []any{true}, weight: 8, minAPI: api13},
	{name: "serverPercentageWithLatestNbuVersion", current: 100.0, recommended: []any{100.0}, weight: 4, totalName: "totalHosts", total: 4, minAPI: api13},
	{name: "clientPercentageWithLatestNbuVersion", current: 87.5, recommended: []any{100.0}, weight: 3, totalName: "totalHosts", total: 36, minAPI: api13},
	{name: "isCliAccessToOsAdmins", current: int64(1), recommended: []any{int64(0)}, weight: 4, minAPI: api13},
	{name: "isWebUiAccessToOsAdmins", current: int64(0), recommended: []any{int64(0)}, weight: 4, minAPI: api13},
	{name: "redirectedRestore", current: true, recommended: []any{true}, weight: 3, minAPI: api13},
}

// securityStatus is the body of GET /security/status in the representation
// of API version v: 12.0 (NetBackup 10.5) has neither recommended values
// nor the baseline flags, and names the type statusResponse; 13.0 adds
// seven settings; 14.0 adds nacState.
func securityStatus(v apiVersion, settings []securitySetting) map[string]any {
	details := map[string]any{}
	var weighted, weights float64
	for _, s := range settings {
		if v.less(s.minAPI) {
			continue
		}
		risk := s.riskScore()
		weighted += risk * float64(s.weight)
		weights += float64(s.weight)
		d := map[string]any{
			"currentConfigState":     s.current,
			"baseConfigState":        s.current,
			"configWeightage":        s.weight,
			"currentConfigRiskScore": risk,
			"baseConfigRiskScore":    risk,
		}
		if s.totalName != "" {
			d[s.totalName] = s.total
		}
		if !v.less(api13) {
			d["isBaselineSet"] = false
			d["recommendedValues"] = s.recommended
		}
		details[s.name] = d
	}
	score := 0.0
	if weights > 0 {
		score = math.Round(weighted/weights*10) / 10
	}
	attrs := map[string]any{
		"templateVersion":        int64(1),
		"platformRiskScore":      score,
		"securitySettingsDetail": details,
	}
	data := map[string]any{"id": "statusResponse", "type": "statusResponse", "attributes": attrs}
	if !v.less(api13) {
		attrs["isBaseTemplateAvailable"] = false
		data["id"], data["type"] = "securityStatus", "securityStatus"
	}
	return map[string]any{"data": data}
}

// handleSecurityStatus answers GET /security/status. The endpoint came
// with API 12.0: asked for an older version, it answers 406 like any
// endpoint asked for a version it does not produce. A key without the
// |SECURITY|SETTINGS| view right gets 401, as for any single resource.
func (s *Simulator) handleSecurityStatus(w http.ResponseWriter, r *request, _ string) {
	if r.version.less(api12) {
		s.writeError(w, r.version, http.StatusNotAcceptable, codeInvalidRequest,
			"Invalid Accept type. Make sure your Accept header matches what this API produces.",
			"GET /security/status is produced from version 12.0 on")
		return
	}
	if s.cfg.NoRights {
		s.writeError(w, r.version, http.StatusUnauthorized, codeUnauthorized,
			"Authorization header is missing, the token is invalid, or you do not have permission for this action.")
		return
	}
	s.writeJSON(w, r.version, http.StatusOK, securityStatus(r.version, s.security))
}
