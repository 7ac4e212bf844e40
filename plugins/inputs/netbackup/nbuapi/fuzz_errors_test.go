package nbuapi

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// maxErrorText bounds what one failed request may put in an error (and so
// in a log line), whatever the server's error body holds.
const maxErrorText = 2048

// fuzzEchoedSecret is a credential the fuzzed bodies may echo.
const fuzzEchoedSecret = `fuzz-"secret/é`

// FuzzErrorEnvelope: NetBackup's error body (errorCode, errorMessage,
// errorDetails or the legacy details), or anything a proxy sends instead.
// The error text is one line of printable text of bounded length: a server
// cannot forge log lines or flood the log through it.
func FuzzErrorEnvelope(f *testing.F) {
	f.Add(503, []byte(`{"errorCode":8000,"errorMessage":"The server is busy.","errorDetails":["try later"]}`))
	f.Add(400, []byte(`{"errorCode":9992,"errorMessage":"The cursor specified in page[after] has expired.","details":{"field":"page[after]"}}`))
	f.Add(404, []byte(`{"errorMessage":"no entity was found","errorDetails":"job 42"}`))
	f.Add(502, []byte("<html><head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>"))
	f.Add(500, []byte(`{"errorCode":null,"errorMessage":""}`))
	f.Add(401, []byte(`{"errorCode":-1,"errorMessage":"line one\nE! forged line","errorDetails":[1,{"a":"b"},null,[]]}`))
	f.Add(0, []byte{0xff, 0xfe, 0x00, '\n'})
	f.Add(401, []byte(`{"errorMessage":"bad key fuzz-\u0022secret\/\u00e9"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := &Error{Method: "GET", Path: "/admin/jobs", Status: status, Attempts: 2}
		e.fillFromBody(body, []string{fuzzEchoedSecret})
		text := e.Error()
		require.NotContains(t, text, fuzzEchoedSecret)
		require.LessOrEqual(t, len(text), maxErrorText, "error text of %d bytes", len(text))
		require.False(t, strings.ContainsFunc(text, func(r rune) bool { return unicode.IsControl(r) }),
			"control character in %q", text)
	})
}

// Regression (found by FuzzErrorEnvelope): errorMessage was quoted as sent,
// new lines and all, at any length; only errorDetails were sanitised.
func TestFuzzRegressionErrorMessageSanitized(t *testing.T) {
	long := strings.Repeat("x", 100_000)
	e := &Error{Method: "GET", Path: "/admin/jobs", Status: 500}
	e.fillFromBody([]byte(`{"errorCode":1,"errorMessage":"busy\nE! [inputs.netbackup] forged\r`+long+`"}`), nil)
	text := e.Error()
	require.NotContains(t, text, "\n")
	require.NotContains(t, text, "\r")
	require.Contains(t, text, "busy")
	require.LessOrEqual(t, len(text), maxErrorText)

	details := `"` + strings.Repeat(`d",  "`, 5000) + `d"`
	e = &Error{Method: "GET", Path: "/admin/jobs", Status: 500}
	e.fillFromBody([]byte(`{"errorCode":1,"errorMessage":"busy","errorDetails":[`+details+`]}`), nil)
	require.LessOrEqual(t, len(e.Error()), maxErrorText, "thousands of details")
}
