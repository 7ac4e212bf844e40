// Package dashboards defines the Grafana dashboards of telegraf-netbackup
// once, for both data stores its users keep metrics in, and renders them
// as importable dashboard JSON (examples/grafana/). Every panel holds its
// InfluxQL and its PromQL side by side, so that neither variant can change
// without the other in view; the end-to-end test runs every query of both
// against a real InfluxDB and a real Prometheus.
//
// The package is only used by cmd/netbackup-dashboards and tests: the
// plugin binary never imports it.
package dashboards

// Backend is a data store and its query language.
type Backend int

const (
	// InfluxDB is InfluxDB 1.x, queried with InfluxQL (outputs.influxdb).
	InfluxDB Backend = iota
	// Prometheus scrapes Telegraf's outputs.prometheus_client (PromQL).
	Prometheus
)

// Backends lists every backend a dashboard is rendered for.
var Backends = []Backend{InfluxDB, Prometheus}

func (b Backend) String() string {
	if b == Prometheus {
		return "prometheus"
	}
	return "influxdb"
}

// Query is one query of a panel in both languages.
type Query struct {
	InfluxQL string
	PromQL   string
	// Legend names each series, with {{tag}} for a tag's value; each
	// backend gets its own syntax ($tag_x for InfluxQL aliases).
	Legend string
}

// Kind is a Grafana panel type.
type Kind int

const (
	Stat Kind = iota
	TimeSeries
	Table
	BarGauge
)

// Step is a threshold: from Value upwards the color is Color (the first
// step's Value is ignored: it is the base).
type Step struct {
	Value float64
	Color string
}

// Mapping shows a value as a text (with a color), e.g. 0 as "DOWN".
type Mapping struct {
	Value string
	Text  string
	Color string
}

// Panel is one panel, whatever the backend.
type Panel struct {
	Title       string
	Description string
	Kind        Kind
	Unit        string
	Decimals    *float64
	Queries     []Query
	// Width is in grid columns (24 make a row); Height in grid units.
	Width, Height uint32
	// TimeFrom gives the panel its own time range ("24h"), so that a
	// "last 24 hours" panel says the same whatever the dashboard's range.
	TimeFrom   string
	Thresholds []Step
	Mappings   []Mapping
	// Merge joins the queries' tables on their common columns (tables that
	// show several values per object).
	Merge bool
	// Hide lists table columns not to show.
	Hide []string
	// Stacked draws time series stacked, as bars.
	Stacked bool
}

// Row groups panels under a title.
type Row struct {
	Title  string
	Panels []Panel
}

// Dashboard is one dashboard, whatever the backend.
type Dashboard struct {
	// Name is the file name without extension: overview, jobs, storage.
	Name        string
	Title       string
	Description string
	// Filters names the template variables beyond the server: policy,
	// client, max_age_hours.
	Filters []string
	Rows    []Row
}

// All lists the dashboards, in the order the README presents them.
func All() []Dashboard {
	return []Dashboard{Overview(), Jobs(), Storage()}
}

// PanelCount is the number of panels of a dashboard (rows not counted).
func (d Dashboard) PanelCount() int {
	n := 0
	for _, r := range d.Rows {
		n += len(r.Panels)
	}
	return n
}
