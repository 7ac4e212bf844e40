package netbackup

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// simStatusTexts are NetBackup's messages for every status the simulator
// ends a job with, written out here so that the tests check the table
// rather than repeat it.
var simStatusTexts = map[int64]string{
	0:    "the requested operation was successfully completed",
	1:    "the requested operation was partially successful",
	13:   "file read failed",
	50:   "client process aborted",
	58:   "can't connect to client",
	84:   "media write error",
	96:   "unable to allocate new media for backup, storage unit has none available",
	150:  "termination requested by administrator",
	196:  "client backup was not attempted because backup window closed",
	2074: "Disk volume is down",
}

// A finished job carries NetBackup's message for its status; a status the
// table does not know, or none at all, gets no status_text.
func TestFinishedJobStatusText(t *testing.T) {
	decode := func(attrs string) *jobAttributes {
		var a jobAttributes
		require.NoError(t, json.Unmarshal([]byte(attrs), &a))
		return &a
	}
	f := finishedJobFields(decode(`{"jobId":5,"state":"DONE","status":58}`))
	require.Equal(t, "can't connect to client", f["status_text"])

	f = finishedJobFields(decode(`{"jobId":6,"state":"DONE","status":7625}`))
	require.Equal(t, int64(7625), f["status"])
	require.NotContains(t, f, "status_text", "no guess for a code the table lacks")

	f = finishedJobFields(decode(`{"jobId":7,"state":"DONE"}`))
	require.NotContains(t, f, "status_text", "no text for a status the server did not send")
}
