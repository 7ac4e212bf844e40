package dashboards

import (
	"errors"

	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
)

// influxQuery is a raw InfluxQL target of Grafana's InfluxDB data source.
// The SDK has no InfluxDB query type; this is the shape Grafana saves.
type influxQuery struct {
	RefID        string               `json:"refId"`
	Datasource   common.DataSourceRef `json:"datasource"`
	Query        string               `json:"query"`
	RawQuery     bool                 `json:"rawQuery"`
	ResultFormat string               `json:"resultFormat"`
	Alias        string               `json:"alias,omitempty"`
}

var _ variants.Dataquery = (*influxQuery)(nil)

func (*influxQuery) ImplementsDataqueryVariant() {}

func (*influxQuery) DataqueryType() string { return "influxdb" }

func (q *influxQuery) Equals(other variants.Dataquery) bool {
	o, ok := other.(*influxQuery)
	return ok && *o == *q
}

func (q *influxQuery) Validate() error {
	if q.Query == "" {
		return errors.New("empty InfluxQL query")
	}
	return nil
}

// Build makes the query its own builder (cog.Builder[variants.Dataquery]).
func (q *influxQuery) Build() (variants.Dataquery, error) {
	return q, q.Validate()
}
