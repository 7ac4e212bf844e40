package nbuapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// A public endpoint gets no credential, and a client that logs in does not
// log in for it.
func TestGetPublic_SendsNoCredential(t *testing.T) {
	for _, login := range []bool{false, true} {
		var auth []string
		srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
			auth = append(auth, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
			nbcWriteJSON(w, http.StatusOK, `{"cacert":[]}`)
		})
		cfg := nbcConfig(t, srv.Server)
		if login {
			cfg = nbcLoginConfig(t, srv.Server)
		}
		c := newNbcClient(t, cfg)
		ctx, stats := nbcStats()
		require.NoError(t, c.GetPublic(ctx, "/security/cacert", nil, nil))
		require.Equal(t, []string{"GET /netbackup/security/cacert "}, auth)
		require.Zero(t, stats.Snapshot().CredentialAccepted, "a public answer says nothing about the credential")
	}
}
