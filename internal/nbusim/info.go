package nbusim

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"time"
)

// serverInfo is the body of GET /security/serverinfo (no auth).
func (s *Simulator) serverInfo() map[string]any {
	return map[string]any{
		"serverName":          s.cfg.Hostname,
		"nbuVersion":          s.cfg.Release,
		"masterHostId":        s.data.hosts[0].UUID,
		"domainType":          "NBU",
		"ssoEnabled":          false,
		"externalCaUsage":     0,
		"cacpivEnabled":       0,
		"cacpivConnectorPort": 0,
		"nbuKeySize":          2048,
		"freezeModeEnabled":   false,
	}
}

// SetCACertificate sets the PEM certificate GET /security/cacert returns
// (the binary passes its generated certificate).
// It may also be called while serving, to change the certificate.
func (s *Simulator) SetCACertificate(certPEM []byte) {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	s.caPEM = certPEM
}

// caCert is the body of GET /security/cacert (no auth).
func (s *Simulator) caCert() map[string]any {
	s.caOnce.Do(func() {
		if s.caPEM == nil {
			s.caPEM, _, _ = GenerateCertificate([]string{s.cfg.Hostname}, time.Now().AddDate(1, 0, 0))
		}
	})
	details := map[string]any{}
	if block, _ := pem.Decode(s.caPEM); block != nil {
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			s1, s256 := sha1.Sum(c.Raw), sha256.Sum256(c.Raw)
			details = map[string]any{
				"subjectCN": c.Subject.CommonName, "serialNumber": c.SerialNumber.Int64(),
				"notBefore": isoMs(c.NotBefore), "notAfter": isoMs(c.NotAfter),
				"subjectName": c.Subject.String(), "fingerprint": colonHex(s1[:]), "sha-256Fingerprint": colonHex(s256[:]),
			}
		}
	}
	return map[string]any{
		"trustVersion":           "1",
		"webRootCertificateData": []any{map[string]any{"caCertDetails": details, "caCert": string(s.caPEM)}},
		"caCertificateData":      []any{map[string]any{"caCertAction": "ADD", "caCertDetails": details, "caCert": string(s.caPEM)}},
		// the shape shown in the Getting Started guide (older releases)
		"webRootCert": string(s.caPEM),
		"cacert":      []string{string(s.caPEM)},
	}
}

func colonHex(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	var sb strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}
