package netbackup

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

// TestInit_TLSCAThatIsNotPEM: a tls_ca holding what /security/cacert
// answered (JSON) or another wrong content is named, with the command that
// writes the right file; Telegraf's own message was
// `could not parse any PEM certificates "…": %!w(<nil>)`.
func TestInit_TLSCAThatIsNotPEM(t *testing.T) {
	env := serveFixture(t, http.NotFoundHandler())
	pemData, err := os.ReadFile(env.caFile)
	require.NoError(t, err)
	answer, err := json.Marshal(map[string]any{"webRootCert": string(pemData), "cacert": []string{string(pemData)}})
	require.NoError(t, err)
	array, err := json.Marshal([]string{string(pemData)})
	require.NoError(t, err)
	str, err := json.Marshal(string(pemData))
	require.NoError(t, err)
	const fix = `: write the NetBackup web service CA as PEM with: curl -sk https://PRIMARY:1556/netbackup/security/cacert | jq -r '.webRootCert // .webRootCertificateData[].caCert' > nbu-ca.pem`
	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"the whole cacert answer", answer, "holds JSON (the /security/cacert answer, or its cacert array, saved as it is), not a PEM certificate (-----BEGIN CERTIFICATE-----)" + fix},
		{"the cacert array", array, "holds JSON (the /security/cacert answer, or its cacert array, saved as it is)"},
		{"a JSON string", str, `holds a JSON string (a certificate with its line breaks still escaped as \n)`},
		{"empty", nil, "holds nothing, not a PEM certificate (-----BEGIN CERTIFICATE-----)" + fix},
		{"a private key", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), `holds a PEM block of type "PRIVATE KEY" but no certificate`},
		{"DER", env.server.Certificate().Raw, "holds a certificate in DER (binary) form, not a PEM certificate (-----BEGIN CERTIFICATE-----): convert it with: openssl x509 -inform der"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "nbu-ca.pem")
			require.NoError(t, os.WriteFile(path, tt.content, 0o600))
			p := New()
			p.Servers = []string{"https://nbu-primary:1556"}
			p.APIKey = config.NewSecret([]byte("k"))
			p.Log = testutil.Logger{}
			p.TLSCA = path

			err := p.Init()

			require.ErrorContains(t, err, "tls_ca "+path+" "+tt.want)
			require.NotContains(t, err.Error(), "%!")
		})
	}
}

func TestInit_TLSCAThatIsPEMIsAccepted(t *testing.T) {
	env := serveFixture(t, http.NotFoundHandler())
	p := New()
	p.Servers = []string{"https://nbu-primary:1556"}
	p.APIKey = config.NewSecret([]byte("k"))
	p.Log = testutil.Logger{}
	p.TLSCA = env.caFile

	require.NoError(t, p.Init())
}
