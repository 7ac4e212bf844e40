package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// Variable is a template variable whose values a query lists.
type Variable struct {
	Name, Label string
	InfluxQL    string
	PromQL      string // label_values(...)
}

// The template variables. Each may hold several values or All (".*"), so
// queries match them as regular expressions: "source" =~ /^$server$/ in
// InfluxQL, source=~"$server" in PromQL.
var (
	ServerVariable = Variable{
		Name: "server", Label: "Primary server",
		InfluxQL: `SHOW TAG VALUES FROM "netbackup_api" WITH KEY = "source"`,
		PromQL:   `label_values(netbackup_api_up, source)`,
	}
	PolicyVariable = Variable{
		Name: "policy", Label: "Policy",
		InfluxQL: `SHOW TAG VALUES FROM "netbackup_backup_status" WITH KEY = "policy_name" WHERE "source" =~ /^$server$/`,
		PromQL:   `label_values(netbackup_backup_status_last_backup_time{source=~"$server"}, policy_name)`,
	}
	ClientVariable = Variable{
		Name: "client", Label: "Client",
		InfluxQL: `SHOW TAG VALUES FROM "netbackup_backup_status" WITH KEY = "client" WHERE "source" =~ /^$server$/ AND "policy_name" =~ /^$policy$/`,
		PromQL:   `label_values(netbackup_backup_status_last_backup_time{source=~"$server", policy_name=~"$policy"}, client)`,
	}
)

// MaxAgeHours is the custom variable of the hours after which a client's
// last good backup counts as too old.
const MaxAgeHours = "max_age_hours"

// QueryVariables lists the query variables a dashboard has, in order.
func (d Dashboard) QueryVariables() []Variable {
	vars := []Variable{ServerVariable}
	for _, f := range d.Filters {
		switch f {
		case PolicyVariable.Name:
			vars = append(vars, PolicyVariable)
		case ClientVariable.Name:
			vars = append(vars, ClientVariable)
		}
	}
	return vars
}

func variables(d Dashboard, b Backend) []cog.Builder[dashboard.VariableModel] {
	ds := b.datasource()
	all := dashboard.VariableOption{Selected: cog.ToPtr(true), Text: text("All"), Value: text("$__all")}
	var out []cog.Builder[dashboard.VariableModel]
	for _, v := range d.QueryVariables() {
		query := v.InfluxQL
		if b == Prometheus {
			query = v.PromQL
		}
		out = append(out, dashboard.NewQueryVariableBuilder(v.Name).
			Label(v.Label).
			Datasource(ds.ref()).
			Query(dashboard.StringOrMap{String: cog.ToPtr(query)}).
			Definition(query).
			Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
			Sort(dashboard.VariableSortAlphabeticalAsc).
			Multi(true).
			IncludeAll(true).
			AllValue(".*").
			Current(all))
	}
	for _, f := range d.Filters {
		if f != MaxAgeHours {
			continue
		}
		def := dashboard.VariableOption{Selected: cog.ToPtr(true), Text: text("26"), Value: text("26")}
		out = append(out, dashboard.NewCustomVariableBuilder(MaxAgeHours).
			Label("Last good backup older than (hours)").
			Values(dashboard.StringOrMap{String: cog.ToPtr("26,50,74,170")}).
			Current(def))
	}
	return out
}

func text(s string) dashboard.StringOrArrayOfString {
	return dashboard.StringOrArrayOfString{String: cog.ToPtr(s)}
}
