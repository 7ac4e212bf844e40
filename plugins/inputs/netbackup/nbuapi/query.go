package nbuapi

import (
	"net/url"
	"sort"
	"strings"
	"time"
)

// ODataString quotes a string value for an OData filter, doubling the
// single quotes inside it.
func ODataString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// ODataTime formats an instant for an OData filter, in UTC with
// milliseconds: 2024-06-10T06:13:20.000Z.
func ODataTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// encodeQuery percent-encodes names and values (page[limit] becomes
// page%5Blimit%5D, a space %20, never '+'), names sorted for stable URLs.
func encodeQuery(query url.Values) string {
	if len(query) == 0 {
		return ""
	}
	names := make([]string, 0, len(query))
	for name := range query {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		for _, value := range query[name] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(percentEncode(name))
			b.WriteByte('=')
			b.WriteString(percentEncode(value))
		}
	}
	return b.String()
}

// percentEncode escapes everything but RFC 3986 unreserved characters.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' ||
			ch == '-' || ch == '.' || ch == '_' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&0x0f])
	}
	return b.String()
}

// cloneQuery copies q, with room for the paging parameters.
func cloneQuery(q url.Values) url.Values {
	out := make(url.Values, len(q)+2)
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
