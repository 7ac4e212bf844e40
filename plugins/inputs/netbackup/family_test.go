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

// A denied family is the collector's error at every read: the gather, not
// the family, decides what was said already (see reportRefusal), so that
// netbackup_collector's errors keeps counting it.
func TestStorageFamilyDeniedIsTheCollectorsError(t *testing.T) {
	log := &testutil.CaptureLogger{}
	f := storageTestFamily(log)
	denied := &nbuapi.Error{Method: "GET", Path: "/storage/things", Status: http.StatusUnauthorized}
	read := func(err error, items []nbuapi.Resource[storageTestAttrs]) familyResult {
		return storageReadFamily(f, storageSeq(items, err), false, func(nbuapi.Resource[storageTestAttrs]) {})
	}
	for range 2 {
		res := read(denied, nil)
		require.True(t, nbuapi.IsStatus(res.err, http.StatusUnauthorized))
		require.Contains(t, res.err.Error(), "things (/storage/things): the API key may not read them")
		require.False(t, res.complete)
	}
	ok := read(nil, []nbuapi.Resource[storageTestAttrs]{{ID: "a"}})
	require.NoError(t, ok.err)
	require.True(t, ok.complete)
	require.Empty(t, log.Messages(), "the family logs nothing of a denial")
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
	denied := &nbuapi.Error{Status: http.StatusForbidden}
	other := errors.New("boom")
	require.NoError(t, joinFamilyResults(familyResult{complete: true}, familyResult{complete: true}))
	err := joinFamilyResults(familyResult{err: other}, familyResult{err: denied}, familyResult{complete: true})
	require.ErrorIs(t, err, other)
	require.ErrorIs(t, err, denied)
}
