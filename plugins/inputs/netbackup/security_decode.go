package netbackup

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// securityStatusAttributes is what the security collector reads of GET
// /security/status (security.yaml, 10.5 and later).
type securityStatusAttributes struct {
	PlatformRiskScore nbuapi.Float     `json:"platformRiskScore"`
	Settings          securitySettings `json:"securitySettingsDetail"`
}

// securitySettings maps each setting's name to its still encoded detail:
// the set of settings grows with every release, and each is decoded on its
// own so that one odd entry costs only itself.
type securitySettings map[string]json.RawMessage

func (s *securitySettings) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		*s = nil // not an object: no settings, the risk score still counts
		return nil
	}
	*s = m
	return nil
}

// securitySetting is one entry of securitySettingsDetail. The current
// state is a boolean, an integer code, a percentage or a string, depending
// on the setting.
type securitySetting struct {
	Current     json.RawMessage   `json:"currentConfigState"`
	Recommended []json.RawMessage `json:"recommendedValues"` // API 13.0 and later
	Weight      nbuapi.Int        `json:"configWeightage"`
	RiskScore   nbuapi.Float      `json:"currentConfigRiskScore"`
}

// securityPoints builds netbackup_security: one point with the platform
// risk score (and how many settings meet the recommendation, when the
// server says what it recommends), one per setting. It also returns the
// settings it could not read.
func securityPoints(source string, a securityStatusAttributes) (points []point, skipped []string) {
	names := make([]string, 0, len(a.Settings))
	for name := range a.Settings {
		names = append(names, name)
	}
	sort.Strings(names)

	var compliant, notCompliant int64
	assessed := false
	for _, name := range names {
		var s securitySetting
		if err := json.Unmarshal(a.Settings[name], &s); err != nil || name == "" {
			skipped = append(skipped, name)
			continue
		}
		fields := make(map[string]interface{}, 4)
		if v, ok := jsonNumber(s.Current); ok {
			fields["value"] = v
		}
		if s.RiskScore.Set {
			fields["risk_score"] = s.RiskScore.V
		}
		setInt(fields, "weight_percent", s.Weight)
		if meets, ok := meetsRecommendation(s.Current, s.Recommended); ok {
			assessed = true
			fields["compliant"] = boolInt(meets)
			if meets {
				compliant++
			} else {
				notCompliant++
			}
		}
		points = append(points, point{
			measurement: "netbackup_security",
			tags:        map[string]string{"source": source, "setting": name},
			fields:      fields,
		})
	}

	summary := make(map[string]interface{}, 3)
	if a.PlatformRiskScore.Set {
		summary["risk_score"] = a.PlatformRiskScore.V
	}
	if assessed {
		summary["settings_compliant"] = compliant
		summary["settings_not_compliant"] = notCompliant
	}
	overall := point{measurement: "netbackup_security", tags: map[string]string{"source": source}, fields: summary}
	return append([]point{overall}, points...), skipped
}

// jsonNumber reads a JSON number (not a boolean, not a numeric string: a
// string state is an enum, whatever it looks like).
func jsonNumber(raw json.RawMessage) (float64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	return v, err == nil
}

// meetsRecommendation tells whether the current state is one of the
// recommended values; ok is false when the server recommends nothing or
// sent no current state. Numbers compare by value (100 equals 100.0),
// strings case-insensitively (NetBackup enums are free strings).
func meetsRecommendation(current json.RawMessage, recommended []json.RawMessage) (meets, ok bool) {
	cur, known := jsonScalar(current)
	if !known || len(recommended) == 0 {
		return false, false
	}
	for _, r := range recommended {
		if rec, ok := jsonScalar(r); ok && scalarEqual(cur, rec) {
			return true, true
		}
	}
	return false, true
}

// jsonScalar decodes a JSON boolean, number or string; false otherwise.
func jsonScalar(raw json.RawMessage) (any, bool) {
	if v, ok := jsonNumber(raw); ok {
		return v, true
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil, false
	}
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		return strings.TrimSpace(x), true
	}
	return nil, false
}

func scalarEqual(a, b any) bool {
	if as, ok := a.(string); ok {
		bs, ok := b.(string)
		return ok && strings.EqualFold(as, bs)
	}
	return a == b
}
