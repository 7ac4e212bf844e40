package netbackup

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The licensing collector reports the front-end capacity that counts
// against a capacity license, from GET /licensing/capacity (offset paging).
// The server answers with one item per primary server it knows (up to the
// last ten queried), so each becomes its own point, tagged primary_server
// with the item's id. Per-client detail (the clientDetails of each item)
// is emitted only with license_client_detail = true: one series per client
// can be many.

const (
	licensingPath      = "/licensing/capacity"
	licensingPageLimit = 100
)

type licenseCapacityAttributes struct {
	MasterConsumptionMB nbuapi.Float `json:"masterConsumptionMB"`
	ClientDetails       []struct {
		ClientName          string       `json:"clientName"`
		ClientConsumptionMB nbuapi.Float `json:"clientConsumptionMB"`
	} `json:"clientDetails"`
}

type licensingCollector struct {
	srv          *server
	clientDetail bool
}

func newLicensingCollector(p *NetBackup, srv *server) (collector, error) {
	return &licensingCollector{srv: srv, clientDetail: p.LicenseClientDetail}, nil
}

// megabytesToBytes converts the API's MB to bytes, taking 1 MB as 1024*1024
// bytes (binary units, as NetBackup's capacity figures use elsewhere).
func megabytesToBytes(mb float64) int64 {
	return int64(math.Round(mb * 1024 * 1024))
}

func (c *licensingCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	for item, err := range nbuapi.Items[licenseCapacityAttributes](ctx, c.srv.client, offsetList(licensingPath, licensingPageLimit)) {
		if err != nil {
			if c.srv.endpointUnavailable("licensing", licensingPath, err) {
				return nil
			}
			return fmt.Errorf("licensing capacity: %w", err)
		}
		tags := map[string]string{"source": c.srv.source}
		if item.ID != "" {
			tags["primary_server"] = item.ID
		}
		a := item.Attributes
		if a.MasterConsumptionMB.Set {
			acc.AddFields("netbackup_license",
				map[string]interface{}{"consumed_bytes": megabytesToBytes(a.MasterConsumptionMB.V)}, tags)
		}
		if c.clientDetail {
			c.emitClients(acc, tags, a)
		}
	}
	return nil
}

// emitClients sums per client name (a client listed twice is one series).
func (c *licensingCollector) emitClients(acc telegraf.Accumulator, serverTags map[string]string, a licenseCapacityAttributes) {
	perClient := make(map[string]float64, len(a.ClientDetails))
	for _, cd := range a.ClientDetails {
		if cd.ClientName == "" || !cd.ClientConsumptionMB.Set {
			continue
		}
		perClient[cd.ClientName] += cd.ClientConsumptionMB.V
	}
	names := make([]string, 0, len(perClient))
	for name := range perClient {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		tags := make(map[string]string, len(serverTags)+1)
		for k, v := range serverTags {
			tags[k] = v
		}
		tags["client"] = name
		acc.AddFields("netbackup_license_client",
			map[string]interface{}{"consumed_bytes": megabytesToBytes(perClient[name])}, tags)
	}
}
