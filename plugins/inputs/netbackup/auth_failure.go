package netbackup

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// When the server refuses the credential itself, every collector fails
// with the same 401: ten error lines per gather that all say one thing. The
// gather then reports one line for the server instead, naming the likely
// cause, and netbackup_api carries authenticated = 0 while up stays the
// answer of the unauthenticated ping: "the server is there, but it will not
// talk to us" is a different problem, with a different fix, from "the
// server is down".

// collectorFailure is one collector's error of a gather.
type collectorFailure struct {
	collector string
	err       error
}

// credentialRefused reports whether the server refused the credential on
// every request it judged in this gather.
func credentialRefused(s nbuapi.StatsSnapshot) bool {
	return s.CredentialRefused > 0 && s.CredentialAccepted == 0
}

// authenticatedField is netbackup_api's authenticated: 1 when the server
// accepted the credential on some request of the gather, 0 when it refused
// it on every one, unset when no request was judged (the server did not
// answer, or answered only 429/5xx).
func authenticatedField(s nbuapi.StatsSnapshot) (int64, bool) {
	switch {
	case s.CredentialAccepted > 0:
		return 1, true
	case s.CredentialRefused > 0:
		return 0, true
	}
	return 0, false
}

// minRefusingCollectors: a 401 from one endpoint may be a role without
// that right (NetBackup answers some of those with 401, not 403), so a
// key-wide refusal takes the 401s of at least two collectors.
const minRefusingCollectors = 2

// reportCollectorFailures adds the collectors' errors to acc: one error per
// collector, except that when the credential was refused everywhere, by
// several collectors, their 401s become one error for the server. While the
// credential is accepted elsewhere, a refusal is a right the role lacks,
// said once (see reportRefusal).
func (p *NetBackup) reportCollectorFailures(srv *server, failures []collectorFailure, stats nbuapi.StatsSnapshot, add func(error)) {
	var refused, others []collectorFailure
	for _, f := range failures {
		if onlyUnauthorized(f.err) {
			refused = append(refused, f)
		} else {
			others = append(others, f)
		}
	}
	if !credentialRefused(stats) || len(refused) < minRefusingCollectors {
		others = failures
		refused = nil
	}
	for _, f := range others {
		err := f.err
		if !credentialRefused(stats) {
			// The key is good: a refusal is a right its role lacks.
			if err = srv.conditions.reportRefusal(f.collector, err); err == nil {
				continue
			}
		}
		add(fmt.Errorf("server %s, collector %s: %w", srv.source, f.collector, err))
	}
	if len(refused) == 0 {
		return
	}
	refusedBy := make([]string, 0, len(refused))
	var first *nbuapi.Error
	for _, f := range refused {
		refusedBy = append(refusedBy, f.collector)
		if first == nil {
			errors.As(f.err, &first)
		}
	}
	summary := fmt.Sprintf("server %s: every request with the credential was refused (401 Unauthorized, %d requests; collectors %s): %s",
		srv.source, stats.CredentialRefused, strings.Join(refusedBy, ", "), p.refusalCause(srv, first))
	if first == nil {
		add(errors.New(summary))
		return
	}
	// The first refusal as the server said it, without the per-request hint.
	quoted := *first
	quoted.Hint = ""
	add(fmt.Errorf("%s; first refusal: %w", summary, &quoted))
}

// refusalCause names what most likely makes the server refuse the
// credential.
func (p *NetBackup) refusalCause(srv *server, first *nbuapi.Error) string {
	if option, variable := p.unexpandedCredential(); variable != "" {
		return fmt.Sprintf("%s is the text ${%s}: the environment variable %s did not reach the plugin; "+
			"set it in the environment of [[inputs.execd]] or of the Telegraf service", option, variable, variable)
	}
	switch {
	case !srv.client.UsesLogin():
		return "the API key is wrong, expired or revoked, or it is the unexpanded text of an environment variable " +
			"(api_key = \"${NETBACKUP_API_KEY}\" while the variable is not set where the plugin runs), " +
			"or its role grants none of the rights the collectors need; check api_key"
	case first != nil && first.Path == "/login":
		return fmt.Sprintf("login failed for user %q: the user name or password is wrong, or the account is locked or disabled "+
			"(a refused login is not tried again for a minute, so that the retries cannot lock the account); "+
			"check username, password, domain_type and domain_name", p.credentialValue("username"))
	}
	return "the server refused the session token even after a new login; check the user's account and role"
}

// credentialValue is the value of a credential option for this gather
// (read now if the gather has not read it yet; "" when it cannot be read);
// only for options that are no secret.
func (p *NetBackup) credentialValue(option string) string {
	for _, s := range p.secrets {
		if s.option == option {
			if value, err := s.get(); err == nil {
				return value
			}
		}
	}
	return ""
}

// variableText is a credential that is exactly an unexpanded ${NAME}.
var variableText = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// unexpandedCredential returns the option whose credential is the literal
// text ${NAME}, and NAME. Only such a value is ever named: it cannot be a
// secret. The values are this gather's (each read at most once per gather).
func (p *NetBackup) unexpandedCredential() (option, variable string) {
	for _, s := range p.secrets {
		value, err := s.get()
		if err != nil {
			continue
		}
		if m := variableText.FindStringSubmatch(value); m != nil {
			return s.option, m[1]
		}
	}
	return "", ""
}

// onlyUnauthorized reports whether every error err wraps or joins ends in
// a 401.
func onlyUnauthorized(err error) bool {
	return everyLeaf(err, func(leaf error) bool { return nbuapi.IsStatus(leaf, http.StatusUnauthorized) })
}
