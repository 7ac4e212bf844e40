package nbusim

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFaultMalformedItemRewritesOneAttribute(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 10})
	ts, c := newTLSServer(t, sim)
	sim.AddFault(Fault{PathPrefix: "/admin/jobs", Kind: FaultMalformed, ItemID: "4", Attribute: "clientName", Value: `{"name":"x"}`})
	base := ts.URL + "/netbackup"

	type item struct {
		ID         string                     `json:"id"`
		Attributes map[string]json.RawMessage `json:"attributes"`
	}
	var page struct {
		Data []item `json:"data"`
	}
	resp, body, err := fetch(t, c, base+"/admin/jobs?sort=jobId&page[limit]=10", "test-key")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.Unmarshal(body, &page))
	require.Len(t, page.Data, 10)
	for _, it := range page.Data {
		if it.ID == "4" {
			require.JSONEq(t, `{"name":"x"}`, string(it.Attributes["clientName"]))
			continue
		}
		require.Equal(t, byte('"'), it.Attributes["clientName"][0], "job %s keeps its text", it.ID)
	}

	var one struct {
		Data item `json:"data"`
	}
	_, body, err = fetch(t, c, base+"/admin/jobs/4", "test-key")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(body, &one))
	require.JSONEq(t, `{"name":"x"}`, string(one.Data.Attributes["clientName"]))

	_, body, err = fetch(t, c, base+"/admin/jobs/5", "test-key")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(body, &one))
	require.Equal(t, byte('"'), one.Data.Attributes["clientName"][0], "another job is unchanged")
	require.Equal(t, 3, sim.FaultsFired()[FaultMalformed])
}

func TestParseFaultMalformedItem(t *testing.T) {
	f, err := ParseFault("path=/admin/jobs,kind=malformed_item,item=25,attribute=clientName,value=42")
	require.NoError(t, err)
	require.Equal(t, Fault{PathPrefix: "/admin/jobs", Kind: FaultMalformed, ItemID: "25", Attribute: "clientName", Value: "42"}, f)
	for _, bad := range []string{"kind=malformed_item", "kind=malformed_item,item=1,attribute=a", "kind=malformed_item,item=1,attribute=a,value={"} {
		_, err := ParseFault(bad)
		require.Error(t, err, bad)
	}
}
