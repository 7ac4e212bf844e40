package nbusim

import "slices"

// Dataset views for tests: copies, safe to modify.

// StorageUnitsData returns the storage units served.
func (s *Simulator) StorageUnitsData() []StorageUnit { return slices.Clone(s.data.storageUnits) }

// DiskPoolsData returns the disk pools served.
func (s *Simulator) DiskPoolsData() []DiskPool {
	out := slices.Clone(s.data.diskPools)
	for i := range out {
		out[i].DiskVolumes = slices.Clone(out[i].DiskVolumes)
	}
	return out
}

// StorageServersData returns the storage servers served.
func (s *Simulator) StorageServersData() []StorageServer { return slices.Clone(s.data.storageServers) }

// DrivesData returns the tape drives served.
func (s *Simulator) DrivesData() []Drive { return slices.Clone(s.data.drives) }

// TapeMediaData returns the tapes served.
func (s *Simulator) TapeMediaData() []TapeMedia { return slices.Clone(s.data.tapeMedia) }

// MediaServersData returns the media servers served.
func (s *Simulator) MediaServersData() []MediaServer { return slices.Clone(s.data.mediaServerRes) }

// SLPsData returns the SLP definitions served.
func (s *Simulator) SLPsData() []SLP { return slices.Clone(s.data.slps) }

// SLPImagesData returns the SLP images served.
func (s *Simulator) SLPImagesData() []SLPImage { return slices.Clone(s.data.slpImages) }

// CatalogImagesData returns every catalog image (GET /catalog/images lists
// only the last 24 hours unless filtered on backupTime).
func (s *Simulator) CatalogImagesData() []CatalogImage { return slices.Clone(s.data.images) }

// AlertsData returns the alerts served, newest first.
func (s *Simulator) AlertsData() []Alert { return slices.Clone(s.data.alerts) }

// AnomaliesData returns every anomaly, newest first, those detected after
// the simulated now included (GET /security/anomalies lists only the others).
func (s *Simulator) AnomaliesData() []Anomaly { return slices.Clone(s.data.anomalies) }

// ScanResultsData returns every malware scan result, newest first, those
// completed after the simulated now included (GET
// /malware/latest-scan-results lists only the others).
func (s *Simulator) ScanResultsData() []ScanResult { return slices.Clone(s.data.scanResults) }

// HostsData returns the hosts of /config/hosts (with their services).
func (s *Simulator) HostsData() []Host { return slices.Clone(s.data.hosts) }
