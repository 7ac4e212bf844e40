package nbuapi

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi/jsonscan"
)

// Resource is one JSON:API item with its attributes decoded into A.
type Resource[A any] struct {
	Type          string
	ID            string
	Attributes    A
	Relationships map[string]Relationship
	Meta          struct {
		Page struct {
			Cursor string
		}
	}
}

// UnmarshalJSON decodes one item as a page does (for tests and tools).
func (r *Resource[A]) UnmarshalJSON(data []byte) error {
	var s jsonscan.Scanner
	s.Reset(data)
	if err := r.scan(&s); err != nil {
		return err
	}
	return s.Finish()
}

// scan decodes the item member by member, whatever their order. When the
// attributes (or the type or id) cannot be read, the rest of the item is
// still read, so that the *ItemError returned names the item by its id; the
// scanner is then after the item, ready for the next one. Any other error is
// the scanner's: the JSON itself is broken.
func (r *Resource[A]) scan(s *jsonscan.Scanner) error {
	*r = Resource[A]{}
	if kind := s.Peek(); kind != jsonscan.Object {
		s.Skip()
		if err := s.Err(); err != nil {
			return err
		}
		return &ItemError{Err: fmt.Errorf("an item must be a JSON object, not a JSON %s", kind)}
	}
	s.ObjectStart()
	var bad *AttributeError
	for s.More('}') {
		var err error
		switch string(s.Name()) {
		case "type":
			r.Type, err = ScanText(s, "type")
		case "id":
			r.ID, err = ScanText(s, "id")
		case "attributes":
			err = decodeAttributes(s, &r.Attributes)
		case "relationships":
			err = scanRelationships(s, &r.Relationships)
		case "meta":
			err = scanItemMeta(s, &r.Meta.Page.Cursor)
		default:
			s.Skip()
		}
		if s.Err() != nil {
			return s.Err()
		}
		if err != nil && bad == nil {
			// Any error of a member makes the item malformed, whatever
			// its type (a ScanDecoder may return its own).
			if !errors.As(err, &bad) {
				bad = &AttributeError{Err: err}
			}
		}
	}
	if err := s.Err(); err != nil {
		return err
	}
	if bad != nil {
		return &ItemError{Type: r.Type, ID: r.ID, Attribute: bad.Name, Err: bad.Err}
	}
	return nil
}

// ScanDecoder is an attribute type that decodes itself from the scanner,
// without reflection: the job attributes, millions of them in a backfill.
// A value of the wrong kind is reported as an *AttributeError, after the
// scanner has read past it.
type ScanDecoder interface {
	DecodeJSONScan(s *jsonscan.Scanner) error
}

// decodeAttributes decodes an item's attributes into a: by hand when A is
// a ScanDecoder, else with the client's JSON options.
func decodeAttributes[A any](s *jsonscan.Scanner, a *A) error {
	if d, ok := any(a).(ScanDecoder); ok {
		return d.DecodeJSONScan(s)
	}
	raw := s.Raw()
	if raw == nil {
		return nil // the scanner's error
	}
	err := attributeErrorOf(Unmarshal(raw, a))
	var bad *AttributeError
	if errors.As(err, &bad) && bad.Name == "" {
		bad.Name = "attributes" // the member itself is unreadable (not an object)
	}
	return err
}

func scanRelationships(s *jsonscan.Scanner, out *map[string]Relationship) error {
	raw := s.Raw()
	if raw == nil {
		return nil // the scanner's error
	}
	var m map[string]Relationship
	if err := Unmarshal(raw, &m); err != nil {
		return &AttributeError{Name: "relationships", Err: semanticCause(err)}
	}
	*out = m
	return nil
}

// scanItemMeta reads meta.page.cursor of an item. A cursor that is not text
// is reported after both objects have been read to their end, so that the
// scanner is after meta and the item alone is malformed.
func scanItemMeta(s *jsonscan.Scanner, cursor *string) error {
	if s.Peek() != jsonscan.Object {
		s.Skip()
		return nil
	}
	var bad error
	s.ObjectStart()
	for s.More('}') {
		if string(s.Name()) != "page" || s.Peek() != jsonscan.Object {
			s.Skip()
			continue
		}
		s.ObjectStart()
		for s.More('}') {
			if string(s.Name()) != "cursor" {
				s.Skip()
				continue
			}
			text, err := ScanText(s, "meta.page.cursor")
			if err != nil && bad == nil {
				bad = err
			}
			*cursor = text
		}
	}
	return bad
}

// Relationship is a JSON:API relationship; its data is one {type,id}, a
// list of them, or null.
type Relationship struct {
	Data jsontext.Value `json:"data"`
}

type resourceIdentifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// IDs lists the ids the relationship points to.
func (r Relationship) IDs() []string {
	data := strings.TrimSpace(string(r.Data))
	if data == "" || data == "null" {
		return nil
	}
	if strings.HasPrefix(data, "[") {
		var list []resourceIdentifier
		if err := Unmarshal(r.Data, &list); err != nil {
			return nil
		}
		ids := make([]string, 0, len(list))
		for _, item := range list {
			ids = append(ids, item.ID)
		}
		return ids
	}
	var one resourceIdentifier
	if err := Unmarshal(r.Data, &one); err != nil || one.ID == "" {
		return nil
	}
	return []string{one.ID}
}

// Page is one collection page, and the type to decode a JSON:API list
// answer into: a malformed item costs itself, not its page. The client
// reports the items left out (see WithSkippedItems).
type Page[A any] struct {
	Data    []Resource[A]
	Skipped []*ItemError // the items that could not be decoded, left out of Data
	next    []byte       // meta.pagination.next: a cursor (string) or an offset (number)
	last    *int64       // meta.pagination.last (offset paging)
}

// UnmarshalJSON decodes a page (for tests and tools; the client decodes
// pages with scanJSON directly).
func (p *Page[A]) UnmarshalJSON(data []byte) error {
	var s jsonscan.Scanner
	s.Reset(data)
	return p.scanJSON(&s)
}

// scanJSON decodes a page in one pass, item by item.
func (p *Page[A]) scanJSON(s *jsonscan.Scanner) error {
	*p = Page[A]{}
	if kind := s.Peek(); kind != jsonscan.Object {
		return fmt.Errorf("a collection page must be a JSON object, not a JSON %s", kind)
	}
	s.ObjectStart()
	for s.More('}') {
		switch string(s.Name()) {
		case "data":
			if err := p.scanData(s); err != nil {
				return err
			}
		case "meta":
			p.scanMeta(s)
		default:
			s.Skip()
		}
	}
	return s.Finish()
}

// scanData reads the data array (null is an empty page).
func (p *Page[A]) scanData(s *jsonscan.Scanner) error {
	switch kind := s.Peek(); kind {
	case jsonscan.Null:
		s.Skip()
		return nil
	case jsonscan.Array:
	default:
		s.Skip()
		if s.Err() != nil {
			return s.Err()
		}
		return fmt.Errorf("the data of a collection page must be a JSON array, not a JSON %s", kind)
	}
	s.ArrayStart()
	for index := 0; s.More(']'); index++ {
		p.Data = append(p.Data, Resource[A]{})
		err := p.Data[len(p.Data)-1].scan(s)
		var bad *ItemError
		if errors.As(err, &bad) {
			bad.Index = index
			p.Data = p.Data[:len(p.Data)-1]
			p.Skipped = append(p.Skipped, bad)
			continue
		}
		if err != nil {
			return err
		}
	}
	return s.Err()
}

// scanMeta reads meta.pagination.next and .last; anything unreadable there
// ends the walk after this page (see Pager.advance).
func (p *Page[A]) scanMeta(s *jsonscan.Scanner) {
	if s.Peek() != jsonscan.Object {
		s.Skip()
		return
	}
	s.ObjectStart()
	for s.More('}') {
		if string(s.Name()) != "pagination" || s.Peek() != jsonscan.Object {
			s.Skip()
			continue
		}
		s.ObjectStart()
		for s.More('}') {
			switch string(s.Name()) {
			case "next":
				if b, kind := s.Scalar(); kind == jsonscan.String || kind == jsonscan.Number {
					p.next = bytes.Clone(b)
				}
			case "last":
				var last Int
				last.ScanFrom(s)
				if last.Set {
					p.last = &last.V
				}
			default:
				s.Skip()
			}
		}
	}
}

// skippedItems lets the client report the items left out.
func (p *Page[A]) skippedItems() []*ItemError { return p.Skipped }

// nextText is meta.pagination.next as text, "" when absent or null.
func (p *Page[A]) nextText() string {
	return strings.TrimSpace(string(p.next))
}

// DecodePage decodes one collection page as the pager does: the items that
// fit A, and those left out. It is how tests and tools read a recorded page.
func DecodePage[A any](data []byte) (items []Resource[A], skipped []*ItemError, err error) {
	var p Page[A]
	if err := p.UnmarshalJSON(data); err != nil {
		return nil, nil, err
	}
	return p.Data, p.Skipped, nil
}
