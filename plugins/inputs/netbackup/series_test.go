package netbackup

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDrainingSeries(t *testing.T) {
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	s := newDrainingSeries(time.Hour, "always")
	report := func(at time.Duration, counted ...string) []string {
		return s.report(slices.Values(counted), start.Add(at), cmp.Compare[string])
	}
	require.Equal(t, []string{"a", "always", "b"}, report(0, "b", "a"))
	require.Equal(t, []string{"a", "always", "b"}, report(30*time.Minute, "a"), "b drained: still reported (as 0)")
	require.Equal(t, []string{"a", "always", "b"}, report(time.Hour), "exactly keep after b last counted")
	require.Equal(t, []string{"a", "always"}, report(61*time.Minute), "b counted nothing for longer than keep: dropped")
	require.Equal(t, []string{"always"}, report(10*time.Hour), "the always key stays")
	require.Equal(t, []string{"always", "b"}, report(11*time.Hour, "b"), "a dropped series comes back when it counts again")
}
