package netbackup

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// family is one resource family read by the storage, tape and
// media_servers collectors (disk pools, drives, media servers, ...). The
// conditions that persist from gather to gather are said once, through the
// server's conditions, not every interval:
//   - the key may not read the family (401/403 on this endpoint): the
//     collector's error, which the gather says once (see reportRefusal);
//   - the server lists none (200 with empty data: nothing configured, or a
//     key without the right to see them): one informative log line;
//   - the server's API lacks an optional family (not available, or an API
//     version known to be too old): one informative log line, and no
//     request while the version stays too old.
type family struct {
	name       string // plural, for messages: "disk pools"
	path       string // endpoint, relative to /netbackup
	optional   bool   // some releases lack it: "not available" is no failure
	conditions *conditions
}

func newFamily(srv *server, name, path string) *family {
	return &family{name: name, path: path, conditions: srv.conditions}
}

// newOptionalFamily is a family that older releases lack.
func newOptionalFamily(srv *server, name, path string) *family {
	f := newFamily(srv, name, path)
	f.optional = true
	return f
}

// familyResult is the outcome of one read of a family.
type familyResult struct {
	items int
	// err is what the collector returns for this family (nil when it was
	// read, or when the server's API lacks an optional family).
	err error
	// complete is true when the list was read to its end.
	complete bool
}

// readFamily drains items, calling emit for each, and classifies the
// outcome (see family).
func readFamily[A any](f *family, items iter.Seq2[nbuapi.Resource[A], error], emit func(nbuapi.Resource[A])) familyResult {
	var res familyResult
	var readErr error
	for item, err := range items {
		if err != nil {
			readErr = err
			break
		}
		res.items++
		emit(item)
	}

	c := f.conditions
	source := c.source
	switch {
	case readErr == nil:
		res.complete = true
		if c.lower(f.key("absent")) {
			c.infof("server %s: %s are available again", source, f.name)
		}
		if res.items == 0 {
			if c.raise(f.key("empty")) {
				c.infof("server %s: the server lists no %s (none configured, or the API key may not view them); reported once", source, f.name)
			}
		} else if c.lower(f.key("empty")) {
			c.infof("server %s: the server lists %s again", source, f.name)
		}
	case nbuapi.IsDenied(readErr):
		res.err = fmt.Errorf("%s (%s): the API key may not read them: %w", f.name, f.path, readErr)
	case f.optional && nbuapi.IsUnavailable(readErr):
		var status int
		var e *nbuapi.Error
		if errors.As(readErr, &e) {
			status = e.Status
		}
		f.noteAbsent(fmt.Sprintf("the server's API does not have them (%d)", status))
	case errors.Is(readErr, context.Canceled) || errors.Is(readErr, context.DeadlineExceeded):
		res.err = fmt.Errorf("%s (%s): interrupted after %d items: %w", f.name, f.path, res.items, readErr)
	default:
		res.err = fmt.Errorf("%s (%s): %w", f.name, f.path, readErr)
	}
	return res
}

// noteAbsent reports once that the server's API lacks the family.
func (f *family) noteAbsent(why string) {
	if f.conditions.raise(f.key("absent")) {
		f.conditions.infof("server %s: not collecting %s: %s; reported once", f.conditions.source, f.name, why)
	}
}

// key names one condition of the family.
func (f *family) key(condition string) string {
	return f.name + " " + condition
}

// joinFamilyResults joins the errors of a collector's families.
func joinFamilyResults(results ...familyResult) error {
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	return errors.Join(errs...)
}

// addPoints sends points to the accumulator.
func addPoints(acc telegraf.Accumulator, points ...point) {
	for _, p := range points {
		if len(p.fields) == 0 {
			continue // a metric without fields is dropped by Telegraf anyway
		}
		acc.AddFields(p.measurement, p.fields, p.tags)
	}
}

// offsetList is an unfiltered offset-paged collection.
func offsetList(path string, limit int) nbuapi.List {
	return nbuapi.List{Path: path, Limit: limit, Paging: nbuapi.OffsetPaging}
}

// cursorList is a cursor-paged collection.
func cursorList(path string, query url.Values, limit int) nbuapi.List {
	return nbuapi.List{Path: path, Query: query, Limit: limit, Paging: nbuapi.CursorPaging}
}
