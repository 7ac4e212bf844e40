package netbackup

import (
	"errors"
	"iter"
	"net/http"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

type storageTestAttrs struct{}

func storageTestFamily(log *testutil.CaptureLogger) *family {
	return &family{name: "things", path: "/storage/things", conditions: newConditions("nbu", log)}
}

// storageReadFamily reads a family that is optional or not.
func storageReadFamily[A any](f *family, items iter.Seq2[nbuapi.Resource[A], error], optional bool, emit func(nbuapi.Resource[A])) familyResult {
	f.optional = optional
	return readFamily(f, items, emit)
}

func TestStorageFamilyDeniedIsReportedOnceUntilReadAgain(t *testing.T) {
	log := &testutil.CaptureLogger{}
	f := storageTestFamily(log)
	denied := &nbuapi.Error{Method: "GET", Path: "/storage/things", Status: http.StatusUnauthorized}
	items := []nbuapi.Resource[storageTestAttrs]{{ID: "a"}}
	read := func(err error, items []nbuapi.Resource[storageTestAttrs]) familyResult {
		return storageReadFamily(f, storageSeq(items, err), false, func(nbuapi.Resource[storageTestAttrs]) {})
	}

	first := read(denied, nil)
	require.Error(t, first.err)
	require.True(t, nbuapi.IsStatus(first.err, http.StatusUnauthorized))
	require.Contains(t, first.err.Error(), "may not read")

	second := read(denied, nil)
	require.NoError(t, second.err, "a persisting 401 is reported once")
	require.Error(t, second.denied)

	ok := read(nil, items)
	require.NoError(t, ok.err)
	require.True(t, ok.complete)
	require.Equal(t, 1, ok.items)

	again := read(&nbuapi.Error{Status: http.StatusForbidden}, nil)
	require.Error(t, again.err, "denied again after a successful read: reported again")
}

func TestStorageFamilyEmptyIsLoggedOnce(t *testing.T) {
	log := &testutil.CaptureLogger{}
	f := storageTestFamily(log)
	for range 3 {
		res := storageReadFamily(f, storageSeq[storageTestAttrs](nil, nil), false, func(nbuapi.Resource[storageTestAttrs]) {})
		require.NoError(t, res.err)
		require.True(t, res.complete)
	}
	lines := logLines(log, testutil.LevelInfo)
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], "lists no things")
}

func TestStorageFamilyAbsent(t *testing.T) {
	notFound := &nbuapi.Error{Status: http.StatusNotFound}

	log := &testutil.CaptureLogger{}
	f := storageTestFamily(log)
	for range 2 {
		res := storageReadFamily(f, storageSeq[storageTestAttrs](nil, notFound), true, func(nbuapi.Resource[storageTestAttrs]) {})
		require.NoError(t, res.err)
		require.False(t, res.complete)
	}
	require.Len(t, logLines(log, testutil.LevelInfo), 1)

	// Where the family must exist, a 404 is an error.
	res := storageReadFamily(storageTestFamily(&testutil.CaptureLogger{}), storageSeq[storageTestAttrs](nil, notFound), false,
		func(nbuapi.Resource[storageTestAttrs]) {})
	require.Error(t, res.err)
}

func TestStorageFamilyPartialReadKeepsItems(t *testing.T) {
	f := storageTestFamily(&testutil.CaptureLogger{})
	var seen []string
	res := storageReadFamily(f, storageSeq([]nbuapi.Resource[storageTestAttrs]{{ID: "a"}, {ID: "b"}}, &nbuapi.Error{Status: 500}), false,
		func(r nbuapi.Resource[storageTestAttrs]) { seen = append(seen, r.ID) })
	require.Equal(t, []string{"a", "b"}, seen)
	require.Equal(t, 2, res.items)
	require.False(t, res.complete)
	require.True(t, nbuapi.IsStatus(res.err, 500))
}

func TestStorageJoinResults(t *testing.T) {
	denied := errors.New("denied")
	other := errors.New("boom")
	// One family denied and already reported: nothing to say.
	require.NoError(t, joinFamilyResults(familyResult{denied: denied}, familyResult{complete: true}))
	// Every family denied: the key is the problem, said every gather.
	err := joinFamilyResults(familyResult{denied: denied}, familyResult{denied: denied})
	require.ErrorIs(t, err, denied)
	// Errors of several families are all kept.
	err = joinFamilyResults(familyResult{err: other}, familyResult{err: denied, denied: denied}, familyResult{complete: true})
	require.ErrorIs(t, err, other)
	require.ErrorIs(t, err, denied)
	// A single-family collector reports a persisting denial once.
	require.NoError(t, joinFamilyResults(familyResult{denied: denied}))
}
