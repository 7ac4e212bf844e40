package netbackup

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzServerURL: a servers entry is accepted only as an https URL with a
// host, no credentials, no query; the result ends in /netbackup and
// normalising it again changes nothing. A password written into the entry
// never appears in the error that refuses it.
func FuzzServerURL(f *testing.F) {
	for _, s := range []string{
		"https://nbu-primary:1556", "https://nbu-primary:1556/", "https://nbu:1556/netbackup", "https://nbu:1556/netbackup/",
		"  https://[::1]:1556 ", "https://nbu/sub/path", "http://nbu:1556", "nbu:1556", "https://", "https://nbu?x=1",
		"https://nbu#frag", "https://admin:S3cretPw@nbu:1556", "http://admin:S3cretPw@nbu:1556", "https://admin:S3 cretPw@nbu",
		"https://nbu:1556/%zz", "HTTPS://NBU:1556",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := normalizeServerURL(raw)
		if err != nil {
			entry := quotedEntry(t, err)
			if password := relURLPassword(raw); len(password) >= 4 && !passwordLookalike(raw, password) {
				require.NotContains(t, entry, password, "the error repeats the password of %q", raw)
			}
			return
		}
		require.Equal(t, "https", u.Scheme)
		require.NotEmpty(t, u.Host)
		require.Nil(t, u.User)
		require.Empty(t, u.RawQuery)
		require.Empty(t, u.Fragment)
		require.True(t, strings.HasSuffix(u.Path, "/netbackup"), "%q", u.Path)
		again, err := normalizeServerURL(u.String())
		require.NoError(t, err, "normalising %q again", u.String())
		require.Equal(t, u.String(), again.String())
	})
}

// quotedEntry is the servers entry as an error quotes it. Only that part
// can repeat a password: the advice after it is fixed text, and a password
// that happens to read "1556" is not leaked by "use https://host:1556".
func quotedEntry(t *testing.T, err error) string {
	const prefix = "invalid servers entry "
	msg, found := strings.CutPrefix(err.Error(), prefix)
	require.True(t, found, "an error that does not name the entry: %q", err.Error())
	quoted, qerr := strconv.QuotedPrefix(msg)
	require.NoError(t, qerr, "an error that does not quote the entry: %q", err.Error())
	entry, qerr := strconv.Unquote(quoted)
	require.NoError(t, qerr)
	return entry
}

// passwordLookalike reports whether the password's text is also in the
// entry outside its user information, or in the mark that replaces it:
// then finding it in the error proves nothing ("://:0000@00000000").
func passwordLookalike(raw, password string) bool {
	_, rest, _ := strings.Cut(raw, "://")
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	outside := strings.Replace(raw, authority[:strings.LastIndex(authority, "@")+1], "", 1)
	return strings.Contains(outside, password) || strings.Contains("xxxxx", password)
}

// relURLPassword is the password part of scheme://user:password@host...,
// found by hand so that entries url.Parse refuses are covered too.
func relURLPassword(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, password, ok := strings.Cut(rest[:at], ":")
	if !ok {
		return ""
	}
	if unescaped, err := url.PathUnescape(password); err == nil {
		return unescaped
	}
	return password
}

// Regression (found by FuzzServerURL): an http:// entry, or one url.Parse
// refuses, was quoted whole in the error, password included.
func TestFuzzRegressionServerURLPasswordNotEchoed(t *testing.T) {
	for _, raw := range []string{
		"http://admin:S3cretPw@nbu:1556",
		"https://admin:S3 cretPw@nbu:1556",
		"ftp://admin:S3cretPw@nbu",
		"https://admin:S3cretPw@nbu:1556",
	} {
		_, err := normalizeServerURL(raw)
		require.Error(t, err, raw)
		require.NotContains(t, err.Error(), "S3cretPw", raw)
		require.NotContains(t, err.Error(), "S3 cretPw", raw)
	}
}
