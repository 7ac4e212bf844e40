package netbackup

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// A role without a right (403, or the 401 NetBackup answers some of those
// with) refuses the same request at every gather until an administrator
// grants it. Like an endpoint a release lacks, it is said when it appears
// and when it clears, not at every interval; netbackup_collector's errors
// field keeps counting it for dashboards and alerts. The storage, tape and
// media server collectors say it per resource family (see family); this
// covers every collector, at the level of its whole error.
//
// A credential refused on every request is not a missing right but a
// wrong, expired or revoked key: that stays an error at every gather (see
// reportCollectorFailures).

// denials remembers, per collector, the refusal last reported.
type denials struct {
	said map[string]string // collector → the error as reported
}

// report returns the error to report for a collector's failure, nil when
// the same refusal was reported already. A collector that failed for
// another reason keeps its refusal remembered: a passing 503 does not make
// the refusal news again.
func (d *denials) report(srv *server, collector string, err error) error {
	if !onlyDenied(err) {
		return err
	}
	text := err.Error()
	if d.said[collector] == text {
		srv.conditions.debugf("server %s, collector %s: still refused (already reported)", srv.source, collector)
		return nil
	}
	if d.said == nil {
		d.said = make(map[string]string)
	}
	d.said[collector] = text
	return fmt.Errorf("%w; reported once, and again when it changes or clears (netbackup_collector errors counts it meanwhile)", err)
}

// succeeded notes a collector that ran without error: a refusal it had
// is over.
func (d *denials) succeeded(srv *server, collector string) {
	if _, ok := d.said[collector]; !ok {
		return
	}
	delete(d.said, collector)
	srv.conditions.infof("server %s, collector %s: can be read again", srv.source, collector)
}

// onlyDenied reports whether every error err wraps or joins is a 401 or
// 403.
func onlyDenied(err error) bool {
	return everyLeaf(err, func(leaf error) bool {
		return nbuapi.IsStatus(leaf, http.StatusUnauthorized) || nbuapi.IsStatus(leaf, http.StatusForbidden)
	})
}

// everyLeaf reports whether test holds for every error err joins (err
// itself when it joins none).
func everyLeaf(err error, test func(error) bool) bool {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, inner := range joined.Unwrap() {
			if !everyLeaf(inner, test) {
				return false
			}
		}
		return true
	}
	return test(err)
}
