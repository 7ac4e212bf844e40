package nbuapi

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi/jsonscan"
)

// Scalar decoders for attributes as real servers send them: numbers
// documented as int32 arrive as floats (52428800.0) or beyond 2^31,
// durations come as ISO-8601 (PT5M46S, API >= 9.0) or as HH:MM:SS (API 4.0),
// unfinished jobs carry the epoch as endTime, booleans come as strings, and
// any attribute may be missing or null. A value that cannot be read is left
// unset (Set false, or the zero time) instead of failing the whole page, so
// that an absent value is never reported as 0.

// Int is an integer that may arrive as a JSON integer, a float with an
// integral value, a numeric string, or null/absent (Set is false then).
type Int struct {
	V   int64
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Int) UnmarshalJSON(data []byte) error {
	f.parse(scalarBytes(data))
	return nil
}

// UnmarshalJSONFrom reads the value straight from the token stream: no
// copy of it, no second scan.
func (f *Int) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	b, ok, err := nextScalar(dec)
	f.parse(b, ok)
	return err
}

// ScanFrom reads the value from the scanner.
func (f *Int) ScanFrom(s *jsonscan.Scanner) { f.parse(scannedScalar(s)) }

func (f *Int) parse(b []byte, ok bool) {
	*f = Int{}
	if !ok {
		return
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*f = Int{V: v, Set: true}
		return
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1<<63 {
		return
	}
	*f = Int{V: int64(v), Set: true}
}

// Float is a float that may arrive as a number, a numeric string or
// null/absent (Set is false then).
type Float struct {
	V   float64
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(data []byte) error {
	f.parse(scalarBytes(data))
	return nil
}

// UnmarshalJSONFrom reads the value straight from the token stream.
func (f *Float) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	b, ok, err := nextScalar(dec)
	f.parse(b, ok)
	return err
}

// ScanFrom reads the value from the scanner.
func (f *Float) ScanFrom(s *jsonscan.Scanner) { f.parse(scannedScalar(s)) }

func (f *Float) parse(b []byte, ok bool) {
	*f = Float{}
	if !ok {
		return
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	*f = Float{V: v, Set: true}
}

// Bool is a boolean that may arrive as true/false, "true"/"false" (any
// case), "yes"/"no" or 1/0; Set is false when absent or unreadable.
type Bool struct {
	V   bool
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (b *Bool) UnmarshalJSON(data []byte) error {
	b.parse(bytes.Trim(bytes.TrimSpace(data), `"`))
	return nil
}

// UnmarshalJSONFrom reads the value straight from the token stream.
func (b *Bool) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case 't', 'f', '0', '"':
		v, err := dec.ReadValue()
		if err != nil {
			*b = Bool{}
			return err
		}
		b.parse(bytes.Trim(bytes.TrimSpace(v), `"`))
		return nil
	}
	*b = Bool{}
	return dec.SkipValue()
}

// ScanFrom reads the value from the scanner.
func (b *Bool) ScanFrom(s *jsonscan.Scanner) {
	text, kind := s.Scalar()
	if kind == jsonscan.Object || kind == jsonscan.Array || kind == jsonscan.Null {
		*b = Bool{}
		return
	}
	b.parse(text)
}

func (b *Bool) parse(text []byte) {
	*b = Bool{}
	switch strings.ToLower(strings.TrimSpace(string(text))) {
	case "true", "1", "yes":
		*b = Bool{V: true, Set: true}
	case "false", "0", "no":
		*b = Bool{V: false, Set: true}
	}
}

// Scalar returns a JSON number's text or a string's content; false for
// null, empty strings, objects, arrays and booleans.
func Scalar(data []byte) (string, bool) {
	b, ok := scalarBytes(data)
	return string(b), ok
}

// nextScalar reads the next value of dec: a number's text or a string's
// content as scalarBytes has them; any other value is read past and
// reported as not set. The bytes are valid until the next read of dec.
func nextScalar(dec *jsontext.Decoder) ([]byte, bool, error) {
	switch dec.PeekKind() {
	case '"', '0':
		v, err := dec.ReadValue()
		if err != nil {
			return nil, false, err
		}
		b, ok := scalarBytes(v)
		return b, ok, nil
	}
	return nil, false, dec.SkipValue()
}

// scannedScalar reads the next value as nextScalar does.
func scannedScalar(s *jsonscan.Scanner) ([]byte, bool) {
	b, kind := s.Scalar()
	switch kind {
	case jsonscan.Number:
		return b, true
	case jsonscan.String:
		b = bytes.TrimSpace(b)
		return b, len(b) > 0
	}
	return nil, false
}

// scalarBytes is Scalar without a copy in the common cases (a number, a
// string without escapes): the decoders of every job attribute call it.
func scalarBytes(data []byte) ([]byte, bool) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return nil, false
	}
	switch data[0] {
	case '"':
		if len(data) < 2 || data[len(data)-1] != '"' {
			return nil, false
		}
		b := bytes.TrimSpace(unquote(data))
		return b, len(b) > 0
	case '{', '[', 't', 'f':
		return nil, false
	}
	return data, true
}

// Time is a date-time attribute. The epoch (which NetBackup sends as the
// endTime of unfinished jobs), null, "" and unparsable values are all "not
// set": IsZero reports true for them.
type Time struct {
	time.Time
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(data []byte) error {
	t.parse(scalarBytes(data))
	return nil
}

// UnmarshalJSONFrom reads the value straight from the token stream.
func (t *Time) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	b, ok, err := nextScalar(dec)
	t.parse(b, ok)
	return err
}

// ScanFrom reads the value from the scanner.
func (t *Time) ScanFrom(s *jsonscan.Scanner) { t.parse(scannedScalar(s)) }

func (t *Time) parse(b []byte, ok bool) {
	t.Time = time.Time{}
	if !ok {
		return
	}
	parsed, err := ParseTime(string(b))
	if err != nil || parsed.Unix() <= 0 {
		return
	}
	t.Time = parsed.UTC()
}

// ParseTime reads the date-time forms seen in NetBackup payloads: RFC 3339
// with or without a zone, "2006-01-02 15:04:05", and epoch milliseconds.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	return time.Time{}, fmt.Errorf("unrecognised date-time %q", strings.Clone(s)) // a copy: s may live on the stack
}

// Duration is a duration attribute: ISO-8601 (PT5M46S, P1DT2H, PT0.5S),
// clock style (00:05:46, 123:05:46, 1:02:03:04 as D:HH:MM:SS) or a number
// of seconds. Set is false when absent or unreadable.
type Duration struct {
	D   time.Duration
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(data []byte) error {
	d.parse(scalarBytes(data))
	return nil
}

// UnmarshalJSONFrom reads the value straight from the token stream.
func (d *Duration) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	b, ok, err := nextScalar(dec)
	d.parse(b, ok)
	return err
}

// ScanFrom reads the value from the scanner.
func (d *Duration) ScanFrom(s *jsonscan.Scanner) { d.parse(scannedScalar(s)) }

func (d *Duration) parse(b []byte, ok bool) {
	*d = Duration{}
	if !ok {
		return
	}
	if v, err := ParseDuration(string(b)); err == nil {
		*d = Duration{D: v, Set: true}
	}
}

var isoDurationPattern = regexp.MustCompile(
	`^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// ParseDuration reads the duration forms seen in job payloads. Years and
// months (P1Y, P1M) are refused: their length is not fixed and job
// durations never use them.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	negative := false
	if s[0] == '-' {
		negative = true
		s = s[1:]
	}
	var d time.Duration
	if secs, ok := parseSimpleISODuration(s); ok {
		d = time.Duration(secs) * time.Second
	} else {
		var err error
		if d, err = parseDurationGeneral(s); err != nil {
			return 0, err
		}
	}
	if negative {
		d = -d
	}
	return d, nil
}

// parseDurationGeneral reads every duration form ParseDuration accepts,
// without a sign.
func parseDurationGeneral(s string) (time.Duration, error) {
	var total float64 // seconds
	switch {
	case strings.HasPrefix(strings.ToUpper(s), "P"):
		m := isoDurationPattern.FindStringSubmatch(strings.ToUpper(s))
		if m == nil || s == "P" || strings.HasSuffix(strings.ToUpper(s), "T") {
			return 0, fmt.Errorf("unrecognised ISO-8601 duration %q", s)
		}
		units := []float64{7 * 86400, 86400, 3600, 60, 1}
		for i, unit := range units {
			if m[i+1] == "" {
				continue
			}
			v, err := strconv.ParseFloat(m[i+1], 64)
			if err != nil {
				return 0, fmt.Errorf("unrecognised ISO-8601 duration %q", s)
			}
			total += v * unit
		}
	case strings.Contains(s, ":"):
		parts := strings.Split(s, ":")
		if len(parts) < 2 || len(parts) > 4 {
			return 0, fmt.Errorf("unrecognised clock duration %q", s)
		}
		units := []float64{1, 60, 3600, 86400} // from the right: s, m, h, d
		for i := range parts {
			part := parts[len(parts)-1-i]
			v, err := strconv.ParseFloat(part, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("unrecognised clock duration %q", s)
			}
			total += v * units[i]
		}
	default:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("unrecognised duration %q", s)
		}
		total = v
	}
	// ParseFloat accepts "NaN" and "Inf": neither is a duration.
	if math.IsNaN(total) || total > float64(math.MaxInt64/int64(time.Second)) {
		return 0, fmt.Errorf("duration %q out of range", s)
	}
	return time.Duration(total * float64(time.Second)), nil
}

// parseSimpleISODuration reads the form NetBackup sends for every job,
// PT<h>H<m>M<s>S with whole numbers (each part optional), without the
// regular expression the general form needs.
func parseSimpleISODuration(s string) (int64, bool) {
	if len(s) < 3 || s[0] != 'P' || s[1] != 'T' {
		return 0, false
	}
	var total, n int64
	digits := 0
	last := byte(0) // the last unit read: H, M, S must come in that order
	for i := 2; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 15 {
				return 0, false // leave huge values to the general parser
			}
			n = n*10 + int64(c-'0')
			digits++
		case digits > 0 && (c == 'H' && last == 0 || c == 'M' && (last == 0 || last == 'H') || c == 'S' && last != 'S'):
			unit := int64(1)
			switch c {
			case 'H':
				unit = 3600
			case 'M':
				unit = 60
			}
			total += n * unit
			n, digits, last = 0, 0, c
		default:
			return 0, false
		}
	}
	// Durations beyond time.Duration go to the general parser, which says so.
	return total, digits == 0 && last != 0 && total <= math.MaxInt64/int64(time.Second)
}
