package netbackup

import (
	"context"

	"github.com/influxdata/telegraf"
)

// The media_servers collector: one metric per configured media server
// (GET /config/media-servers, offset paging, up to 500 per page).

const (
	mediaServersPath      = "/config/media-servers"
	mediaServersPageLimit = 500
)

func init() {
	registerCollector("media_servers", newMediaServersCollector)
}

// mediaServerAttributes: type "mediaServer" (vendor config.yaml).
type mediaServerAttributes struct {
	HostName    string          `json:"hostName"`
	IsMachineUp storageFlexBool `json:"isMachineUp"`
	Status      struct {
		Name string `json:"name"` // ACTIVE_FOR_TAPE_AND_DISK, ..., OFFLINE, DEACTIVATED, VIRTUAL_NODE
	} `json:"status"`
}

type mediaServersCollector struct {
	srv          *server
	mediaServers *storageFamily
}

func newMediaServersCollector(p *NetBackup, srv *server) (collector, error) {
	return &mediaServersCollector{
		srv:          srv,
		mediaServers: newStorageFamily(srv, p.Log, "media servers", mediaServersPath),
	}, nil
}

func (c *mediaServersCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	source := c.srv.source
	res := storageReadFamily(c.mediaServers,
		offsetItems[mediaServerAttributes](ctx, c.srv.client, mediaServersPath, nil, mediaServersPageLimit), false,
		func(r resource[mediaServerAttributes]) {
			storageAdd(acc, mediaServerPoint(source, r))
		})
	return storageJoinResults(res)
}

// mediaServerPoint builds netbackup_media_server. up is isMachineUp; a server
// that omits it gets up from its status (ACTIVE_* is up, OFFLINE and
// DEACTIVATED are down, anything else unknown and omitted).
func mediaServerPoint(source string, r resource[mediaServerAttributes]) storagePoint {
	a := r.Attributes
	tags := map[string]string{"source": source}
	storageSetTag(tags, "media_server", storageFirstNonEmpty(a.HostName, r.ID))
	storageSetTag(tags, "status", storageStateTag(a.Status.Name))
	fields := make(map[string]interface{}, 1)
	switch {
	case a.IsMachineUp.Set:
		fields["up"] = storageBoolInt(a.IsMachineUp.V)
	case storageEnumIs(a.Status.Name, "ACTIVE_FOR_TAPE_AND_DISK", "ACTIVE_FOR_TAPE", "ACTIVE_FOR_DISK"):
		fields["up"] = int64(1)
	case storageEnumIs(a.Status.Name, "OFFLINE", "DEACTIVATED"):
		fields["up"] = int64(0)
	}
	return storagePoint{measurement: "netbackup_media_server", tags: tags, fields: fields}
}
