package nbuapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// redirectTarget is a second TLS server that keeps everything it received:
// no credential may ever reach it, in a header or in a body.
type redirectTarget struct {
	*nbcServer
	mu       sync.Mutex
	received []string
}

func newRedirectTarget(t *testing.T) *redirectTarget {
	rt := &redirectTarget{}
	rt.nbcServer = newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rt.mu.Lock()
		rt.received = append(rt.received, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(body))
		rt.mu.Unlock()
		nbcWriteJSON(w, http.StatusCreated, `{"token":"from-the-other-host","validity":3600}`)
	})
	return rt
}

func (rt *redirectTarget) everything() string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return strings.Join(rt.received, "\n")
}

// POST /login carries the password in its body: a 307 or 308 (which repeat
// the method and the body) must not take it to another server, nor a
// redirect of any kind to any server.
func TestRedirect_LoginIsNeverRedirected(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		for _, sameHost := range []bool{false, true} {
			name := http.StatusText(status)
			if sameHost {
				name += " to the same server"
			}
			t.Run(name, func(t *testing.T) {
				other := newRedirectTarget(t)
				var srv *nbcServer
				srv = newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
					switch {
					case r.URL.Path == "/netbackup/login" && sameHost:
						http.Redirect(w, r, srv.URL+"/netbackup/login-elsewhere", status)
					case r.URL.Path == "/netbackup/login":
						http.Redirect(w, r, other.URL+"/netbackup/login", status)
					case r.URL.Path == "/netbackup/login-elsewhere":
						body, _ := io.ReadAll(r.Body)
						t.Errorf("the login was redirected on the same server with body %q", body)
						nbcWriteJSON(w, http.StatusCreated, `{"token":"t","validity":3600}`)
					default:
						nbcWriteJSON(w, http.StatusOK, `{}`)
					}
				})
				cfg := nbcLoginConfig(t, srv.Server)
				cfg.TLS.RootCAs.AddCert(other.Certificate())
				c := newNbcClient(t, cfg)

				err := c.Get(context.Background(), "/admin/jobs", nil, nil)
				require.Error(t, err)
				require.ErrorIs(t, err, errRedirectRefused)
				require.Contains(t, err.Error(), "POST /login")
				require.Contains(t, err.Error(), "never followed")
				require.NotContains(t, err.Error(), "pa55-word-secret")
				require.Zero(t, other.requests.Load(), "the login went to the other server: %s", other.everything())
				require.Equal(t, int64(1), srv.requests.Load(), "a refused redirect is not retried")
			})
		}
	}
}

// Any request with a body stays on its server; a body-less GET may follow a
// redirect to another host, without its Authorization header.
func TestRedirect_RequestWithABodyStaysOnItsServer(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound, http.StatusSeeOther} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			other := newRedirectTarget(t)
			srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+r.URL.Path, status)
			})
			cfg := nbcConfig(t, srv.Server)
			cfg.TLS.RootCAs.AddCert(other.Certificate())
			c := newNbcClient(t, cfg)

			body := map[string]any{"data": map[string]any{"type": "jobCount", "attributes": map[string]string{"filter": "state eq 'DONE'"}}}
			err := c.Post(context.Background(), "/admin/jobs-count-requests", body, nil)
			require.ErrorIs(t, err, errRedirectRefused)
			require.Contains(t, err.Error(), "POST /admin/jobs-count-requests")
			require.Contains(t, err.Error(), "another server")
			require.Zero(t, other.requests.Load(), "the request went to the other server: %s", other.everything())
		})
	}
}

// A POST may still follow a redirect on its own server (a proxy adding a
// trailing slash, say): the body stays where it was sent.
func TestRedirect_RequestWithABodyMayMoveOnItsServer(t *testing.T) {
	var got map[string]any
	var srv *nbcServer
	srv = newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/netbackup/admin/jobs-count-requests" {
			http.Redirect(w, r, srv.URL+"/netbackup/admin/jobs-count-requests/", http.StatusPermanentRedirect)
			return
		}
		require.NoError(t, json.NewDecoder(r.Body).Decode(&got))
		nbcWriteJSON(w, http.StatusOK, `{"data":{"attributes":{"count":3}}}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	require.NoError(t, c.Post(context.Background(), "/admin/jobs-count-requests", map[string]string{"filter": "x"}, nil))
	require.Equal(t, map[string]any{"filter": "x"}, got)
}
