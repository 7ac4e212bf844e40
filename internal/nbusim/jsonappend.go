package nbusim

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Small append-style JSON writers: job pages are written by hand because
// encoding/json with maps would cost far more than the page budget.

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			} else { // invalid UTF-8 byte
				b = append(b, `\ufffd`...)
			}
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendKey writes ,"key": (without the comma for the first key of an object,
// i.e. when the previous byte is '{').
func appendKey(b []byte, key string) []byte {
	if len(b) > 0 && b[len(b)-1] != '{' && b[len(b)-1] != '[' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func kvStr(b []byte, key, val string) []byte { return appendString(appendKey(b, key), val) }

func kvInt(b []byte, key string, val int64) []byte {
	return strconv.AppendInt(appendKey(b, key), val, 10)
}

// kvIntAsFloat writes an integer counter as a JSON float (52428800.0).
func kvIntAsFloat(b []byte, key string, val int64) []byte {
	return append(strconv.AppendInt(appendKey(b, key), val, 10), '.', '0')
}

func kvFloat(b []byte, key string, val float64) []byte {
	b = strconv.AppendFloat(appendKey(b, key), val, 'f', -1, 64)
	if val == float64(int64(val)) {
		b = append(b, '.', '0')
	}
	return b
}

func kvTime(b []byte, key string, ms int64) []byte { return appendTimeMs(appendKey(b, key), ms) }

// appendTimeMs writes "2006-01-02T15:04:05.000Z" (quoted). It is written by
// hand because time.Format dominated the cost of a job page.
func appendTimeMs(b []byte, ms int64) []byte {
	if ms < 0 || ms >= 253402300800000 { // outside years 1970..9999
		b = append(b, '"')
		b = time.UnixMilli(ms).UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
		return append(b, '"')
	}
	days, msOfDay := ms/86400000, ms%86400000
	y, m, d := civilFromDays(days)
	sec := msOfDay / 1000
	b = append(b, '"')
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, sec/3600)
	b = append(b, ':')
	b = append2(b, sec/60%60)
	b = append(b, ':')
	b = append2(b, sec%60)
	f := msOfDay % 1000
	return append(b, '.', byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10), 'Z', '"')
}

// civilFromDays converts days since 1970-01-01 to a date (H. Hinnant's algorithm).
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func append2(b []byte, v int64) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int64) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// appendISODuration writes PT#H#M#S (PT0S for zero), as NetBackup 9.0+ does.
func appendISODuration(b []byte, ms int64) []byte {
	sec := max(ms/1000, 0)
	b = append(b, '"', 'P', 'T')
	h, m, s := sec/3600, sec/60%60, sec%60
	if h > 0 {
		b = append(strconv.AppendInt(b, h, 10), 'H')
	}
	if m > 0 {
		b = append(strconv.AppendInt(b, m, 10), 'M')
	}
	if s > 0 || (h == 0 && m == 0) {
		b = append(strconv.AppendInt(b, s, 10), 'S')
	}
	return append(b, '"')
}

// appendClockDuration writes HH:MM:SS, as NetBackup 8.3 (API 4.0) does.
func appendClockDuration(b []byte, ms int64) []byte {
	sec := max(ms/1000, 0)
	h, m, s := sec/3600, sec/60%60, sec%60
	b = append(b, '"')
	if h < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, h, 10)
	b = append(b, ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	return append(b, '"')
}
