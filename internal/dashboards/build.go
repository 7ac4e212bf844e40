package dashboards

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// datasource is the backend's data source as an import input: Grafana
// asks for it on import and puts the chosen one in place of ${DS_...}.
type datasource struct {
	input      string // DS_INFLUXDB
	pluginID   string // influxdb
	pluginName string // InfluxDB
}

func (b Backend) datasource() datasource {
	if b == Prometheus {
		return datasource{input: "DS_PROMETHEUS", pluginID: "prometheus", pluginName: "Prometheus"}
	}
	return datasource{input: "DS_INFLUXDB", pluginID: "influxdb", pluginName: "InfluxDB"}
}

func (d datasource) ref() common.DataSourceRef {
	uid := "${" + d.input + "}"
	return common.DataSourceRef{Type: cog.ToPtr(d.pluginID), Uid: &uid}
}

// Render returns the dashboard as Grafana's export JSON for one backend:
// importable as it is, the data source asked for on import.
func Render(d Dashboard, b Backend) ([]byte, error) {
	built, err := build(d, b)
	if err != nil {
		return nil, fmt.Errorf("dashboard %s (%s): %w", d.Name, b, err)
	}
	raw, err := json.Marshal(built)
	if err != nil {
		return nil, err
	}
	// The export format adds __inputs and __requires, which the SDK's
	// Dashboard type does not model: go through a map (whose keys
	// encoding/json sorts, so the output is stable).
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	ds := b.datasource()
	doc["__inputs"] = []map[string]string{{
		"name": ds.input, "label": ds.pluginName, "description": "",
		"type": "datasource", "pluginId": ds.pluginID, "pluginName": ds.pluginName,
	}}
	doc["__requires"] = requires(d, ds)
	// Grafana keys panel state (links, edits) by id: number them in order.
	if panels, ok := doc["panels"].([]any); ok {
		for i, p := range panels {
			if panel, ok := p.(map[string]any); ok {
				panel["id"] = i + 1
			}
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// requires lists the plugins the dashboard needs, as Grafana's export does.
func requires(d Dashboard, ds datasource) []map[string]string {
	out := []map[string]string{
		{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"},
		{"type": "datasource", "id": ds.pluginID, "name": ds.pluginName, "version": "1.0.0"},
	}
	seen := map[string]bool{}
	for _, r := range d.Rows {
		for _, p := range r.Panels {
			id, name := p.Kind.pluginID()
			if !seen[id] {
				seen[id] = true
				out = append(out, map[string]string{"type": "panel", "id": id, "name": name, "version": ""})
			}
		}
	}
	return out
}

func (k Kind) pluginID() (id, name string) {
	switch k {
	case TimeSeries:
		return "timeseries", "Time series"
	case Table:
		return "table", "Table"
	case BarGauge:
		return "bargauge", "Bar gauge"
	default:
		return "stat", "Stat"
	}
}

// build uses the classic dashboard schema on purpose: the SDK marks it
// deprecated in favour of dashboardv2, which only Grafana 12 and later
// import; the classic JSON imports into Grafana 10, 11 and 12.
func build(d Dashboard, b Backend) (dashboard.Dashboard, error) { //nolint:staticcheck // classic schema: see above
	ds := b.datasource()
	//nolint:staticcheck // classic schema: see build
	db := dashboard.NewDashboardBuilder(d.Title).
		Uid("netbackup-"+d.Name+"-"+b.String()).
		Description(d.Description).
		Tags([]string{"netbackup", "telegraf", b.String()}).
		Editable().
		Refresh("5m").
		Time("now-24h", "now").
		Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Link(dashboard.NewDashboardLinkBuilder("NetBackup").
			Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{"netbackup", b.String()}).
			AsDropdown(true).IncludeVars(true).KeepTime(true))
	for _, v := range variables(d, b) {
		db = db.WithVariable(v)
	}
	for _, row := range d.Rows {
		db = db.WithRow(dashboard.NewRowBuilder(row.Title))
		for _, p := range row.Panels {
			panel, err := buildPanel(p, b, ds)
			if err != nil {
				return dashboard.Dashboard{}, fmt.Errorf("panel %q: %w", p.Title, err) //nolint:staticcheck // classic schema: see build
			}
			db = db.WithPanel(panel)
		}
	}
	return db.Build()
}

// panelBuilder is what every SDK panel builder offers (each returns its
// own type, hence the type parameter).
type panelBuilder[B any] interface {
	cog.Builder[dashboard.Panel]
	Title(string) B
	Description(string) B
	Datasource(common.DataSourceRef) B
	Span(uint32) B
	Height(uint32) B
	Unit(string) B
	Decimals(float64) B
	TimeFrom(string) B
	WithTarget(cog.Builder[variants.Dataquery]) B
	Thresholds(cog.Builder[dashboard.ThresholdsConfig]) B
	Mappings([]dashboard.ValueMapping) B
	WithTransformation(dashboard.DataTransformerConfig) B
}

func buildPanel(p Panel, b Backend, ds datasource) (cog.Builder[dashboard.Panel], error) {
	if len(p.Queries) == 0 {
		return nil, fmt.Errorf("no query")
	}
	switch p.Kind {
	case TimeSeries:
		tb := configure(timeseries.NewPanelBuilder(), p, b, ds).
			Legend(common.NewVizLegendOptionsBuilder().ShowLegend(true).
				DisplayMode(common.LegendDisplayModeTable).Placement(common.LegendPlacementBottom).
				Calcs([]string{"lastNotNull", "max"})).
			Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending)).
			FillOpacity(10).SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(true)})
		if p.Stacked {
			tb = tb.DrawStyle(common.GraphDrawStyleBars).FillOpacity(80).
				Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal))
		}
		return tb, nil
	case Table:
		return configure(table.NewPanelBuilder(), p, b, ds).CellHeight(common.TableCellHeightSm).
			Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"})), nil
	case BarGauge:
		return configure(bargauge.NewPanelBuilder(), p, b, ds).
			Orientation(common.VizOrientationHorizontal).
			DisplayMode(common.BarGaugeDisplayModeGradient).
			ReduceOptions(lastValue()), nil
	default:
		return configure(stat.NewPanelBuilder(), p, b, ds).
			ReduceOptions(lastValue()).
			Orientation(common.VizOrientationAuto).
			GraphMode(common.BigValueGraphModeNone).
			ColorMode(common.BigValueColorModeBackground), nil
	}
}

func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)
}

func configure[B panelBuilder[B]](pb B, p Panel, b Backend, ds datasource) B {
	pb = pb.Title(p.Title).Description(p.Description).Datasource(ds.ref()).
		Span(p.Width).Height(p.Height)
	if p.Unit != "" {
		pb = pb.Unit(p.Unit)
	}
	if p.Decimals != nil {
		pb = pb.Decimals(*p.Decimals)
	}
	if p.TimeFrom != "" {
		pb = pb.TimeFrom(p.TimeFrom)
	}
	if len(p.Thresholds) > 0 {
		pb = pb.Thresholds(thresholds(p.Thresholds))
	}
	if len(p.Mappings) > 0 {
		pb = pb.Mappings(mappings(p.Mappings))
	}
	for i, q := range p.Queries {
		pb = pb.WithTarget(target(q, refID(i), p.Kind, b, ds))
	}
	if p.Merge {
		pb = pb.WithTransformation(dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}})
	}
	if p.Kind == Table {
		hide := map[string]bool{"Time": true, "time": true, "__name__": true, "job": true, "instance": true}
		for _, h := range p.Hide {
			hide[h] = true
		}
		pb = pb.WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{"excludeByName": hide}})
	}
	return pb
}

func refID(i int) string { return string(rune('A' + i)) }

func thresholds(steps []Step) *dashboard.ThresholdsConfigBuilder {
	out := make([]dashboard.Threshold, len(steps))
	for i, s := range steps {
		out[i] = dashboard.Threshold{Color: s.Color}
		if i > 0 {
			out[i].Value = cog.ToPtr(s.Value)
		}
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(out)
}

func mappings(ms []Mapping) []dashboard.ValueMapping {
	options := map[string]dashboard.ValueMappingResult{}
	for i, m := range ms {
		options[m.Value] = dashboard.ValueMappingResult{Text: cog.ToPtr(m.Text), Color: cog.ToPtr(m.Color), Index: cog.ToPtr(int32(i))}
	}
	return []dashboard.ValueMapping{{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: options}}}
}

// target is a panel query in the backend's language. Time series panels
// ask for ranges, the others for the latest value (an instant query, or a
// table).
func target(q Query, ref string, kind Kind, b Backend, ds datasource) cog.Builder[variants.Dataquery] {
	if b == Prometheus {
		pq := prometheus.NewDataqueryBuilder().RefId(ref).Datasource(ds.ref()).Expr(q.PromQL).
			LegendFormat(legendOr(q.Legend, "__auto"))
		switch kind {
		case TimeSeries:
			return pq.Range()
		case Table:
			return pq.Instant().Format(prometheus.PromQueryFormatTable)
		default:
			return pq.Instant()
		}
	}
	iq := &influxQuery{RefID: ref, Datasource: ds.ref(), Query: q.InfluxQL, RawQuery: true, ResultFormat: "time_series"}
	if kind == Table {
		iq.ResultFormat = "table"
	} else {
		iq.Alias = influxAlias(q.Legend)
	}
	return iq
}

func legendOr(legend, fallback string) string {
	if legend == "" {
		return fallback
	}
	return legend
}

var legendTag = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// influxAlias turns a {{tag}} legend into an InfluxDB alias ($tag_x).
func influxAlias(legend string) string {
	return legendTag.ReplaceAllString(legend, `$$tag_$1`)
}
