package netbackup

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"unicode/utf8"
)

// caCommand fetches the CA of NetBackup's web service (port 1556) as PEM:
// GET /security/cacert answers JSON, with the web service CA in webRootCert
// (webRootCertificateData[].caCert in the versioned answer) and the
// NetBackup CA list in the cacert array.
const caCommand = `curl -sk https://PRIMARY:1556/netbackup/security/cacert | jq -r '.webRootCert // .webRootCertificateData[].caCert' > nbu-ca.pem`

// checkTLSCA reads the tls_ca file before Telegraf's TLS helper does: that
// helper reports a file without a certificate as `could not parse any PEM
// certificates "…": %!w(<nil>)`, which says neither what the file holds nor
// how to get the right one.
func checkTLSCA(path string) error {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("tls_ca: %w", err) // *PathError names the file
	}
	if x509.NewCertPool().AppendCertsFromPEM(data) {
		return nil
	}
	what, fix := describeContent(data)
	if fix == "" {
		fix = "write the NetBackup web service CA as PEM with: " + caCommand
	}
	return fmt.Errorf("tls_ca %s holds %s, not a PEM certificate (-----BEGIN CERTIFICATE-----): %s", path, what, fix)
}

// describeContent names what a file that should hold PEM certificates holds
// instead, without quoting it, and the fix when it is not the usual one.
func describeContent(data []byte) (what, fix string) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return "nothing", ""
	case json.Valid(trimmed) && (trimmed[0] == '{' || trimmed[0] == '['):
		return "JSON (the /security/cacert answer, or its cacert array, saved as it is)", ""
	case json.Valid(trimmed) && trimmed[0] == '"':
		return "a JSON string (a certificate with its line breaks still escaped as \\n)", ""
	}
	if block, _ := pem.Decode(trimmed); block != nil {
		return fmt.Sprintf("a PEM block of type %q but no certificate", block.Type), ""
	}
	if _, err := x509.ParseCertificate(data); err == nil {
		return "a certificate in DER (binary) form", "convert it with: openssl x509 -inform der -in FILE -out nbu-ca.pem"
	}
	if utf8.Valid(trimmed) {
		return "text that is neither PEM nor JSON", ""
	}
	return "binary data", ""
}
