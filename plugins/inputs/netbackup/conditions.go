package netbackup

import (
	"fmt"
	"sync"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// conditions are the lasting states of one server that would otherwise be
// reported at every gather: an endpoint its API lacks, a right the key
// lacks, a list that is empty. Each is said when it appears and again when
// it clears; after clearing it is armed again.
type conditions struct {
	source string // the server, for messages
	log    telegraf.Logger

	mu     sync.Mutex
	raised map[string]bool
}

func newConditions(source string, log telegraf.Logger) *conditions {
	return &conditions{source: source, log: log, raised: make(map[string]bool)}
}

// raise marks key as present and reports whether it was not before.
func (c *conditions) raise(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.raised[key] {
		return false
	}
	c.raised[key] = true
	return true
}

// lower marks key as gone and reports whether it was present.
func (c *conditions) lower(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.raised[key] {
		return false
	}
	delete(c.raised, key)
	return true
}

// unavailable reports whether err says that the server does not offer
// what (an endpoint, or an endpoint for one host) in its API version; the
// first time in a row it says so at info level.
func (c *conditions) unavailable(what string, err error, version nbuapi.Version) bool {
	if !nbuapi.IsUnavailable(err) {
		return false
	}
	c.noteUnavailable(what, fmt.Sprintf("API %s: %v", version, err))
	return true
}

// noteUnavailable says once that what is not available, and why.
func (c *conditions) noteUnavailable(what, why string) {
	if c.raise("unavailable " + what) {
		c.infof("server %s: %s is not available there (%s); skipped, and reported again when it is", c.source, what, why)
	}
}

// available notes that what answered: if it was unavailable, say so.
func (c *conditions) available(what string) {
	if c.lower("unavailable " + what) {
		c.infof("server %s: %s is available again", c.source, what)
	}
}

func (c *conditions) infof(format string, args ...interface{}) {
	if c.log != nil {
		c.log.Infof(format, args...)
	}
}

func (c *conditions) warnf(format string, args ...interface{}) {
	if c.log != nil {
		c.log.Warnf(format, args...)
	}
}

func (c *conditions) debugf(format string, args ...interface{}) {
	if c.log != nil {
		c.log.Debugf(format, args...)
	}
}
