package nbuapi

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// redacted replaces a secret in what an error quotes.
const redacted = "[redacted]"

// minRedactedLength: shorter secrets are not searched for, they would
// blank out ordinary words.
const minRedactedLength = 4

// redactPrefix replaces every occurrence of a secret in the first limit
// bytes of text, for an error that quotes no more: an occurrence that starts
// within the limit is replaced whole, so that no part of a secret is quoted,
// and the work stays bounded by the limit however long the body is. A server
// may echo what it received inside a JSON string, so each character of a
// secret is also recognised in any JSON escape of it (\", \/, \\, \u0022,
// \u00E9, a surrogate pair).
func redactPrefix(text string, limit int, secrets []string) string {
	limit = min(limit, len(text))
	var searched []string
	for _, s := range secrets {
		if len(s) >= minRedactedLength {
			searched = append(searched, s)
		}
	}
	if len(searched) == 0 {
		return text[:limit]
	}
	var b strings.Builder
	copied := 0
	for i := 0; i < limit; {
		end := -1
		for _, s := range searched {
			end = max(end, matchSecretAt(text, i, s))
		}
		if end < 0 {
			i++
			continue
		}
		b.WriteString(text[copied:i])
		b.WriteString(redacted)
		i, copied = end, end
	}
	if copied == 0 {
		return text[:limit]
	}
	if copied < limit {
		b.WriteString(text[copied:limit])
	}
	return b.String()
}

// matchSecretAt returns where secret ends when it is written at text[i:],
// each character literally or JSON-escaped, or -1. It follows every way of
// reading the text at once (a backslash may be a character of the secret or
// start an escape), so its cost is linear in the secret's length.
func matchSecretAt(text string, i int, secret string) int {
	if !utf8.ValidString(secret) {
		if strings.HasPrefix(text[i:], secret) {
			return i + len(secret)
		}
		return -1
	}
	positions := []int{i}
	for _, want := range secret {
		var next []int
		for _, j := range positions {
			if r, size := utf8.DecodeRuneInString(text[j:]); size > 0 && r == want {
				next = appendPosition(next, j+size)
			}
			if r, size := jsonEscapeAt(text[j:]); size > 0 && r == want {
				next = appendPosition(next, j+size)
			}
		}
		if len(next) == 0 {
			return -1
		}
		positions = next
	}
	return slices.Max(positions)
}

// jsonEscapeAt decodes the JSON string escape at the start of s: the rune
// and the escape's length, or size 0 when s does not start with one.
func jsonEscapeAt(s string) (r rune, size int) {
	if len(s) < 2 || s[0] != '\\' {
		return 0, 0
	}
	switch s[1] {
	case '"', '\\', '/':
		return rune(s[1]), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		first, ok := hex4(s[2:])
		if !ok {
			return 0, 0
		}
		if utf16.IsSurrogate(first) && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if second, ok := hex4(s[8:]); ok {
				if pair := utf16.DecodeRune(first, second); pair != utf8.RuneError {
					return pair, 12
				}
			}
		}
		return first, 6
	}
	return 0, 0
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(s[:4], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

func appendPosition(positions []int, p int) []int {
	if slices.Contains(positions, p) {
		return positions
	}
	return append(positions, p)
}
