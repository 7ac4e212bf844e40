package nbuapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
)

// redactTestPassword has every character JSON may escape: a quote, a slash,
// a backslash, characters Go escapes for HTML, and non-ASCII in and beyond
// the Basic Multilingual Plane.
const redactTestPassword = `pa"ss/wo\rd<&>-é-😀`

// jsonForms writes s the ways a JSON encoder may: Go's encoder, every
// character as \uXXXX (upper and lower case hex, surrogate pairs beyond the
// BMP), the optional \/ escape, and a mix.
func jsonForms(s string) map[string]string {
	uEscape := func(upper bool) string {
		var b strings.Builder
		for _, r := range s {
			for _, unit := range utf16.Encode([]rune{r}) {
				if upper {
					fmt.Fprintf(&b, `\u%04X`, unit)
				} else {
					fmt.Fprintf(&b, `\u%04x`, unit)
				}
			}
		}
		return b.String()
	}
	goForm := strings.Trim(fmt.Sprintf("%q", s), `"`) // \" and \\ escaped, the rest literal
	return map[string]string{
		"literal":         s,
		"go quoted":       goForm,
		"all \\u, lower":  uEscape(false),
		"all \\u, upper":  uEscape(true),
		"solidus escaped": strings.ReplaceAll(goForm, "/", `\/`),
		"mixed":           strings.NewReplacer(`\"`, `\u0022`, "é", `\u00e9`, "/", `\/`, "<", `\u003c`).Replace(goForm),
	}
}

// redactText is redactPrefix of the whole text.
func redactText(text string, secrets ...string) string {
	return redactPrefix(text, len(text), secrets)
}

func TestRedactText_JSONEscapedForms(t *testing.T) {
	for name, form := range jsonForms(redactTestPassword) {
		t.Run(name, func(t *testing.T) {
			text := `{"errorMessage":"login of alice with password ` + form + ` refused","more":"` + form + `"}`
			got := redactText(text, redactTestPassword)
			require.NotContains(t, got, form)
			require.Equal(t, 2, strings.Count(got, "[redacted]"), got)
			require.Contains(t, got, "login of alice with password [redacted] refused")
		})
	}
}

func TestRedactText_KeepsWhatIsNotTheSecret(t *testing.T) {
	require.Equal(t, `a \n b \u0041 \\ c`, redactText(`a \n b \u0041 \\ c`, redactTestPassword))
	require.Equal(t, "key", redactText("key", "k"), "secrets shorter than 4 characters are not searched")
	// A secret with a literal backslash followed by n, sent as is.
	require.Equal(t, "x [redacted] y", redactText(`x ab\ncd y`, `ab\ncd`))
	require.Equal(t, "x [redacted] y", redactText(`x ab\\ncd y`, `ab\ncd`))
}

// The prefix form quotes at most limit bytes of the text, and never a part
// of a secret that starts inside it.
func TestRedactPrefix_NeverCutsASecret(t *testing.T) {
	form := jsonForms(redactTestPassword)["all \\u, lower"]
	text := "0123456789" + form + " after"
	for limit := 1; limit < len(text); limit++ {
		got := redactPrefix(text, limit, []string{redactTestPassword})
		require.NotContains(t, got, `\u0070\u0061`, "limit %d: a part of the secret is quoted: %q", limit, got)
		if limit > 10 {
			require.Equal(t, "0123456789[redacted]", got[:min(len(got), 20)], "limit %d", limit)
		}
	}
}

// A server echoing the password or the key JSON-escaped, in an error
// envelope, in a body that is no envelope, or in broken JSON: no error
// carries it in any form.
func TestRedact_EchoedCredentialNeverInErrors(t *testing.T) {
	forms := jsonForms(redactTestPassword)
	bodies := map[string]func(form string) (int, string){
		"envelope message": func(form string) (int, string) {
			return http.StatusUnauthorized, `{"errorCode":8000,"errorMessage":"wrong password ` + form + `","errorDetails":["got ` + form + `"]}`
		},
		"envelope details as an object": func(form string) (int, string) {
			return http.StatusUnauthorized, `{"errorCode":8000,"errorMessage":"refused","details":{"password":"` + form + `"}}`
		},
		"message holding escaped JSON": func(form string) (int, string) {
			escaped := strings.ReplaceAll(strings.ReplaceAll(form, `\`, `\\`), `"`, `\"`)
			return http.StatusUnauthorized, `{"errorCode":8000,"errorMessage":"{\"password\":\"` + escaped + `\"}"}`
		},
		"not an envelope": func(form string) (int, string) {
			return http.StatusBadGateway, `{"proxy":"upstream refused password ` + form + `"}`
		},
	}
	for bodyName, body := range bodies {
		for formName, form := range forms {
			t.Run(bodyName+"/"+formName, func(t *testing.T) {
				srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
					status, text := body(form)
					nbcWriteJSON(w, status, text)
				})
				cfg := nbcConfig(t, srv.Server)
				cfg.APIKey = nil
				cfg.Username, cfg.Password = staticSecret("alice"), staticSecret(redactTestPassword)
				cfg.RetryCount = 0
				c := newNbcClient(t, cfg)
				err := c.Get(context.Background(), "/admin/jobs", nil, nil)
				require.Error(t, err)
				requireNoForm(t, err.Error(), forms)
			})
		}
	}

	t.Run("API key in invalid JSON", func(t *testing.T) {
		key := `key"with/escapes\and-ü`
		keyForms := jsonForms(key)
		for formName, form := range keyForms {
			t.Run(formName, func(t *testing.T) {
				srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
					nbcWriteJSON(w, http.StatusOK, `{"data": "`+form+`" oops`)
				})
				cfg := nbcConfig(t, srv.Server)
				cfg.APIKey = staticSecret(key)
				c := newNbcClient(t, cfg)
				var out map[string]any
				err := c.Get(context.Background(), "/admin/jobs", nil, &out)
				require.ErrorContains(t, err, "invalid JSON")
				requireNoForm(t, err.Error(), keyForms)
			})
		}
	})
}

func requireNoForm(t *testing.T, text string, forms map[string]string) {
	t.Helper()
	for name, form := range forms {
		require.NotContains(t, text, form, "the secret (%s) is in the error", name)
	}
	require.Contains(t, text, "[redacted]", "nothing was redacted: did the echo reach the error at all?")
}
