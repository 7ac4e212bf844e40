package netbackup

import (
	"fmt"
	"slices"
)

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
	{"security", newSecurityCollector},
	{"anomalies", newAnomaliesCollector},
	{"malware", newMalwareCollector},
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

// buildCollectors gives srv one instance of each named collector; the
// names are known (validate checked them).
func buildCollectors(p *NetBackup, srv *server, names []string) error {
	srv.collectorNames = names
	srv.collectors = make(map[string]collector, len(names))
	for _, c := range collectorTable {
		if !slices.Contains(names, c.name) {
			continue
		}
		col, err := c.build(p, srv)
		if err != nil {
			return fmt.Errorf("collector %q for server %q: %w", c.name, srv.url, err)
		}
		srv.collectors[c.name] = col
	}
	return nil
}
