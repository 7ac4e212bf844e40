package execdio

import (
	"testing"
	"time"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
	"github.com/stretchr/testify/require"
)

// AddLine writes what the encoder made, byte for byte what AddFields
// writes for the same point, and buffers it like every metric.
func TestAccumulator_AddLineWritesLikeAddFields(t *testing.T) {
	acc, stdout, _ := newTestAccumulator(t)
	ts := time.Unix(1700000000, 123456789)
	require.NoError(t, acc.AddLine("netbackup_job", ts, func(enc *lineprotocol.Encoder) {
		enc.AddTag("client", "app 01,x=y")
		enc.AddTag("source", "nbu")
		enc.AddField("bytes", lineprotocol.IntValue(2048))
		enc.AddField("job_id", lineprotocol.IntValue(7))
	}))
	acc.AddFields("netbackup_job", map[string]interface{}{"job_id": int64(7), "bytes": int64(2048)},
		map[string]string{"source": "nbu", "client": "app 01,x=y"}, ts)
	require.Empty(t, stdout.String(), "nothing reaches stdout before Flush")
	require.NoError(t, acc.Flush())
	line := `netbackup_job,client=app\ 01\,x\=y,source=nbu bytes=2048i,job_id=7i 1700000000123456789` + "\n"
	require.Equal(t, line+line, stdout.String())
}

// A value line protocol cannot hold as it is: nothing is written, the
// error comes back (the caller then uses AddFields), and the next line is
// unaffected.
func TestAccumulator_AddLineRefusesWithoutWriting(t *testing.T) {
	acc, stdout, _ := newTestAccumulator(t)
	ts := time.Unix(1700000000, 0)
	err := acc.AddLine("netbackup_job", ts, func(enc *lineprotocol.Encoder) {
		enc.AddTag("client", "two\nlines")
		enc.AddField("job_id", lineprotocol.IntValue(1))
	})
	require.Error(t, err)
	require.NoError(t, acc.AddLine("netbackup_job", ts, func(enc *lineprotocol.Encoder) {
		enc.AddField("job_id", lineprotocol.IntValue(2))
	}))
	require.NoError(t, acc.Flush())
	require.Equal(t, "netbackup_job job_id=2i 1700000000000000000\n", stdout.String())
}

// A zero time is the gather's start; the precision rounds as for metrics.
func TestAccumulator_AddLineTimeAndPrecision(t *testing.T) {
	acc, stdout, _ := newTestAccumulator(t)
	start := time.Unix(1700000000, 600_000_000)
	acc.BeginGather(t.Context(), start)
	acc.SetPrecision(time.Second)
	write := func(ts time.Time) {
		require.NoError(t, acc.AddLine("m", ts, func(enc *lineprotocol.Encoder) {
			enc.AddField("v", lineprotocol.IntValue(1))
		}))
	}
	write(time.Time{})
	write(time.Unix(1700000100, 400_000_000))
	require.NoError(t, acc.Flush())
	require.Equal(t, "m v=1i 1700000001000000000\nm v=1i 1700000100000000000\n", stdout.String())
}
