// Package statuscodes holds NetBackup's status codes and their short
// messages (codes.tsv, which names its source), so that a numeric status
// can be reported in words next to the number.
package statuscodes

import (
	"bufio"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed codes.tsv
var codesTSV string

// messages maps each known code to its message. The file is part of the
// binary and checked by the package's tests: a malformed one is a build
// defect, so it panics at start rather than silently losing texts.
var messages = mustParse(codesTSV)

// Text returns NetBackup's short message for a status code; false for a
// code the table does not hold, which then gets no text rather than a guess.
func Text(code int64) (string, bool) {
	m, ok := messages[code]
	return m, ok
}

// Len is the number of codes in the table.
func Len() int { return len(messages) }

func mustParse(tsv string) map[int64]string {
	m, err := parse(tsv)
	if err != nil {
		panic("statuscodes: codes.tsv: " + err.Error())
	}
	return m
}

// parse reads the table: notes (lines starting with #) are skipped, the
// header must come first, then one code<TAB>message<TAB>source row per code.
func parse(tsv string) (map[int64]string, error) {
	const header = "code\tmessage\tsource"
	m := make(map[int64]string, 1024)
	sc := bufio.NewScanner(strings.NewReader(tsv))
	sawHeader := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if !sawHeader {
			if line != header {
				return nil, fmt.Errorf("line %d: want the header %q, got %q", n, header, line)
			}
			sawHeader = true
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			return nil, fmt.Errorf("line %d: want 3 tab-separated columns, got %d", n, len(fields))
		}
		code, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || code < 0 {
			return nil, fmt.Errorf("line %d: code %q is not a non-negative integer", n, fields[0])
		}
		msg := strings.TrimSpace(fields[1])
		if msg == "" || strings.TrimSpace(fields[2]) == "" {
			return nil, fmt.Errorf("line %d: code %d lacks its message or its source", n, code)
		}
		if _, dup := m[code]; dup {
			return nil, fmt.Errorf("line %d: code %d is listed twice", n, code)
		}
		m[code] = msg
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !sawHeader {
		return nil, fmt.Errorf("no header line %q", header)
	}
	return m, nil
}
