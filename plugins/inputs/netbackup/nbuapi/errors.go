package nbuapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// Error is an HTTP error status that survived the retries. It carries
// what NetBackup's error envelope said, so that the user sees the
// NetBackup status code and text, not just "503".
type Error struct {
	Method, Path string
	Status       int
	Code         int64    // envelope errorCode (a NetBackup status code), 0 when absent
	Message      string   // envelope errorMessage, or a description of a non-envelope body
	Details      []string // envelope errorDetails (or the legacy details)
	Attempts     int      // HTTP attempts made, retries included
	Hint         string   // what the user can do about it, may be empty
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Code != 0 || e.Message != "" {
		b.WriteString(" (")
		if e.Code != 0 {
			fmt.Fprintf(&b, "errorCode %d", e.Code)
			if e.Message != "" {
				b.WriteString(": ")
			}
		}
		b.WriteString(e.Message)
		if len(e.Details) > 0 {
			b.WriteString("; details: ")
			b.WriteString(strings.Join(e.Details, "; "))
		}
		b.WriteString(")")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Hint != "" {
		b.WriteString(": ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// IsStatus reports whether err is (or wraps) an *Error with that status.
func IsStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// IsUnavailable reports whether err says that this server does not offer
// the endpoint, or not in the API version asked for: 404 (the release
// lacks it), 405 (not that method), 406 and 415 (not in this version's
// media type), 501 (not implemented on that host). Another gather will
// get the same answer, so callers report it once, not as a failure.
func IsUnavailable(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Status {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotAcceptable,
		http.StatusUnsupportedMediaType, http.StatusNotImplemented:
		return true
	}
	return false
}

// IsDenied reports whether err says that the credential may not read the
// endpoint (401 or 403 on it).
func IsDenied(err error) bool {
	return IsStatus(err, http.StatusUnauthorized) || IsStatus(err, http.StatusForbidden)
}

// errorEnvelope is NetBackup's error body. Servers before 10.x send
// "details" instead of "errorDetails", as an object or a list.
type errorEnvelope struct {
	ErrorCode    *int64          `json:"errorCode"`
	ErrorMessage string          `json:"errorMessage"`
	ErrorDetails json.RawMessage `json:"errorDetails"`
	Details      json.RawMessage `json:"details"`
}

// fillFromBody sets Code, Message and Details from an error body, each
// with the secrets redacted. A body that is not the envelope (a proxy's
// HTML page) is described with its first bytes, sanitized.
func (e *Error) fillFromBody(body []byte, secrets []string) {
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err == nil && (env.ErrorCode != nil || env.ErrorMessage != "") {
		if env.ErrorCode != nil {
			e.Code = *env.ErrorCode
		}
		// The server's text goes into a log line: one line, bounded, so a
		// server cannot forge log lines or flood the log.
		e.Message = quoteRedacted(env.ErrorMessage, maxMessageLength, secrets)
		e.Details = detailStrings(env.ErrorDetails, secrets)
		if len(e.Details) == 0 {
			e.Details = detailStrings(env.Details, secrets)
		}
		return
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return
	}
	e.Message = fmt.Sprintf("the body is not a NetBackup error envelope: %q", redactedSnippet(body, secrets))
}

// detailStrings flattens details given as a string, a list of anything, or
// an object, into short strings; empty values are dropped.
func detailStrings(raw json.RawMessage, secrets []string) []string {
	if len(raw) == 0 {
		return nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for i, item := range list {
		if i == maxDetails {
			out = append(out, fmt.Sprintf("(%d more)", len(list)-maxDetails))
			break
		}
		var s string
		if err := json.Unmarshal(item, &s); err != nil {
			s = string(item)
		}
		s = strings.TrimSpace(s)
		if s == "" || s == "{}" || s == "[]" || s == "null" {
			continue
		}
		out = append(out, quoteRedacted(s, maxDetailLength, secrets))
	}
	return out
}

// How much of what a server sent an error quotes: errorDetails entries,
// the length of errorMessage and of each detail, the start of a body that
// is no error envelope.
const (
	maxDetails       = 5
	maxMessageLength = 300
	maxDetailLength  = 200
	snippetLength    = 100
)

// quoteRedacted is text as an error quotes it: the secrets redacted, then
// one bounded line.
func quoteRedacted(text string, limit int, secrets []string) string {
	return sanitizeText(redactPrefix(text, limit, secrets), limit)
}

// redactedSnippet is the start of body as an error may quote it: the
// secrets masked, control characters escaped.
func redactedSnippet(body []byte, secrets []string) string {
	return sanitizeSnippet(redactPrefix(string(body), snippetLength, secrets))
}

// sanitizeSnippet is the start of a body, safe to put in a log line:
// control characters become spaces, runs of white space collapse.
func sanitizeSnippet[T string | []byte](body T) string {
	return sanitizeText(string(body), snippetLength)
}

func sanitizeText(s string, limit int) string {
	if len(s) > limit {
		s = s[:limit]
	}
	s = strings.ToValidUTF8(s, "?")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
