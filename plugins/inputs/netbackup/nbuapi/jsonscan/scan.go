// Package jsonscan reads a JSON document value by value, in one pass and
// without allocating, for decoders that know the shape they expect: a
// collection page is walked item by item, the attributes a collector uses
// are read, the rest is skipped. It checks the JSON grammar of everything it
// reads or skips (RFC 8259), and reads strings as encoding/json does
// (invalid UTF-8 becomes U+FFFD).
//
// It exists because the job pages of a backfill are most of the plugin's
// work: encoding/json scans each page twice (a validation pass, then the
// decoding) and allocates per attribute; the encoding/json/v2 tokenizer
// spends several times longer per token than this purpose-built loop.
package jsonscan

import (
	"bytes"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the kind of the next value.
type Kind byte

// The kinds of JSON values; Invalid is the end of the input or a byte that
// cannot start a value.
const (
	Invalid Kind = iota
	Object
	Array
	String
	Number
	Bool
	Null
)

func (k Kind) String() string {
	switch k {
	case Object:
		return "object"
	case Array:
		return "array"
	case String:
		return "string"
	case Number:
		return "number"
	case Bool:
		return "boolean"
	case Null:
		return "null"
	}
	return "invalid value"
}

// maxDepth bounds the nesting, as encoding/json does.
const maxDepth = 10000

// Scanner reads one JSON document. Its first syntax error is sticky: every
// later call returns at once, and Err reports it.
type Scanner struct {
	data    []byte
	pos     int
	depth   int
	first   bool   // the container just opened has not had an element yet
	scratch []byte // unescaped strings
	err     error
}

// Reset makes s read data from its start.
func (s *Scanner) Reset(data []byte) {
	*s = Scanner{data: data, scratch: s.scratch[:0]}
}

// Err is the first syntax error met, nil if none.
func (s *Scanner) Err() error { return s.err }

func (s *Scanner) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("invalid JSON at offset %d: %s", s.pos, fmt.Sprintf(format, args...))
	}
}

func (s *Scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// Peek is the kind of the next value, without reading it.
func (s *Scanner) Peek() Kind {
	if s.err != nil {
		return Invalid
	}
	s.skipSpace()
	if s.pos >= len(s.data) {
		return Invalid
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return Object
	case c == '[':
		return Array
	case c == '"':
		return String
	case c == '-' || c >= '0' && c <= '9':
		return Number
	case c == 't' || c == 'f':
		return Bool
	case c == 'n':
		return Null
	}
	return Invalid
}

// Finish checks that nothing but white space follows the document.
func (s *Scanner) Finish() error {
	if s.err == nil {
		s.skipSpace()
		if s.pos < len(s.data) {
			s.fail("%q after the top-level value", s.data[s.pos])
		}
	}
	return s.err
}

// open reads the '{' or '[' of a container.
func (s *Scanner) open(c byte) bool {
	if s.err != nil {
		return false
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != c {
		s.fail("expected %q", c)
		return false
	}
	if s.depth++; s.depth > maxDepth {
		s.fail("nested deeper than %d", maxDepth)
		return false
	}
	s.pos++
	s.first = true
	return true
}

// ObjectStart reads the '{' of an object.
func (s *Scanner) ObjectStart() bool { return s.open('{') }

// ArrayStart reads the '[' of an array.
func (s *Scanner) ArrayStart() bool { return s.open('[') }

// More tells whether the open container has another element (a value of
// an array, a member of an object), reading the ',' before it; at the end
// it reads the closing '}' or ']' and returns false. closing names the
// container: '}' or ']'.
func (s *Scanner) More(closing byte) bool {
	if s.err != nil {
		return false
	}
	s.skipSpace()
	if s.pos >= len(s.data) {
		s.fail("unexpected end of the input, expected %q", closing)
		return false
	}
	c := s.data[s.pos]
	if c == closing {
		s.pos++
		s.depth--
		s.first = false
		return false
	}
	if s.first {
		s.first = false
		return true
	}
	if c != ',' {
		s.fail("expected ',' or %q, found %q", closing, c)
		return false
	}
	s.pos++
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == closing {
		s.fail("%q after ','", closing)
		return false
	}
	return true
}

// Name reads an object member's name and the ':' after it. The name is
// valid until the next call.
func (s *Scanner) Name() []byte {
	name := s.str()
	if s.err != nil {
		return nil
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		s.fail("expected ':' after an object member's name")
		return nil
	}
	s.pos++
	return name
}

// Scalar reads the next value when it is a string (its content), a number
// or a boolean (their JSON text); null gives nil. An object or array is
// skipped and its kind returned: the caller decides whether that is an
// error. The bytes are valid until the next call.
func (s *Scanner) Scalar() ([]byte, Kind) {
	switch kind := s.Peek(); kind {
	case String:
		return s.str(), String
	case Number:
		return s.number(), Number
	case Bool, Null:
		lit := s.literal()
		if kind == Null {
			lit = nil
		}
		return lit, kind
	case Object, Array:
		s.Skip()
		return nil, kind
	default:
		s.fail("expected a value")
		return nil, Invalid
	}
}

// Skip reads past the next value, checking its grammar.
func (s *Scanner) Skip() {
	switch s.Peek() {
	case Object:
		s.ObjectStart()
		for s.More('}') {
			s.Name()
			s.Skip()
		}
	case Array:
		s.ArrayStart()
		for s.More(']') {
			s.Skip()
		}
	case String:
		s.str()
	case Number:
		s.number()
	case Bool, Null:
		s.literal()
	default:
		s.fail("expected a value")
	}
}

// Raw reads past the next value and returns its JSON text, valid as long
// as the scanned data.
func (s *Scanner) Raw() []byte {
	s.skipSpace()
	start := s.pos
	s.Skip()
	if s.err != nil {
		return nil
	}
	return s.data[start:s.pos]
}

// literal reads true, false or null.
func (s *Scanner) literal() []byte {
	rest := s.data[s.pos:]
	for _, lit := range [...]string{"true", "false", "null"} {
		if bytes.HasPrefix(rest, []byte(lit)) {
			s.pos += len(lit)
			s.first = false
			return rest[:len(lit)]
		}
	}
	s.fail("invalid literal")
	return nil
}

// number reads a number with the grammar of RFC 8259.
func (s *Scanner) number() []byte {
	start := s.pos
	d := s.data
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		s.fail("invalid number")
		return nil
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.fail("invalid number")
			return nil
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.fail("invalid number")
			return nil
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	s.first = false
	return d[start:i]
}

// str reads a string and returns its content: the input bytes themselves
// when there is no escape and the UTF-8 is valid, else an unescaped copy in
// the scanner's scratch buffer.
func (s *Scanner) str() []byte {
	if s.err != nil {
		return nil
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		s.fail("expected a string")
		return nil
	}
	start := s.pos + 1
	d := s.data
	for i := start; i < len(d); {
		// Most strings are plain ASCII: step over it a byte per lookup.
		for i < len(d) && plainASCII[d[i]] {
			i++
		}
		if i >= len(d) {
			break
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			s.first = false
			return d[start:i]
		case c == '\\':
			return s.unescape(start, i)
		case c < ' ':
			s.pos = i
			s.fail("control character in a string")
			return nil
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				return s.unescape(start, i)
			}
			i += size
		default:
			i++
		}
	}
	s.pos = len(d)
	s.fail("unterminated string")
	return nil
}

var errBadEscape = errors.New("invalid escape in a string")

// plainASCII marks the bytes a string holds as they are: printable ASCII
// other than '"' and '\\'.
var plainASCII = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// unescape continues a string that needs work from position i (its first
// escape or non-ASCII byte), decoding into the scratch buffer exactly as
// encoding/json does.
func (s *Scanner) unescape(start, i int) []byte {
	d := s.data
	out := append(s.scratch[:0], d[start:i]...)
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			s.first = false
			s.scratch = out
			return out
		case c < ' ':
			s.pos = i
			s.fail("control character in a string")
			return nil
		case c < utf8.RuneSelf && c != '\\':
			out = append(out, c)
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d[i:])
			out = utf8.AppendRune(out, r) // an invalid byte becomes U+FFFD
			i += size
		default: // an escape
			r, n, err := escape(d[i:])
			if err != nil {
				s.pos = i
				s.fail("%v", err)
				return nil
			}
			out = utf8.AppendRune(out, r)
			i += n
		}
	}
	s.pos = len(d)
	s.fail("unterminated string")
	return nil
}

// escape decodes the escape at the start of b (b[0] is '\'): the rune and
// the bytes it took.
func escape(b []byte) (rune, int, error) {
	if len(b) < 2 {
		return 0, 0, errBadEscape
	}
	switch b[1] {
	case '"', '\\', '/':
		return rune(b[1]), 2, nil
	case 'b':
		return '\b', 2, nil
	case 'f':
		return '\f', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'r':
		return '\r', 2, nil
	case 't':
		return '\t', 2, nil
	case 'u':
		r := hex4(b)
		if r < 0 {
			return 0, 0, errBadEscape
		}
		if !utf16.IsSurrogate(r) {
			return r, 6, nil
		}
		// A surrogate pair, or U+FFFD for a lone surrogate (whose
		// following escape, if any, is read on its own).
		if r2 := hex4(b[6:]); r2 >= 0 {
			if pair := utf16.DecodeRune(r, r2); pair != unicode.ReplacementChar {
				return pair, 12, nil
			}
		}
		return unicode.ReplacementChar, 6, nil
	}
	return 0, 0, errBadEscape
}

// hex4 decodes \uXXXX at the start of b, -1 when it is not one.
func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
