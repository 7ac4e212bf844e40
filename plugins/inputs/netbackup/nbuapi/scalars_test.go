package nbuapi

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{in: "PT5M46S", want: 5*time.Minute + 46*time.Second},
		{in: "00:05:46", want: 5*time.Minute + 46*time.Second},
		{in: "P1DT2H", want: 26 * time.Hour},
		{in: "PT0S", want: 0},
		{in: "PT1.5S", want: 1500 * time.Millisecond},
		{in: "P2W", want: 14 * 24 * time.Hour},
		{in: "123:00:01", want: 123*time.Hour + time.Second},
		{in: "1:02:03:04", want: 26*time.Hour + 3*time.Minute + 4*time.Second},
		{in: "05:46", want: 5*time.Minute + 46*time.Second},
		{in: "346", want: 346 * time.Second},
		{in: "pt2m", want: 2 * time.Minute},
		{in: "P", err: true},
		{in: "PT", err: true},
		{in: "P1Y", err: true},
		{in: "P1M", err: true},
		{in: "1:2:3:4:5", err: true},
		{in: "aa:bb", err: true},
		{in: "", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestIntAcceptsEveryNumberForm(t *testing.T) {
	tests := []struct {
		in    string
		want  int64
		isSet bool
	}{
		{in: `42`, want: 42, isSet: true},
		{in: `52428800.0`, want: 52428800, isSet: true},
		{in: `4294967296`, want: 4294967296, isSet: true},
		{in: `"17"`, want: 17, isSet: true},
		{in: `"1.5e3"`, want: 1500, isSet: true},
		{in: `-1`, want: -1, isSet: true},
		{in: `null`},
		{in: `""`},
		{in: `"n/a"`},
		{in: `true`},
		{in: `{"a":1}`},
		{in: `1e300`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var v Int
			require.NoError(t, json.Unmarshal([]byte(tt.in), &v))
			require.Equal(t, Int{V: tt.want, Set: tt.isSet}, v)
		})
	}
	var f Float
	require.NoError(t, json.Unmarshal([]byte(`"84.5"`), &f))
	require.Equal(t, Float{V: 84.5, Set: true}, f)
	require.NoError(t, json.Unmarshal([]byte(`null`), &f))
	require.False(t, f.Set)
}

func TestTimeForms(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{in: `"2024-06-10T06:22:05.331Z"`, want: time.Date(2024, 6, 10, 6, 22, 5, 331e6, time.UTC)},
		{in: `"2024-06-10T06:22:05Z"`, want: time.Date(2024, 6, 10, 6, 22, 5, 0, time.UTC)},
		{in: `"2024-06-10T08:22:05+02:00"`, want: time.Date(2024, 6, 10, 6, 22, 5, 0, time.UTC)},
		{in: `"1970-01-01T00:00:00.000Z"`},
		{in: `"1970-01-01T00:00:00Z"`},
		{in: `null`},
		{in: `""`},
		{in: `"soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var v Time
			require.NoError(t, json.Unmarshal([]byte(tt.in), &v))
			require.True(t, tt.want.Equal(v.Time), "got %v", v.Time)
			require.Equal(t, tt.want.IsZero(), v.IsZero())
		})
	}
}

// The fast path for NetBackup's own form agrees with the general parser.
func TestParseDurationSimpleISOAgrees(t *testing.T) {
	for _, s := range []string{"PT5M46S", "PT1H", "PT0S", "PT12H0M3S", "PT90M", "PT3S", "PT1H1S",
		"PT", "PTS", "PT5S6M", "PT1H2H", "PT1.5S", "PT99999999999999H", "PT9223372037S"} {
		fast, ok := parseSimpleISODuration(s)
		general, err := parseDurationGeneral(s)
		if !ok {
			continue // the general parser decides
		}
		require.NoError(t, err, s)
		require.Equal(t, general, time.Duration(fast)*time.Second, s)
	}
	_, ok := parseSimpleISODuration("PT5M46S")
	require.True(t, ok)
}
