package nbuapi

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzNBUDuration: PT5M46S, 00:05:46, 1:02:03:04, seconds. A duration
// without a minus sign is never negative.
func FuzzNBUDuration(f *testing.F) {
	for _, s := range []string{"PT5M46S", "00:05:46", "P1DT2H", "PT0.5S", "123:05:46", "1:02:03:04", "346", "-PT1S", "P1W", "PT", "NaN", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err == nil && !containsByte(s, '-') {
			require.GreaterOrEqual(t, d, time.Duration(0), "%q", s)
		}
		quoted, _ := json.Marshal(s)
		var nd Duration
		require.NoError(t, nd.UnmarshalJSON(quoted), "a bad duration leaves the field unset, never fails the page")
		if nd.Set && !containsByte(s, '-') {
			require.GreaterOrEqual(t, nd.D, time.Duration(0), "%q", s)
		}
	})
}

// FuzzNBUTime: the date-time forms of jobs and alerts (alerts add their
// own layouts: FuzzAlertTime in the plugin); the epoch and
// anything unreadable are "unset".
func FuzzNBUTime(f *testing.F) {
	for _, s := range []string{"2024-06-10T06:22:05.123Z", "2024-06-10T06:22:05", "2024-06-10 06:22:05", "1718000000000",
		"1970-01-01T00:00:00Z", "2018-04-26 13:41:31.751000+00:00", "2024-06-10T06:22:05+0200", "", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseTime(s)
		quoted, _ := json.Marshal(s)
		var nt Time
		require.NoError(t, nt.UnmarshalJSON(quoted))
		require.True(t, nt.IsZero() || nt.Unix() > 0)
		require.NoError(t, nt.UnmarshalJSON([]byte(s)), "unquoted (a number, or garbage)")
	})
}

// FuzzAPIVersion: the X-NetBackup-API-Version header and the api_version
// option.
func FuzzAPIVersion(f *testing.F) {
	for _, s := range []string{"13.0", "13", " 10.0 ", "8.3.0.1", "0.1", "-1.0", "99999999999999999999.0", "1.-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		require.GreaterOrEqual(t, v.Major, 1)
		require.GreaterOrEqual(t, v.Minor, 0)
		again, err := ParseVersion(v.String())
		require.NoError(t, err)
		require.Equal(t, v, again)
	})
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// Regression (found by FuzzNBUDuration): "NaN" parsed as a duration of
// -2562047h, which became a huge negative elapsed_seconds.
func TestFuzzRegressionDurationNaN(t *testing.T) {
	for _, s := range []string{"NaN", "nan", "NaN:00", "00:NaN:00"} {
		_, err := ParseDuration(s)
		require.Error(t, err, "%q", s)
	}
	var d Duration
	require.NoError(t, d.UnmarshalJSON([]byte(`"NaN"`)))
	require.False(t, d.Set)
}
