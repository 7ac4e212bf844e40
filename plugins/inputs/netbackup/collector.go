package netbackup

import (
	"context"
	"encoding/json"

	"github.com/influxdata/telegraf"
)

// A collector turns one family of NetBackup resources into metrics for one
// server. Each collector lives in its own file with the same shape: its
// constructor (what it needs from the options), what it asks the server,
// how the items become metrics.
type collector interface {
	// collect gathers one family from the collector's server. Partial results
	// already added to acc stay; the returned error says what failed.
	collect(ctx context.Context, acc telegraf.Accumulator) error
}

// statefulCollector is a collector whose progress must survive a restart
// (the job cursor, the last alert seen). Its state is stored in the state
// file under the server's URL and the collector's name.
type statefulCollector interface {
	collector
	// loadState restores what saveState returned in an earlier process.
	loadState(data json.RawMessage) error
	// saveState returns the progress made up to the last successful flush.
	saveState() (json.RawMessage, error)
}

// collectorFactory builds one collector instance for one server.
type collectorFactory func(p *NetBackup, srv *server) (collector, error)
