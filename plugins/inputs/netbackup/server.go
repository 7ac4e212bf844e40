package netbackup

import (
	"fmt"
	"time"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// server is one configured NetBackup primary server: its client, the value
// of its source tag, what was already reported about it, and one instance
// of every enabled collector.
type server struct {
	url        string // normalised base URL, ending in /netbackup; the key in the state file
	legacyKey  string // the key of an older state file, when it differs
	source     string // the value of the source tag (see sourceTag)
	client     *nbuapi.Client
	conditions *conditions
	// ping is the answer of this gather's GET /ping: API version, server
	// clock and certificate chain. Collectors read it; only Gather writes it.
	ping nbuapi.PingResult

	collectorNames []string
	collectors     map[string]collector
	stateLoaded    bool
}

// now is the server's clock at this gather (from GET /ping), or the local
// clock if the server did not tell: job cursors and ages follow the server.
func (s *server) now() time.Time {
	if !s.ping.ServerTime.IsZero() {
		return s.ping.ServerTime
	}
	return time.Now()
}

// version is the server's API version at this gather (zero: unknown).
func (s *server) version() nbuapi.Version {
	return s.ping.Version
}

// newServer builds the server of a normalised base URL; legacyKey is its
// key in a state file written before entries were normalised.
func newServer(p *NetBackup, cfg nbuapi.Config, legacyKey string) (*server, error) {
	source := sourceTag(cfg.BaseURL)
	cfg.Name = source
	c, err := nbuapi.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("server %q: %w", cfg.BaseURL.Redacted(), err)
	}
	srv := &server{
		url:        cfg.BaseURL.String(),
		source:     source,
		client:     c,
		conditions: newConditions(source, p.Log),
	}
	if legacyKey != srv.url {
		srv.legacyKey = legacyKey
	}
	return srv, nil
}

// endpointUnavailable reports whether err says that the server lacks the
// endpoint a collector reads (see conditions.unavailable).
func (s *server) endpointUnavailable(collector, path string, err error) bool {
	return s.conditions.unavailable(endpointName(collector, path), err, s.version())
}

// endpointAvailable notes that the endpoint answered.
func (s *server) endpointAvailable(collector, path string) {
	s.conditions.available(endpointName(collector, path))
}

func endpointName(collector, path string) string {
	return path + " (read by the " + collector + " collector)"
}
