package netbackup

import (
	"context"
	"encoding/json"
	"slices"

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

// collectorTable is every collector, in the order sample.conf documents
// them. A table rather than registration from each file's init(): the whole
// set is read in one place, its order is fixed, and nothing runs at import
// time.
var collectorTable = []struct {
	name  string
	build collectorFactory
}{
	{"jobs", newJobsCollector},
	{"backup_status", newBackupStatusCollector},
	{"storage", newStorageCollector},
	{"tape", newTapeCollector},
	{"media_servers", newMediaServersCollector},
	{"slp", newSLPCollector},
	{"catalog_backup", newCatalogBackupCollector},
	{"alerts", newAlertsCollector},
	{"services", newServicesCollector},
	{"licensing", newLicensingCollector},
	{"certificates", newCertificatesCollector},
}

// knownCollectors lists the collector names in the table's order.
func knownCollectors() []string {
	names := make([]string, 0, len(collectorTable))
	for _, c := range collectorTable {
		names = append(names, c.name)
	}
	return names
}

func isKnownCollector(name string) bool {
	return slices.Contains(knownCollectors(), name)
}

// buildCollector builds the named collector for srv; the name is known
// (Init validated it).
func buildCollector(name string, p *NetBackup, srv *server) (collector, error) {
	for _, c := range collectorTable {
		if c.name == name {
			return c.build(p, srv)
		}
	}
	panic("unknown collector " + name)
}
