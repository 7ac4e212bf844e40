package nbusim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAppendTimeMsMatchesTimeFormat(t *testing.T) {
	for _, ms := range []int64{0, 1, 951782400000, 1709251199999, 1709251200000, 4102444800123, 253402300799999, -1} {
		want := `"` + time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z") + `"`
		require.Equal(t, want, string(appendTimeMs(nil, ms)), ms)
	}
	for ms := int64(0); ms < 5e12; ms += 86_399_987 * 13 {
		want := `"` + time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z") + `"`
		require.Equal(t, want, string(appendTimeMs(nil, ms)))
	}
}

func TestAppendStringEscapesLikeEncodingJSON(t *testing.T) {
	for _, s := range []string{"plain", `quo"te`, `back\slash`, "tab\tnew\nline\r", "ctl\x01\x1f", "ünïcode ✓", "bad\xffutf8"} {
		var got string
		require.NoError(t, json.Unmarshal(appendString(nil, s), &got), s)
		want, _ := json.Marshal(s)
		var wantS string
		require.NoError(t, json.Unmarshal(want, &wantS))
		require.Equal(t, wantS, got)
	}
}

func TestDurations(t *testing.T) {
	require.Equal(t, `"PT5M46S"`, string(appendISODuration(nil, 346_000)))
	require.Equal(t, `"PT0S"`, string(appendISODuration(nil, 0)))
	require.Equal(t, `"PT2H"`, string(appendISODuration(nil, 7_200_000)))
	require.Equal(t, `"00:08:45"`, string(appendClockDuration(nil, 525_000)))
	require.Equal(t, `"123:00:01"`, string(appendClockDuration(nil, 442_801_000)))
}
