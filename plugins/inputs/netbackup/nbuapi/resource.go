package nbuapi

import (
	"encoding/json"
	"strings"
)

// Resource is one JSON:API item with its attributes decoded into A.
type Resource[A any] struct {
	Type          string                  `json:"type"`
	ID            string                  `json:"id"`
	Attributes    A                       `json:"attributes"`
	Relationships map[string]Relationship `json:"relationships"`
	Meta          struct {
		Page struct {
			Cursor string `json:"cursor"`
		} `json:"page"`
	} `json:"meta"`
}

// Relationship is a JSON:API relationship; its data is one {type,id}, a
// list of them, or null.
type Relationship struct {
	Data json.RawMessage `json:"data"`
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
		if err := json.Unmarshal(r.Data, &list); err != nil {
			return nil
		}
		ids := make([]string, 0, len(list))
		for _, item := range list {
			ids = append(ids, item.ID)
		}
		return ids
	}
	var one resourceIdentifier
	if err := json.Unmarshal(r.Data, &one); err != nil || one.ID == "" {
		return nil
	}
	return []string{one.ID}
}

// page is one collection page; next is a cursor (string) or an offset
// (number), absent on the last page.
type page[A any] struct {
	Data []Resource[A] `json:"data"`
	Meta struct {
		Pagination struct {
			Next   json.RawMessage `json:"next"`
			Last   *int64          `json:"last"`
			Offset *int64          `json:"offset"`
		} `json:"pagination"`
	} `json:"meta"`
}

// nextText is meta.pagination.next as text, "" when absent or null.
func (p *page[A]) nextText() string {
	raw := strings.TrimSpace(string(p.Meta.Pagination.Next))
	if raw == "" || raw == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(p.Meta.Pagination.Next, &s); err == nil {
		return s
	}
	return raw // a number
}
