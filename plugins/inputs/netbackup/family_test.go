package netbackup

import (
	"errors"
	"net/http"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

type storageTestAttrs struct{}

func storageTestFamily(log *testutil.CaptureLogger) *storageFamily {
	return &storageFamily{name: "things", path: "/storage/things", source: "nbu", log: log}
}

func TestStorageFamilyDeniedIsReportedOnceUntilReadAgain(t *testing.T) {
	log := &testutil.CaptureLogger{}
	f := storageTestFamily(log)
	denied := &apiError{Method: "GET", Path: "/storage/things", Status: http.StatusUnauthorized}
	items := []resource[storageTestAttrs]{{ID: "a"}}
	read := func(err error, items []resource[storageTestAttrs]) storageFamilyResult {
		return storageReadFamily(f, storageSeq(items, err), false, func(resource[storageTestAttrs]) {})
	}

	first := read(denied, nil)
	require.Error(t, first.err)
	require.True(t, isStatus(first.err, http.StatusUnauthorized))
	require.Contains(t, first.err.Error(), "may not read")

	second := read(denied, nil)
	require.NoError(t, second.err, "a persisting 401 is reported once")
	require.Error(t, second.denied)

	ok := read(nil, items)
	require.NoError(t, ok.err)
	require.True(t, ok.complete)
	require.Equal(t, 1, ok.items)

	again := read(&apiError{Status: http.StatusForbidden}, nil)
	require.Error(t, again.err, "denied again after a successful read: reported again")
}

func TestStorageFamilyEmptyIsLoggedOnce(t *testing.T) {
	log := &testutil.CaptureLogger{}
	f := storageTestFamily(log)
	for range 3 {
		res := storageReadFamily(f, storageSeq[storageTestAttrs](nil, nil), false, func(resource[storageTestAttrs]) {})
		require.NoError(t, res.err)
		require.True(t, res.complete)
	}
	lines := storageInfoLines(log)
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], "lists no things")
}

func TestStorageFamilyAbsent(t *testing.T) {
	notFound := &apiError{Status: http.StatusNotFound}

	log := &testutil.CaptureLogger{}
	f := storageTestFamily(log)
	for range 2 {
		res := storageReadFamily(f, storageSeq[storageTestAttrs](nil, notFound), true, func(resource[storageTestAttrs]) {})
		require.NoError(t, res.err)
		require.False(t, res.complete)
	}
	require.Len(t, storageInfoLines(log), 1)

	// Where the family must exist, a 404 is an error.
	res := storageReadFamily(storageTestFamily(&testutil.CaptureLogger{}), storageSeq[storageTestAttrs](nil, notFound), false,
		func(resource[storageTestAttrs]) {})
	require.Error(t, res.err)
}

func TestStorageFamilyPartialReadKeepsItems(t *testing.T) {
	f := storageTestFamily(&testutil.CaptureLogger{})
	var seen []string
	res := storageReadFamily(f, storageSeq([]resource[storageTestAttrs]{{ID: "a"}, {ID: "b"}}, &apiError{Status: 500}), false,
		func(r resource[storageTestAttrs]) { seen = append(seen, r.ID) })
	require.Equal(t, []string{"a", "b"}, seen)
	require.Equal(t, 2, res.items)
	require.False(t, res.complete)
	require.True(t, isStatus(res.err, 500))
}

func TestStorageJoinResults(t *testing.T) {
	denied := errors.New("denied")
	other := errors.New("boom")
	// One family denied and already reported: nothing to say.
	require.NoError(t, storageJoinResults(storageFamilyResult{denied: denied}, storageFamilyResult{complete: true}))
	// Every family denied: the key is the problem, said every gather.
	err := storageJoinResults(storageFamilyResult{denied: denied}, storageFamilyResult{denied: denied})
	require.ErrorIs(t, err, denied)
	// Errors of several families are all kept.
	err = storageJoinResults(storageFamilyResult{err: other}, storageFamilyResult{err: denied, denied: denied}, storageFamilyResult{complete: true})
	require.ErrorIs(t, err, other)
	require.ErrorIs(t, err, denied)
	// A single-family collector reports a persisting denial once.
	require.NoError(t, storageJoinResults(storageFamilyResult{denied: denied}))
}
