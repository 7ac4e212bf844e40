package netbackup

import (
	"strings"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// Helpers that turn decoded attributes into tags and fields with the same
// rules everywhere: a value the server did not send is left out, never
// reported as 0; enums are compared case-insensitively; state tags are
// upper-cased so that a series does not split on casing.

// point is one metric before it goes to the accumulator.
type point struct {
	measurement string
	tags        map[string]string
	fields      map[string]interface{}
}

// setInt adds an int64 field only when the value was sent.
func setInt(fields map[string]interface{}, name string, v nbuapi.Int) {
	if v.Set {
		fields[name] = v.V
	}
}

// setScaledInt adds v*factor (kilobytes to bytes) only when v was sent.
func setScaledInt(fields map[string]interface{}, name string, v nbuapi.Int, factor int64) {
	if v.Set {
		fields[name] = v.V * factor
	}
}

// setBool adds a 1/0 field only when the value was sent.
func setBool(fields map[string]interface{}, name string, v nbuapi.Bool) {
	if v.Set {
		fields[name] = boolInt(v.V)
	}
}

// setTag adds a tag only when its value is not blank.
func setTag(tags map[string]string, name, value string) {
	if value = strings.TrimSpace(value); value != "" {
		tags[name] = value
	}
}

// firstNonEmpty returns the first non-blank value (a name, else the id).
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// enumIs compares a NetBackup enum value case-insensitively (servers
// differ in casing: "Tape", "TAPE"), ignoring surrounding blanks.
func enumIs(value string, want ...string) bool {
	value = strings.TrimSpace(value)
	for _, w := range want {
		if strings.EqualFold(value, w) {
			return true
		}
	}
	return false
}

// stateTag normalises a state enum for a tag: upper case, so that a series
// does not split when servers differ in casing ("Up" vs "UP").
func stateTag(state string) string {
	return strings.ToUpper(strings.TrimSpace(state))
}

// upValue is 1 when state equals one of up (case-insensitively), else 0.
func upValue(state string, up ...string) int64 {
	if enumIs(state, up...) {
		return 1
	}
	return 0
}

// boolInt is 1 for true, 0 for false.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// usedPercent computes used/total*100; false when it cannot be known.
func usedPercent(used, total nbuapi.Int) (float64, bool) {
	if !used.Set || !total.Set || total.V <= 0 {
		return 0, false
	}
	return float64(used.V) / float64(total.V) * 100, true
}
