// Command netbackup-simulator serves a simulated NetBackup primary server
// REST API (see internal/nbusim/README.md) for tests, demos and benchmarks.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

var version = "dev"

// faultFlags collects repeated -fault values.
type faultFlags []nbusim.Fault

func (f *faultFlags) String() string { return fmt.Sprintf("%d fault(s)", len(*f)) }

func (f *faultFlags) Set(v string) error {
	fault, err := nbusim.ParseFault(v)
	if err != nil {
		return err
	}
	*f = append(*f, fault)
	return nil
}

type options struct {
	listen, caFile, readyFile string
	certDir                   string
	useTLS, tls11Only         bool
	showVersion               bool
	faults                    faultFlags
	cfg                       nbusim.Config
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("netbackup-simulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: netbackup-simulator [flags]\n\n"+
			"Serves a simulated Veritas NetBackup primary server REST API under /netbackup.\n"+
			"Prints one line naming its URL when ready; stops on SIGINT/SIGTERM.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	c := &o.cfg
	fs.StringVar(&o.listen, "listen", "127.0.0.1:1556", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&c.Release, "release", "11.0", "NetBackup release played: 8.3, 10.3, 10.5, 11.0 or 11.2")
	fs.StringVar(&c.APIKey, "api-key", "", "API key accepted in the Authorization header (raw, Bearer, or cookie)")
	fs.StringVar(&c.Username, "username", "", "user name accepted by POST /login (with -password)")
	fs.StringVar(&c.Password, "password", "", "password accepted by POST /login")
	fs.DurationVar(&c.TokenValidity, "token-validity", 24*time.Hour, "validity of the JWTs issued by /login")
	fs.BoolVar(&c.NoRights, "no-rights", false, "credentials lack view rights: list endpoints answer 200 with empty data")
	fs.Int64Var(&c.Seed, "seed", 1, "dataset seed")
	fs.IntVar(&c.Jobs, "jobs", 500, "number of jobs existing at start")
	fs.Float64Var(&c.JobRate, "job-rate", 0, "new jobs per simulated second (0: jobs per day, at least one per 10 minutes)")
	fs.Func("job-ids", "number the jobs in ranges first+count, e.g. 1000+250,5000000+4 (jobs beyond the last range follow it; default 1, 2, 3, ...)",
		func(v string) (err error) {
			c.JobIDs, err = nbusim.ParseJobIDRanges(v)
			return err
		})
	fs.IntVar(&c.StorageUnits, "storage-units", 12, "number of storage units")
	fs.IntVar(&c.DiskPools, "disk-pools", 4, "number of disk pools")
	fs.IntVar(&c.Drives, "drives", 8, "number of tape drives")
	fs.IntVar(&c.TapeMedia, "tape-media", 40, "number of tapes")
	fs.IntVar(&c.MediaServers, "media-servers", 3, "number of media servers")
	fs.IntVar(&c.Alerts, "alerts", 60, "number of alerts")
	fs.IntVar(&c.SLPImages, "slp-images", 150, "number of SLP images")
	fs.IntVar(&c.Anomalies, "anomalies", 18, "number of anomalies detected before start (more from 30 simulated minutes after it, every 6 hours)")
	fs.IntVar(&c.MalwareScans, "malware-scans", 60, "number of malware scans completed before start (more from 30 simulated minutes after it, every 2 hours)")
	fs.DurationVar(&c.Latency, "latency", 0, "latency added to every request, e.g. 20ms")
	fs.BoolVar(&c.Live, "live", false, "live clock: jobs progress QUEUED->ACTIVE->DONE in real time and new jobs arrive")
	fs.StringVar(&c.Hostname, "hostname", "nbu-primary", "primary server name used in data and absolute links")
	fs.BoolVar(&o.useTLS, "tls", true, "serve HTTPS with a generated self-signed certificate for 127.0.0.1, ::1 and localhost")
	fs.StringVar(&o.caFile, "ca-file", "", "write the certificate (PEM) clients must trust to this file")
	fs.StringVar(&o.certDir, "cert-dir", "", "keep the certificate in this `directory` (ca.pem, which clients trust, and key.pem) and reuse it on the next start, "+
		"so that a copied tls_ca stays valid; a new one is made when missing, expiring within a day or not covering the host names")
	fs.BoolVar(&o.tls11Only, "tls11-only", false, "speak only TLS 1.1 (clients requiring TLS 1.2 must refuse it)")
	fs.Var(&o.faults, "fault", "inject a fault, repeatable: path=/admin/jobs,kind=status,status=503,retry_after=1,probability=0.1,count=3,delay=2s\n"+
		"(kinds: status, reset, delay, hang, truncate, invalid_json, expired_cursor, malformed_item: item=25,attribute=clientName,value=42)")
	fs.StringVar(&o.readyFile, "ready-file", "", "write the base URL to this file once serving")
	fs.BoolVar(&o.showVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if o.tls11Only && !o.useTLS {
		return nil, errors.New("-tls11-only needs -tls")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "netbackup-simulator:", err)
		os.Exit(2)
	}
	if o.showVersion {
		fmt.Println("netbackup-simulator", version)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "netbackup-simulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends.
func run(ctx context.Context, o *options, stdout io.Writer) error {
	sim, err := nbusim.New(o.cfg)
	if err != nil {
		return err
	}
	for _, f := range o.faults {
		sim.AddFault(f)
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           sim,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(os.Stderr, "netbackup-simulator: ", 0),
	}
	scheme := "http"
	if o.useTLS {
		scheme = "https"
		certPEM, keyPEM, err := serverCertificate(o, stdout)
		if err != nil {
			return err
		}
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return err
		}
		sim.SetCACertificate(certPEM)
		if o.caFile != "" {
			if err := writeFileAtomic(o.caFile, certPEM, 0o644); err != nil {
				return fmt.Errorf("write -ca-file: %w", err)
			}
		}
		srv.TLSConfig = nbusim.ServerTLSConfig(cert)
		if o.tls11Only {
			srv.TLSConfig = nbusim.TLS11OnlyConfig(cert)
		}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	baseURL := fmt.Sprintf("%s://%s/netbackup", scheme, ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if o.readyFile != "" {
		if err := writeFileAtomic(o.readyFile, []byte(baseURL+"\n"), 0o644); err != nil {
			_ = srv.Close()
			return fmt.Errorf("write -ready-file: %w", err)
		}
	}
	fmt.Fprintf(stdout, "netbackup-simulator: serving NetBackup %s (API %s) at %s\n", sim.Release(), sim.APIVersion(), baseURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close() // hanging requests (hang fault) do not block the exit
	}
	return nil
}

// serverCertificate is a new self-signed certificate, or the one kept in
// -cert-dir.
func serverCertificate(o *options, stdout io.Writer) (certPEM, keyPEM []byte, err error) {
	hosts := tlsHosts(o.cfg.Hostname)
	if o.certDir == "" {
		return nbusim.GenerateCertificate(hosts, time.Now().AddDate(1, 0, 0))
	}
	dir := certDir(o.certDir)
	certPEM, keyPEM, created, err := dir.loadOrCreate(hosts, time.Now())
	if err != nil {
		return nil, nil, err
	}
	how := "reused"
	if created {
		how = "created"
	}
	fmt.Fprintf(stdout, "netbackup-simulator: TLS certificate %s (%s): set tls_ca to it\n", dir.certFile(), how)
	return certPEM, keyPEM, nil
}

// writeFileAtomic writes data to path through a temporary file and rename,
// so that a reader never sees a partial file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".nbusim-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
