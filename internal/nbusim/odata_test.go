package nbusim

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var filterTestJob = map[string]any{
	"jobId":       int64(42),
	"parentJobId": int64(0),
	"state":       "ACTIVE",
	"jobType":     "BACKUP",
	"policyName":  "Gold-VMware_Daily",
	"clientName":  "Host1.example.com",
	"status":      int64(0),
	"dedupRatio":  float64(3.5),
	"killable":    true,
	"startTime":   time.Date(2024, 6, 10, 6, 13, 20, 0, time.UTC),
	"endTime":     time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
	"comment":     "it's fine",
	"nothing":     nil,
}

func getFrom(m map[string]any) func(string) (any, bool) {
	return func(attr string) (any, bool) {
		v, ok := m[attr]
		return v, ok
	}
}

func TestFilterMatch(t *testing.T) {
	tests := []struct {
		filter string
		want   bool
	}{
		{"jobId eq 42", true},
		{"jobId eq 41", false},
		{"jobId ne 41", true},
		{"jobId gt 41 and jobId lt 43", true},
		{"jobId ge 42 and jobId le 42", true},
		{"jobId gt 42", false},
		{"jobId lt 42", false},
		{"jobId eq -42", false},
		{"jobId gt -1", true},
		{"jobId eq 42.0", true},
		{"jobId lt 42.5", true},
		{"jobId gt 41.9", true},
		{"jobId gt 42.1", false},
		{"jobId eq 4.2e1", true},
		{"dedupRatio gt 3", true},
		{"dedupRatio eq 3.5", true},
		{"dedupRatio lt 3.5", false},
		{"state eq 'ACTIVE'", true},
		{"state eq 'active'", false}, // eq is case-sensitive, as on the server
		{"tolower(state) eq 'active'", true},
		{"toupper(clientName) eq 'HOST1.EXAMPLE.COM'", true},
		{"tolower(state) eq 'ACTIVE'", false},
		{"tolower(state) lt 'b'", true},
		{"tolower(state) gt 'active'", false},
		{"tolower(state) ge 'activ'", true},
		{"state gt 'A'", true},
		{"state lt 'ACTIVF'", true},
		{"state eq 'ACTIVE' and jobType eq 'BACKUP'", true},
		{"state eq 'DONE' or jobType eq 'BACKUP'", true},
		{"state eq 'DONE' or jobType eq 'RESTORE'", false},
		{"not state eq 'DONE'", true},
		{"not (state eq 'ACTIVE')", false},
		{"not(state eq 'ACTIVE')", false},
		{"not not state eq 'ACTIVE'", true},
		// precedence: not > and > or
		{"state eq 'DONE' and jobId eq 1 or jobId eq 42", true},
		{"jobId eq 42 or state eq 'DONE' and jobId eq 1", true},
		{"(jobId eq 42 or state eq 'DONE') and jobId eq 1", false},
		{"not jobId eq 42 or jobId eq 42", true},
		{"not jobId eq 1 and jobId eq 42", true},
		{"((jobId eq 42))", true},
		{"contains(policyName,'VMware')", true},
		{"contains(policyName, 'vmware')", false},
		{"contains(tolower(policyName),'vmware')", true},
		{"contains(toupper(policyName),'VMWARE_')", true},
		{"startswith(policyName,'Gold')", true},
		{"startswith(policyName,'Daily')", false},
		{"endswith(policyName,'Daily')", true},
		{"contains(policyName,'x') eq false", true},
		{"contains(policyName,'VMware') eq false", false},
		{"contains(policyName,'VMware') ne false", true},
		{"contains(policyName,'VMware') eq true and jobId eq 42", true},
		{"not contains(policyName,'x')", true},
		{"contains(jobId,'4')", false},    // not a string
		{"contains(missing,'4')", false},  // absent
		{"comment eq 'it''s fine'", true}, // '' escape
		{"comment eq 'its fine'", false},
		{"killable eq true", true},
		{"killable eq false", false},
		{"killable ne false", true},
		{"startTime eq 2024-06-10T06:13:20.000Z", true},
		{"startTime eq 2024-06-10T06:13:20Z", true},
		{"startTime ge 2024-06-10T06:13:20.001Z", false},
		{"startTime gt 2024-06-10T06:13:19.999Z", true},
		{"startTime le '2024-06-10T06:13:20.000Z'", true}, // quoted date-time
		{"startTime lt '2024-06-10T06:13:20.000Z'", false},
		{"startTime gt 2024-06-10", true},
		{"startTime lt 2024-06-10T08:13:20+02:00", false},
		{"startTime le 2024-06-10T08:13:20+02:00", true},
		{"(endTime ge 2022-11-11T00:00:00Z or endTime eq 1970-01-01T00:00:00.000Z)", true},
		{"startTime eq 'not a date'", false},
		// absent / null
		{"missing eq 1", false},
		{"missing ne 1", false},
		{"not (missing eq 1)", true},
		{"missing eq null", true},
		{"missing ne null", false},
		{"nothing eq null", true},
		{"state eq null", false},
		{"state ne null", true},
		// type mismatches never match, ne included
		{"state eq 42", false},
		{"state ne 42", false},
		{"jobId eq '42'", false},
		{"killable eq 1", false},
		{"startTime gt 5", false},
		{"jobId eq 2024-06-10T06:13:20Z", false},
		// operators and keywords are case-insensitive
		{"jobId EQ 42 AND state Eq 'ACTIVE'", true},
		{"clientName eq 'Host1.example.com'", true},
		{"  jobId\teq 42  ", true},
		{"jobId eq 99999999999999999999", false}, // beyond int64: compared as a decimal
		{"jobId lt 99999999999999999999", true},
	}
	get := getFrom(filterTestJob)
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			f, err := parseFilter(tc.filter)
			require.NoError(t, err)
			require.Equal(t, tc.want, f.Match(get))
		})
	}
}

func TestFilterMatchOtherIntegerTypes(t *testing.T) {
	f, err := parseFilter("n eq 7 and m lt 8.5")
	require.NoError(t, err)
	require.True(t, f.Match(getFrom(map[string]any{"n": 7, "m": int32(8)})))
	require.False(t, f.Match(getFrom(map[string]any{"n": 7, "m": int32(9)})))
	require.False(t, f.Match(getFrom(map[string]any{"n": 7, "m": uint8(1)}))) // unsupported type
	require.False(t, f.Match(getFrom(map[string]any{"n": 7, "m": math.NaN()})))
}

func TestFilterErrors(t *testing.T) {
	tests := []struct {
		filter  string
		wantErr string
	}{
		{"", "empty expression"},
		{"   ", "empty expression"},
		{"jobId xx 5", `position 7: unknown operator "xx"`},
		{"jobId = 5", `position 7: unexpected character '='`},
		{"state eq 'ACTIVE", "position 10: unterminated string"},
		{"state eq 'it''", "position 10: unterminated string"},
		{"(jobId eq 5", "position 1: unbalanced parentheses: '(' is never closed"},
		{"jobId eq 5)", "position 11: unbalanced parentheses: unexpected ')'"},
		{")", "position 1: unbalanced parentheses"},
		{"jobId eq 5 jobId", `position 12: unexpected "jobId" after the end`},
		{"jobId eq 5 and", "position 15: unexpected end of expression"},
		{"jobId eq", "position 9: unexpected end of expression: expected a value"},
		{"jobId", `unexpected end of expression after "jobId"`},
		{"jobId 5", "expected a comparison operator"},
		{"malwareStatus eq CLEAN", `found name "CLEAN" (strings must be single-quoted`},
		{"jobId eq 5abc", `invalid number "5abc"`},
		{"jobId eq 5.", "digits expected after '.'"},
		{"startTime ge 2024-13-45T00:00:00Z", "invalid date-time"},
		{"contains(policyName)", "expected ',' in contains()"},
		{"contains(policyName,5)", "needs a quoted string"},
		{"contains(policyName,'x' eq true", "expected ')' closing contains("},
		{"contains(policyName,'x') lt true", "can only be compared with eq/ne"},
		{"contains(policyName,'x') eq 5", "can only be compared with true or false"},
		{"tolower(5) eq 'x'", "tolower() takes an attribute name"},
		{"tolower state eq 'x'", "expected '(' after tolower"},
		{"and eq 5", `found keyword "and"`},
		{"5 eq jobId", "expected an attribute name, found value 5"},
		{"jobId eq 1e999", "out of range"},
		{"(jobId eq 5 jobId)", "expected ')' or an operator"},
		{"jobId eq 5 or or jobId eq 6", `found keyword "or"`},
		{"jobId eq 'x' ¤", "unexpected character '¤'"},
		{strings.Repeat("(", 100) + "a eq 1" + strings.Repeat(")", 100), "nested deeper than 64"},
		{strings.Repeat("not ", 100) + "a eq 1", "nested deeper than 64"},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			f, err := parseFilter(tc.filter)
			require.Nil(t, f)
			require.ErrorContains(t, err, tc.wantErr)
			require.Contains(t, err.Error(), "filter: ")
		})
	}
}

func TestFilterInt64Bounds(t *testing.T) {
	const minI, maxI = math.MinInt64, math.MaxInt64
	tests := []struct {
		filter string
		lo, hi int64
		ok     bool
	}{
		{"jobId ge 5 and jobId lt 9", 5, 8, true},
		{"jobId gt 5 and jobId le 9", 6, 9, true},
		{"jobId eq 7", 7, 7, true},
		{"jobId ge 5", 5, maxI, true},
		{"jobId lt 5", minI, 4, true},
		{"jobId ge 5 and jobId ge 7 and jobId le 20 and jobId le 10", 7, 10, true},
		{"state eq 'DONE' and jobId gt 100", 101, maxI, true},
		{"(jobId ge 5 and jobId le 6) and state eq 'DONE'", 5, 6, true},
		{"jobId ge 4.5 and jobId le 8.5", 5, 8, true},
		{"jobId gt 4.5 and jobId lt 8.5", 5, 8, true},
		{"jobId gt 5.0 and jobId lt 8.0", 6, 7, true},
		{"jobId ge -3 and jobId le -1", -3, -1, true},
		{"jobId eq 4.5", 5, 4, true}, // cannot match: empty range
		{"jobId gt 9223372036854775807", maxI, minI, true},
		{"jobId lt -9223372036854775808", maxI, minI, true},
		{"jobId ge 1e30", maxI, maxI, true},
		{"jobId ge 5 or jobId le 3", minI, maxI, false},
		{"not jobId ge 5", minI, maxI, false},
		{"not (jobId ge 5 and jobId le 6)", minI, maxI, false},
		{"jobId ne 5", minI, maxI, false},
		{"tolower(jobId) eq 5", minI, maxI, false},
		{"parentJobId eq 5", minI, maxI, false},
		{"jobId eq '5'", minI, maxI, false},
		{"jobId eq null", minI, maxI, false},
		{"contains(jobId,'5')", minI, maxI, false},
		{"(jobId ge 5 or state eq 'x') and jobId le 9", minI, 9, true},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			f, err := parseFilter(tc.filter)
			require.NoError(t, err)
			lo, hi, ok := f.Int64Bounds("jobId")
			require.Equal(t, tc.ok, ok)
			if ok {
				require.Equal(t, tc.lo, lo, "lo")
				require.Equal(t, tc.hi, hi, "hi")
			}
		})
	}
}

func TestFilterTimeBounds(t *testing.T) {
	t0 := time.Date(2024, 6, 10, 6, 13, 20, 0, time.UTC)
	t1 := time.Date(2024, 6, 11, 0, 0, 0, 0, time.UTC)
	var zero time.Time
	tests := []struct {
		filter string
		lo, hi time.Time
		ok     bool
	}{
		{"endTime ge 2024-06-10T06:13:20.000Z and endTime le 2024-06-11T00:00:00Z", t0, t1, true},
		{"endTime gt 2024-06-10T06:13:20.000Z", t0.Add(time.Nanosecond), zero, true},
		{"endTime lt 2024-06-11T00:00:00Z", zero, t1.Add(-time.Nanosecond), true},
		{"endTime eq '2024-06-10T06:13:20.000Z'", t0, t0, true},
		{"endTime ge 2024-06-01T00:00:00Z and endTime ge 2024-06-10T06:13:20Z and jobId gt 4", t0, zero, true},
		{"endTime le 2024-06-12T00:00:00Z and endTime le 2024-06-11T00:00:00Z", zero, t1, true},
		{"(endTime ge 2022-11-11T00:00:00Z or endTime eq 1970-01-01T00:00:00.000Z)", zero, zero, false},
		{"not endTime ge 2024-06-10T06:13:20Z", zero, zero, false},
		{"endTime ne 2024-06-10T06:13:20Z", zero, zero, false},
		{"endTime ge 5", zero, zero, false},
		{"endTime ge 'yesterday'", zero, zero, false},
		{"startTime ge 2024-06-10T06:13:20Z", zero, zero, false},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			f, err := parseFilter(tc.filter)
			require.NoError(t, err)
			lo, hi, ok := f.TimeBounds("endTime")
			require.Equal(t, tc.ok, ok)
			require.True(t, tc.lo.Equal(lo), "lo = %v, want %v", lo, tc.lo)
			require.True(t, tc.hi.Equal(hi), "hi = %v, want %v", hi, tc.hi)
		})
	}
}

func TestFilterMatchDoesNotAllocate(t *testing.T) {
	f, err := parseFilter("(jobId ge 5 and jobId lt 90 or tolower(state) eq 'active') and " +
		"startTime gt 2020-01-01T00:00:00Z and startswith(policyName,'Gold') and not (status ne 0) and dedupRatio gt 1.5")
	require.NoError(t, err)
	get := getFrom(filterTestJob) // values are boxed once here, not per call
	require.True(t, f.Match(get))
	allocs := testing.AllocsPerRun(100, func() { f.Match(get) })
	require.Zero(t, allocs)
}

func TestFilterNilMatchesEverything(t *testing.T) {
	var f *Filter
	require.True(t, f.Match(getFrom(nil)))
	_, _, ok := f.Int64Bounds("jobId")
	require.False(t, ok)
	_, _, ok = f.TimeBounds("endTime")
	require.False(t, ok)
}

func FuzzParseFilter(f *testing.F) {
	for _, seed := range []string{
		"jobId eq 42",
		"(endTime ge 2022-11-11T00:00:00Z or endTime eq 1970-01-01T00:00:00.000Z)",
		"state eq 'it''s' and not contains(tolower(policyName),'gold') eq false",
		"jobId gt -5.5e3 or startTime le '2024-06-10T06:13:20.000Z'",
		"x eq null and y ne true",
		"((((a eq 1",
		"a eq '",
		"2024-",
		"-",
	} {
		f.Add(seed)
	}
	get := getFrom(filterTestJob)
	f.Fuzz(func(t *testing.T, src string) {
		flt, err := parseFilter(src)
		if err != nil {
			require.Nil(t, flt)
			return
		}
		flt.Match(get)
		if lo, hi, ok := flt.Int64Bounds("jobId"); !ok {
			require.Equal(t, int64(math.MinInt64), lo)
			require.Equal(t, int64(math.MaxInt64), hi)
		}
		flt.TimeBounds("endTime")
	})
}

func BenchmarkFilterMatch(b *testing.B) {
	f, err := parseFilter("(state eq 'ACTIVE' or state eq 'QUEUED') and jobId ge 5 and contains(policyName,'VM') and endTime gt 2020-01-01T00:00:00Z")
	require.NoError(b, err)
	get := getFrom(filterTestJob)
	b.ReportAllocs()
	for b.Loop() {
		f.Match(get)
	}
}

func BenchmarkParseFilter(b *testing.B) {
	src := "(endTime ge 2022-11-11T00:00:00Z or endTime eq 1970-01-01T00:00:00.000Z) and jobType eq 'BACKUP' and jobId gt 1000"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseFilter(src); err != nil {
			b.Fatal(err)
		}
	}
}
