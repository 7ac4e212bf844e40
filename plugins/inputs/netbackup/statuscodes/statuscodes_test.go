package statuscodes

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The messages that operators and the vendor's own examples quote.
func TestKnownCodes(t *testing.T) {
	for code, want := range map[int64]string{
		0:    "the requested operation was successfully completed",
		1:    "the requested operation was partially successful",
		58:   "can't connect to client",
		84:   "media write error",
		96:   "unable to allocate new media for backup, storage unit has none available",
		150:  "termination requested by administrator",
		196:  "client backup was not attempted because backup window closed",
		2074: "Disk volume is down",
	} {
		got, ok := Text(code)
		require.True(t, ok, "code %d", code)
		require.Equal(t, want, got, "code %d", code)
	}
}

func TestUnknownCodeHasNoText(t *testing.T) {
	for _, code := range []int64{-1, 61, 7625, 99999} { // 61: obsolete, only in a note
		_, ok := Text(code)
		require.False(t, ok, "code %d", code)
	}
}

func TestTableSize(t *testing.T) {
	require.Equal(t, 957, Len(), "codes.tsv rows")
}

func TestParseRejectsBrokenTables(t *testing.T) {
	const header = "code\tmessage\tsource\n"
	for name, tsv := range map[string]string{
		"no header":       "0\tok\tsrc\n",
		"wrong header":    "code\tmessage\n0\tok\tsrc\n",
		"two columns":     header + "0\tok\n",
		"code not number": header + "x\tok\tsrc\n",
		"negative code":   header + "-3\tok\tsrc\n",
		"empty message":   header + "0\t \tsrc\n",
		"no source":       header + "0\tok\t\n",
		"duplicate":       header + "0\tok\tsrc\n0\tagain\tsrc\n",
		"empty":           "# only notes\n",
	} {
		_, err := parse(tsv)
		require.Error(t, err, name)
	}
	m, err := parse("# note\n" + header + "# note between rows\n7\tseven\tsrc\n")
	require.NoError(t, err)
	require.Equal(t, map[int64]string{7: "seven"}, m)
}
