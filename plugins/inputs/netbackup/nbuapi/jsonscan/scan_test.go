package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// toValue reads the next value as encoding/json would decode it into an
// interface{} with UseNumber: the reference for every test here.
func toValue(s *Scanner) any {
	switch s.Peek() {
	case Object:
		m := map[string]any{}
		s.ObjectStart()
		for s.More('}') {
			name := string(s.Name())
			m[name] = toValue(s)
		}
		return m
	case Array:
		list := []any{}
		s.ArrayStart()
		for s.More(']') {
			list = append(list, toValue(s))
		}
		return list
	default:
		b, kind := s.Scalar()
		switch kind {
		case String:
			return string(b)
		case Number:
			return json.Number(string(b))
		case Bool:
			return string(b) == "true"
		}
		return nil
	}
}

// scan decodes a whole document with the scanner.
func scan(data []byte) (any, error) {
	var s Scanner
	s.Reset(data)
	v := toValue(&s)
	if err := s.Finish(); err != nil {
		return nil, err
	}
	return v, nil
}

// reference decodes a whole document with encoding/json.
func reference(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if !json.Valid(data) { // trailing data
		return nil, json.Unmarshal(data, &v)
	}
	return v, nil
}

var scanCases = []string{
	`{"data":[{"type":"job","id":"1","attributes":{"jobId":1,"clientName":"a","dedupRatio":84.5,"x":null,"y":true,"z":[1,{"a":[]}]}}],"meta":{"pagination":{"next":"2"}}}`,
	` [ 1 , -0 , 0.5 , 1e10 , 1E-2 , -12.5e+3 ] `,
	`"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \ud83d \u0041"`,
	"\"invalid \xff utf-8 \xc3 and valid é\"",
	`{"a":1,"a":2}`,
	`{}`, `[]`, `""`, `null`, `true`, `false`, `0`,
	// invalid
	``, ` `, `{`, `[`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`, `[1 2]`, `{"a" 1}`, `{1:2}`,
	`01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `tru`, `truex`, `nul`, `"abc`, "\"a\x01b\"", `"\x"`, `"\u12"`,
	`"\'"`, `[1}`, `{"a":1]`, `1 2`, `{"a":1}}`, `[[[`,
}

func TestScannerAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range scanCases {
		want, wantErr := reference([]byte(c))
		got, err := scan([]byte(c))
		if wantErr != nil {
			require.Error(t, err, "%q: encoding/json says %v", c, wantErr)
			continue
		}
		require.NoError(t, err, c)
		require.Equal(t, want, got, c)
	}
}

func TestScannerDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	_, err := scan([]byte(deep))
	require.ErrorContains(t, err, "nested deeper")
	ok := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	_, err = scan([]byte(ok))
	require.NoError(t, err)
}

func TestScannerRawAndSkip(t *testing.T) {
	var s Scanner
	s.Reset([]byte(`{"skip":{"a":[1,"x",{"b":null}]},"raw":[1, {"c":"d"}],"last":"v"}`))
	require.True(t, s.ObjectStart())
	var raw []byte
	var last string
	for s.More('}') {
		switch string(s.Name()) {
		case "skip":
			s.Skip()
		case "raw":
			raw = s.Raw()
		case "last":
			b, kind := s.Scalar()
			require.Equal(t, String, kind)
			last = string(b)
		}
	}
	require.NoError(t, s.Finish())
	require.Equal(t, `[1, {"c":"d"}]`, string(raw))
	require.Equal(t, "v", last)
}

func TestScannerScalarOfContainer(t *testing.T) {
	var s Scanner
	s.Reset([]byte(`[{"a":1},[2],"t"]`))
	require.True(t, s.ArrayStart())
	var kinds []Kind
	for s.More(']') {
		_, kind := s.Scalar()
		kinds = append(kinds, kind)
	}
	require.NoError(t, s.Finish())
	require.Equal(t, []Kind{Object, Array, String}, kinds, "containers are read past and named")
}

// FuzzScanner: whatever the input, the scanner accepts exactly the
// documents encoding/json accepts and reads the same values from them.
func FuzzScanner(f *testing.F) {
	for _, c := range scanCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := reference(data)
		got, err := scan(data)
		if wantErr != nil {
			require.Error(t, err, "%q: encoding/json says %v", data, wantErr)
			return
		}
		require.NoError(t, err, "%q", data)
		require.Equal(t, want, got, "%q", data)
	})
}
