package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// certDir keeps the simulator's self-signed certificate and key across
// restarts, so that a tls_ca copied once stays valid.
type certDir string

func (d certDir) certFile() string { return filepath.Join(string(d), "ca.pem") }
func (d certDir) keyFile() string  { return filepath.Join(string(d), "key.pem") }

// loadOrCreate returns the certificate and key kept in the directory when
// they are usable for hosts until at least a day after now; otherwise it
// makes new ones, valid for a year, and keeps them. created says which.
func (d certDir) loadOrCreate(hosts []string, now time.Time) (certPEM, keyPEM []byte, created bool, err error) {
	certPEM, keyPEM, err = d.load(hosts, now)
	if err == nil {
		return certPEM, keyPEM, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, errUnusable) {
		return nil, nil, false, err
	}
	certPEM, keyPEM, err = nbusim.GenerateCertificate(hosts, now.AddDate(1, 0, 0))
	if err != nil {
		return nil, nil, false, err
	}
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return nil, nil, false, fmt.Errorf("-cert-dir: %w", err)
	}
	// The key first: a certificate without its key would be unusable.
	if err := writeFileAtomic(d.keyFile(), keyPEM, 0o600); err != nil {
		return nil, nil, false, fmt.Errorf("-cert-dir: %w", err)
	}
	if err := writeFileAtomic(d.certFile(), certPEM, 0o644); err != nil {
		return nil, nil, false, fmt.Errorf("-cert-dir: %w", err)
	}
	return certPEM, keyPEM, true, nil
}

var errUnusable = errors.New("unusable certificate")

func (d certDir) load(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	if certPEM, err = os.ReadFile(d.certFile()); err != nil {
		return nil, nil, err
	}
	if keyPEM, err = os.ReadFile(d.keyFile()); err != nil {
		return nil, nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errUnusable, err)
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errUnusable, err)
	}
	if now.Add(24 * time.Hour).After(cert.NotAfter) {
		return nil, nil, fmt.Errorf("%w: expires %s", errUnusable, cert.NotAfter)
	}
	for _, h := range hosts {
		if cert.VerifyHostname(h) != nil {
			return nil, nil, fmt.Errorf("%w: does not cover %s", errUnusable, h)
		}
	}
	return certPEM, keyPEM, nil
}

// tlsHosts are the names the simulator's certificate covers.
func tlsHosts(hostname string) []string {
	return []string{"127.0.0.1", "::1", "localhost", hostname}
}
