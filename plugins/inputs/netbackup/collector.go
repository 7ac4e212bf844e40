package netbackup

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/influxdata/telegraf"
)

// A collector turns one family of NetBackup resources into metrics for one
// server. Each collector lives in its own file and registers itself in init(),
// so that adding one touches only its file, its tests, sample.conf and the
// README's metrics table.
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

// collectorFactories is filled by the init() functions of the collector files
// and never changed afterwards.
var collectorFactories = make(map[string]collectorFactory)

func registerCollector(name string, factory collectorFactory) {
	if _, dup := collectorFactories[name]; dup {
		panic(fmt.Sprintf("collector %q registered twice", name))
	}
	collectorFactories[name] = factory
}

// knownCollectors lists the registered collector names, sorted.
func knownCollectors() []string {
	names := make([]string, 0, len(collectorFactories))
	for name := range collectorFactories {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func isKnownCollector(name string) bool {
	return slices.Contains(knownCollectors(), name)
}
