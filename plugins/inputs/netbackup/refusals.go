package netbackup

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// A role without a right (403, or the 401 NetBackup answers some of those
// with) refuses the same request at every gather until an administrator
// grants it. Like an endpoint a release lacks, it is a condition of the
// server's conditions: said when it appears, again when it changes or
// clears, not at every interval; netbackup_collector's errors field keeps
// counting it for dashboards and alerts. It is judged on a collector's
// whole error, so it covers every collector, resource families included.
//
// A credential refused on every request is not a missing right but a
// wrong, expired or revoked key: that stays an error at every gather (see
// reportCollectorFailures).

// reportRefusal returns the error to report for a collector's failure: err
// itself, or nil when it is a refusal already reported. A collector that
// failed for another reason keeps its refusal raised: a passing 503 does
// not make the refusal news again.
func (c *conditions) reportRefusal(collector string, err error) error {
	if !onlyDenied(err) {
		return err
	}
	if !c.raiseOnly(refusalPrefix(collector), err.Error()) {
		c.debugf("server %s, collector %s: still refused (already reported)", c.source, collector)
		return nil
	}
	return fmt.Errorf("%w; reported once, and again when it changes or clears (netbackup_collector errors counts it meanwhile)", err)
}

// collectorRead notes a collector that ran without error: a refusal it
// had is over.
func (c *conditions) collectorRead(collector string) {
	if c.lowerAll(refusalPrefix(collector)) {
		c.infof("server %s, collector %s: can be read again", c.source, collector)
	}
}

func refusalPrefix(collector string) string {
	return "refused " + collector + ": "
}

// raiseOnly raises prefix+detail and lowers any other key of prefix; it
// reports whether prefix+detail was not raised before.
func (c *conditions) raiseOnly(prefix, detail string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := prefix + detail
	if c.raised[key] {
		return false
	}
	for k := range c.raised {
		if strings.HasPrefix(k, prefix) {
			delete(c.raised, k)
		}
	}
	c.raised[key] = true
	return true
}

// lowerAll lowers every key of prefix and reports whether there was one.
func (c *conditions) lowerAll(prefix string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	found := false
	for k := range c.raised {
		if strings.HasPrefix(k, prefix) {
			delete(c.raised, k)
			found = true
		}
	}
	return found
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
