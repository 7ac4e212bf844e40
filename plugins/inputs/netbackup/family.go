package netbackup

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"sync"

	"github.com/influxdata/telegraf"
)

// storageFamily is one resource family read by the storage, tape and
// media_servers collectors (disk pools, drives, media servers, ...). It
// remembers what was already said about the family, so that conditions that
// persist from gather to gather are reported once, not every interval:
//   - the key may not read the family (401/403 on this endpoint): one error,
//     then silence until the family is read successfully again;
//   - the server lists none (200 with empty data: nothing configured, or a
//     key without the right to see them): one informative log line;
//   - the server's API lacks the family (404, or an API version known to be
//     too old): one informative log line, and no request while the version
//     stays too old.
type storageFamily struct {
	name   string // plural, for messages: "disk pools"
	path   string // endpoint, relative to /netbackup
	source string // server host, for messages
	log    telegraf.Logger

	mu          sync.Mutex
	deniedNoted bool
	emptyNoted  bool
	absentNoted bool
}

func newStorageFamily(srv *server, log telegraf.Logger, name, path string) *storageFamily {
	return &storageFamily{name: name, path: path, source: srv.source, log: log}
}

// storageFamilyResult is the outcome of one read of a family.
type storageFamilyResult struct {
	items int
	// err is what the collector returns for this family (nil when the
	// condition was already reported).
	err error
	// denied holds the 401/403 even when err is nil, so that a collector
	// whose every family is denied (a key-wide problem) still fails.
	denied error
	// complete is true when the list was read to its end.
	complete bool
}

// storageReadFamily drains items, calling emit for each, and classifies the
// outcome (see storageFamily). absentOK says that a 404 means "this API
// version lacks the family" rather than a failure.
func storageReadFamily[A any](f *storageFamily, items iter.Seq2[resource[A], error], absentOK bool, emit func(resource[A])) storageFamilyResult {
	var res storageFamilyResult
	var readErr error
	for item, err := range items {
		if err != nil {
			readErr = err
			break
		}
		res.items++
		emit(item)
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case readErr == nil:
		res.complete = true
		f.deniedNoted, f.absentNoted = false, false
		if res.items == 0 {
			if !f.emptyNoted {
				f.infof("server %s: the server lists no %s (none configured, or the API key may not view them); reported once", f.source, f.name)
				f.emptyNoted = true
			}
		} else {
			f.emptyNoted = false
		}
	case isStatus(readErr, http.StatusUnauthorized) || isStatus(readErr, http.StatusForbidden):
		res.denied = fmt.Errorf("%s (%s): the API key may not read them: %w", f.name, f.path, readErr)
		if !f.deniedNoted {
			f.deniedNoted = true
			res.err = res.denied
		} else {
			f.debugf("server %s: %s still denied (already reported)", f.source, f.name)
		}
	case absentOK && isStatus(readErr, http.StatusNotFound):
		f.noteAbsentLocked("the server's API does not have them (404)")
	case errors.Is(readErr, context.Canceled) || errors.Is(readErr, context.DeadlineExceeded):
		res.err = fmt.Errorf("%s (%s): interrupted after %d items: %w", f.name, f.path, res.items, readErr)
	default:
		res.err = fmt.Errorf("%s (%s): %w", f.name, f.path, readErr)
	}
	return res
}

// noteAbsent reports once that the server's API lacks the family.
func (f *storageFamily) noteAbsent(why string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noteAbsentLocked(why)
}

func (f *storageFamily) noteAbsentLocked(why string) {
	if f.absentNoted {
		return
	}
	f.absentNoted = true
	f.infof("server %s: not collecting %s: %s; reported once", f.source, f.name, why)
}

func (f *storageFamily) infof(format string, args ...interface{}) {
	if f.log != nil {
		f.log.Infof(format, args...)
	}
}

func (f *storageFamily) debugf(format string, args ...interface{}) {
	if f.log != nil {
		f.log.Debugf(format, args...)
	}
}

// storageJoinResults joins the errors of a collector's families. When every
// family of a collector with several was denied, the key itself is the
// problem (revoked, or no rights at all): that is reported every gather, not
// once. A single-family collector cannot tell, and reports once.
func storageJoinResults(results ...storageFamilyResult) error {
	var errs []error
	allDenied := len(results) > 1
	for _, r := range results {
		if r.denied == nil {
			allDenied = false
		}
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	if allDenied {
		errs = errs[:0]
		for _, r := range results {
			errs = append(errs, r.denied)
		}
	}
	return errors.Join(errs...)
}

// storageAdd sends points to the accumulator.
func storageAdd(acc telegraf.Accumulator, points ...storagePoint) {
	for _, p := range points {
		if len(p.fields) == 0 {
			continue // a metric without fields is dropped by Telegraf anyway
		}
		acc.AddFields(p.measurement, p.fields, p.tags)
	}
}
