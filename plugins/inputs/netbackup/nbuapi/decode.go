package nbuapi

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi/jsonscan"
)

// Collection pages are decoded in one pass by the jsonscan scanner, item by
// item (see Page). Everything else, and the attributes of the collectors
// that do not decode by hand, is decoded with the semantics of
// encoding/json/v2 (github.com/go-json-experiment/json mirrors it until the
// Go release that ships it): no validation pass before decoding, scalars
// read straight from the token stream, and one hook that makes every text
// attribute accept numbers and booleans. The options keep what
// encoding/json (v1) tolerated, because real servers send it.
var decodeOptions = json.JoinOptions(
	// Names are matched as encoding/json (v1) matched them: ignoring case
	// (v2 also ignores '-' and '_'; an exact match wins).
	json.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	// Invalid UTF-8 in a text becomes U+FFFD rather than failing the page.
	jsontext.AllowInvalidUTF8(true),
	// Every text attribute of every collector reads as ReadText does.
	json.WithUnmarshalers(json.UnmarshalFromFunc(func(dec *jsontext.Decoder, s *string) error {
		text, err := ReadText(dec)
		*s = text
		return err
	})),
)

// Unmarshal decodes data as the client decodes every answer: the way to
// read a recorded answer in tests and tools.
func Unmarshal(data []byte, out any) error {
	return json.Unmarshal(data, out, decodeOptions)
}

// ItemError is an item of a collection that could not be decoded (a text
// attribute holding an object, say). The item is left out; the rest of the
// page is decoded.
type ItemError struct {
	Index     int    // position in the page's data, from 0
	Type      string // the item's type (e.g. "job"), "" when it has none
	ID        string // the item's id, "" when it has none
	Attribute string // the attribute that could not be read, e.g. "clientName"
	Err       error
}

func (e *ItemError) Error() string {
	what := fmt.Sprintf("item %d of the page", e.Index)
	if e.ID != "" {
		what = strings.TrimSpace(cmp.Or(e.Type, "item") + " " + e.ID)
	}
	if e.Attribute != "" {
		return fmt.Sprintf("%s: attribute %s: %v", what, e.Attribute, e.Err)
	}
	return fmt.Sprintf("%s: %v", what, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

// AttributeError is an attribute whose value has the wrong JSON kind (a
// text attribute holding an object). It makes its item malformed.
type AttributeError struct {
	Name string // e.g. "clientName", or a path such as "diskVolumes/0/name"
	Err  error
}

func (e *AttributeError) Error() string { return fmt.Sprintf("attribute %s: %v", e.Name, e.Err) }

func (e *AttributeError) Unwrap() error { return e.Err }

// attributeErrorOf turns what decoding an attributes object with the JSON
// options gave into an *AttributeError (nil stays nil).
func attributeErrorOf(err error) error {
	if err == nil {
		return nil
	}
	var semantic *json.SemanticError
	if !errors.As(err, &semantic) {
		return &AttributeError{Err: err}
	}
	var path []string
	for token := range semantic.JSONPointer.Tokens() {
		path = append(path, token)
	}
	return &AttributeError{Name: strings.Join(path, "/"), Err: semanticCause(err)}
}

// semanticCause says what was wrong with the value, without the byte
// offsets and Go types that SemanticError.Error adds.
func semanticCause(err error) error {
	var e *json.SemanticError
	if !errors.As(err, &e) {
		return err
	}
	if e.Err != nil {
		return e.Err
	}
	if e.JSONKind != 0 {
		return fmt.Errorf("a JSON %s cannot be read here", kindName(e.JSONKind))
	}
	return errors.New("unreadable value")
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return k.String()
}

// ReadText reads a text attribute. Servers send numbers and booleans where
// the documents say text (a client named 42): they are kept as their JSON
// text, as numeric attributes accept numbers sent as strings. null is "".
// An object or an array is not text: the error makes its item malformed.
func ReadText(dec *jsontext.Decoder) (string, error) {
	switch kind := dec.PeekKind(); kind {
	case 'n':
		_, err := dec.ReadToken()
		return "", err
	case '"', '0', 't', 'f':
		v, err := dec.ReadValue()
		if err != nil {
			return "", err
		}
		if kind == '"' {
			return string(unquote(v)), nil
		}
		return string(v), nil
	case '{', '[':
		pointer := dec.StackPointer()
		if err := dec.SkipValue(); err != nil {
			return "", err
		}
		return "", &json.SemanticError{JSONPointer: pointer, JSONKind: kind,
			Err: fmt.Errorf("a JSON %s where text was expected", kindName(kind))}
	default:
		_, err := dec.ReadToken() // the decoder's own error
		return "", err
	}
}

// unquote is the content of a JSON string the decoder has already checked:
// the bytes themselves when there is no escape, else a decoded copy with
// invalid UTF-8 replaced by U+FFFD.
func unquote(quoted []byte) []byte {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner
	}
	out, _ := jsontext.AppendUnquote(nil, quoted) // only invalid UTF-8 can fail here, and it is replaced
	return out
}

type skippedKey struct{}

// WithSkippedItems returns a context whose answers report each item they
// left out to report, which must be safe for concurrent use (the pages of
// one collector may be read concurrently). Without it, the client logs a
// warning per item.
func WithSkippedItems(ctx context.Context, report func(*ItemError)) context.Context {
	return context.WithValue(ctx, skippedKey{}, report)
}

// reportSkipped hands the items an answer left out to the context's
// reporter.
func (c *Client) reportSkipped(ctx context.Context, req request, skipped []*ItemError) {
	if len(skipped) == 0 {
		return
	}
	report, _ := ctx.Value(skippedKey{}).(func(*ItemError))
	for _, e := range skipped {
		if report != nil {
			report(e)
			continue
		}
		c.log.Warnf("%s %s: left out a malformed item: %v", req.method, req.path, e)
	}
}

// skippingAnswer is an answer that leaves malformed items out (Page).
type skippingAnswer interface {
	skippedItems() []*ItemError
}

// ScanText reads a text attribute named name from the scanner, as ReadText
// does: numbers and booleans as their JSON text, null as "", an object or
// an array as an *AttributeError (after reading past it).
func ScanText(s *jsonscan.Scanner, name string) (string, error) {
	b, kind := s.Scalar()
	switch kind {
	case jsonscan.String, jsonscan.Number, jsonscan.Bool:
		return internText(b), nil
	case jsonscan.Object, jsonscan.Array:
		return "", &AttributeError{Name: name, Err: fmt.Errorf("a JSON %s where text was expected", kind)}
	}
	return "", nil
}
