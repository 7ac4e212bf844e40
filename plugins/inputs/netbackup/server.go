package netbackup

import (
	"fmt"
	"time"
)

// server is one configured NetBackup primary server: its client, the value
// of its source tag, and one instance of every enabled collector.
type server struct {
	url    string // base URL, ending in /netbackup; the key in the state file
	source string // host name, the value of the source tag
	client *client
	stats  requestStats // cumulative since the process started
	// ping is the answer of this gather's GET /ping: API version, server
	// clock and certificate chain. Collectors read it; only Gather writes it.
	ping pingResult

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

func newServer(p *NetBackup, cfg clientConfig, collectorNames []string) (*server, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("server %q: %w", cfg.BaseURL.Redacted(), err)
	}
	srv := &server{
		url:            cfg.BaseURL.String(),
		source:         cfg.BaseURL.Hostname(),
		client:         c,
		collectorNames: collectorNames,
		collectors:     make(map[string]collector, len(collectorNames)),
	}
	for _, name := range collectorNames {
		col, err := collectorFactories[name](p, srv)
		if err != nil {
			return nil, fmt.Errorf("collector %q for server %q: %w", name, srv.url, err)
		}
		srv.collectors[name] = col
	}
	return srv, nil
}
