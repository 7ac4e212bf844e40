package netbackup_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenServerURL is the server every golden case reads. The source tag
// carries the port unless it is NetBackup's 1556, and a test server cannot
// count on listening there: the plugin is pointed at 127.0.0.1:1556 through
// an HTTP CONNECT proxy (its own http_proxy_url option) that tunnels to the
// test server. So the output, source=127.0.0.1, is what the plugin emits,
// not rewritten afterwards, and TLS still runs end to end.
const goldenServerURL = "https://127.0.0.1:1556"

// goldenProxy tunnels CONNECT 127.0.0.1:1556 to target and refuses
// anything else; it returns the proxy's URL.
func goldenProxy(t *testing.T, target *httptest.Server) string {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn // tunnels: closed at the end, hijacked ones are not
	)
	keep := func(c ...net.Conn) {
		mu.Lock()
		conns = append(conns, c...)
		mu.Unlock()
	}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect || r.Host != "127.0.0.1:1556" {
			http.Error(w, "this proxy only tunnels to 127.0.0.1:1556", http.StatusForbidden)
			return
		}
		upstream, err := net.Dial("tcp", target.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		client, buffered, err := http.NewResponseController(w).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		keep(client, upstream)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, _ = io.Copy(upstream, bufferedReader(buffered.Reader, client))
			_ = upstream.(*net.TCPConn).CloseWrite()
		}()
		go func() {
			defer wg.Done()
			_, _ = io.Copy(client, upstream)
			client.Close()
			upstream.Close()
		}()
	}))
	t.Cleanup(func() {
		proxy.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return proxy.URL
}

// bufferedReader reads what the hijack buffered first, then the connection.
func bufferedReader(buffered *bufio.Reader, conn net.Conn) io.Reader {
	if buffered.Buffered() == 0 {
		return conn
	}
	return io.MultiReader(io.LimitReader(buffered, int64(buffered.Buffered())), conn)
}

func TestGoldenProxy_OnlyTunnelsTo1556(t *testing.T) {
	target := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(target.Close)
	proxyURL := goldenProxy(t, target)
	req, err := http.NewRequest(http.MethodConnect, proxyURL, nil)
	require.NoError(t, err)
	req.Host = "example.com:443"
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
}
