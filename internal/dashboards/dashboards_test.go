package dashboards

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/stretchr/testify/require"
)

// repoDir is the committed dashboards' directory, from this package.
var repoDir = filepath.Join("..", "..", Dir)

// The committed JSON is what the definitions render: change a definition,
// then run `make dashboards`.
func TestCommittedDashboardsMatchDefinitions(t *testing.T) {
	require.NoError(t, Check(repoDir))
}

// exampleValues fill every variable the dashboards may use.
var exampleValues = map[string]string{
	"server": ".*", "policy": ".*", "client": ".*", MaxAgeHours: "26",
	"timeFilter": "time > now() - 1h", "__interval": "1m", "__rate_interval": "1m", "__range": "1h",
}

// Every panel has both variants of every query, and they use no variable
// the dashboards do not define.
func TestEveryQueryInBothLanguages(t *testing.T) {
	for _, d := range All() {
		require.NotEmpty(t, d.Rows, d.Name)
		for _, r := range d.Rows {
			for _, p := range r.Panels {
				require.NotEmpty(t, p.Queries, "%s / %s", d.Name, p.Title)
				for _, q := range p.Queries {
					require.NotEmpty(t, q.InfluxQL, "%s / %s: no InfluxQL", d.Name, p.Title)
					require.NotEmpty(t, q.PromQL, "%s / %s: no PromQL", d.Name, p.Title)
					for _, text := range []string{q.InfluxQL, q.PromQL} {
						_, err := Fill(text, exampleValues)
						require.NoError(t, err, "%s / %s", d.Name, p.Title)
					}
					if strings.Contains(q.InfluxQL, "$policy") || strings.Contains(q.InfluxQL, "$client") {
						require.Subset(t, d.Filters, []string{PolicyVariable.Name, ClientVariable.Name}, "%s / %s filters on a variable the dashboard lacks", d.Name, p.Title)
					}
					if strings.Contains(q.InfluxQL, "$"+MaxAgeHours) {
						require.Contains(t, d.Filters, MaxAgeHours, "%s / %s", d.Name, p.Title)
					}
				}
			}
		}
	}
}

func TestFillNamesMissingVariables(t *testing.T) {
	_, err := Fill(`SELECT x FROM y WHERE "source" =~ /^$server$/ AND $timeFliter`, exampleValues)
	require.ErrorContains(t, err, "timeFliter")
	got, err := Fill(`up{source=~"$server"}[${__range}]`, exampleValues)
	require.NoError(t, err)
	require.Equal(t, `up{source=~".*"}[1h]`, got)
}

// The files import into Grafana as they are: the data source is an input
// chosen on import, every panel and query uses it, ids are unique, the
// variables are there, and the dashboard reads back strictly as Grafana's
// schema (the SDK's model of it) says.
func TestDashboardsImportAsTheyAre(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	files, err := Files()
	require.NoError(t, err)
	require.Len(t, files, len(Backends)*len(All()))
	for name, data := range files {
		var export map[string]any
		require.NoError(t, json.Unmarshal(data, &export))
		delete(export, "__inputs")
		delete(export, "__requires")
		raw, err := json.Marshal(export)
		require.NoError(t, err)
		var strict dashboard.Dashboard //nolint:staticcheck // the classic schema: see build
		err = strict.UnmarshalJSONStrict(raw)
		// The SDK returns its error list even when it is empty.
		var list cog.BuildErrors
		if errors.As(err, &list) && len(list) == 0 {
			err = nil
		}
		require.NoError(t, err, "%s does not read back as a dashboard", name)

		var doc struct {
			Inputs []struct {
				Name, Type, PluginID string
			} `json:"__inputs"`
			UID        string            `json:"uid"`
			Title      string            `json:"title"`
			Panels     []json.RawMessage `json:"panels"`
			Templating struct {
				List []struct {
					Name       string `json:"name"`
					Type       string `json:"type"`
					Datasource *struct {
						UID string `json:"uid"`
					} `json:"datasource"`
				} `json:"list"`
			} `json:"templating"`
		}
		require.NoError(t, json.Unmarshal(data, &doc), name)
		require.Len(t, doc.Inputs, 1, name)
		input := "${" + doc.Inputs[0].Name + "}"
		require.Equal(t, "datasource", doc.Inputs[0].Type)
		require.NotEmpty(t, doc.UID)
		require.NotEmpty(t, doc.Title)

		ids := map[float64]bool{}
		for _, raw := range doc.Panels {
			var p map[string]any
			require.NoError(t, json.Unmarshal(raw, &p))
			id, ok := p["id"].(float64)
			require.True(t, ok, "%s: a panel without id", name)
			require.False(t, ids[id], "%s: panel id %v twice", name, id)
			ids[id] = true
			if p["type"] == "row" {
				continue
			}
			require.Equal(t, input, p["datasource"].(map[string]any)["uid"], "%s / %v", name, p["title"])
			for _, target := range p["targets"].([]any) {
				require.Equal(t, input, target.(map[string]any)["datasource"].(map[string]any)["uid"], "%s / %v", name, p["title"])
			}
		}
		vars := map[string]bool{}
		for _, v := range doc.Templating.List {
			vars[v.Name] = true
			if v.Type == "query" {
				require.Equal(t, input, v.Datasource.UID, "%s: variable %s", name, v.Name)
			}
		}
		require.True(t, vars["server"], "%s has no server variable", name)
		// A data source UID other than the input would tie the file to one Grafana.
		require.Equal(t, strings.Count(string(data), `"uid": "`), strings.Count(string(data), `"uid": "`+input)+1, "%s: a uid besides the dashboard's and the input", name)
	}
}

// The plugin binary does not carry the dashboard generator or its SDK.
func TestPluginBinaryDoesNotImportTheDashboards(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "../../cmd/telegraf-netbackup").CombinedOutput()
	require.NoError(t, err, string(out))
	require.Contains(t, string(out), "github.com/influxdata/telegraf", "go list listed nothing useful")
	require.NotContains(t, string(out), "grafana-foundation-sdk")
	require.NotContains(t, string(out), "internal/dashboards")
}

// The repository README's table of dashboards says how many panels each has.
func TestReadmePanelCounts(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	for _, d := range All() {
		row := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(strings.TrimPrefix(d.Title, "NetBackup ")) + `\b[^|]*\| (\d+) \|`)
		m := row.FindSubmatch(bytes.ToLower(readme))
		require.NotNil(t, m, "README's dashboards table has no row for %s", d.Title)
		require.Equal(t, strconv.Itoa(d.PanelCount()), string(m[1]), "README's panel count of %s", d.Title)
	}
}
