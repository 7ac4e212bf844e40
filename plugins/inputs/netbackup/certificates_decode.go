package netbackup

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"time"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// caCertAnswer is GET /security/cacert in both shapes seen: the 10.x+
// document (webRootCertificateData / caCertificateData, each with the PEM
// in caCert and parsed caCertDetails) and the older {"webRootCert": PEM,
// "cacert": [PEM...]}.
type caCertAnswer struct {
	WebRootCert            string        `json:"webRootCert"`
	CACert                 []string      `json:"cacert"`
	WebRootCertificateData []caCertEntry `json:"webRootCertificateData"`
	CACertificateData      []caCertEntry `json:"caCertificateData"`
}

type caCertEntry struct {
	CACertAction string `json:"caCertAction"` // ADD or REMOVE
	CACert       string `json:"caCert"`
	Details      struct {
		SubjectCN    string          `json:"subjectCN"`
		SubjectName  string          `json:"subjectName"`
		SerialNumber json.RawMessage `json:"serialNumber"`
		NotAfter     nbuapi.Time     `json:"notAfter"`
	} `json:"caCertDetails"`
}

// certInfo is what a netbackup_certificate point needs of a certificate.
type certInfo struct {
	kind     string // server, issuer, web_ca, ca
	subject  string
	serial   string // decimal, as the API's serialNumber
	issuer   string
	notAfter time.Time
}

func (ci certInfo) key() string { return ci.subject + "\x00" + ci.serial }

func certInfoFromX509(kind string, cert *x509.Certificate) certInfo {
	ci := certInfo{
		kind:     kind,
		subject:  certName(cert.Subject.CommonName, cert.Subject.String()),
		issuer:   certName(cert.Issuer.CommonName, cert.Issuer.String()),
		notAfter: cert.NotAfter,
	}
	if cert.SerialNumber != nil {
		ci.serial = cert.SerialNumber.String()
	}
	return ci
}

// certName prefers the CN; a certificate without one is named by its
// whole distinguished name.
func certName(cn, full string) string {
	if cn != "" {
		return cn
	}
	return full
}

// certInfosFromPEM parses every certificate in a PEM text; undecodable
// blocks are skipped.
func certInfosFromPEM(kind, text string) []certInfo {
	var out []certInfo
	rest := []byte(strings.ReplaceAll(text, `\n`, "\n"))
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return out
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		out = append(out, certInfoFromX509(kind, cert))
	}
}

// certInfosFromEntry prefers the PEM; without one it uses the details the
// server extracted. A CA being removed from the trust store is not reported.
func certInfosFromEntry(kind string, e caCertEntry) []certInfo {
	if strings.EqualFold(e.CACertAction, "REMOVE") {
		return nil
	}
	if infos := certInfosFromPEM(kind, e.CACert); len(infos) > 0 {
		return infos
	}
	if e.Details.NotAfter.IsZero() {
		return nil
	}
	serial, _ := nbuapi.Scalar(e.Details.SerialNumber)
	return []certInfo{{
		kind:     kind,
		subject:  certName(e.Details.SubjectCN, e.Details.SubjectName),
		serial:   serial,
		notAfter: e.Details.NotAfter.Time,
	}}
}

// certInfos lists the CA certificates of the answer.
func (a *caCertAnswer) certInfos() []certInfo {
	var out []certInfo
	for _, e := range a.WebRootCertificateData {
		out = append(out, certInfosFromEntry("web_ca", e)...)
	}
	for _, e := range a.CACertificateData {
		out = append(out, certInfosFromEntry("ca", e)...)
	}
	if len(bytes.TrimSpace([]byte(a.WebRootCert))) > 0 {
		out = append(out, certInfosFromPEM("web_ca", a.WebRootCert)...)
	}
	for _, text := range a.CACert {
		out = append(out, certInfosFromPEM("ca", text)...)
	}
	return out
}
