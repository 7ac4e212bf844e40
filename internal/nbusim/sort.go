package nbusim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// order returns the positions of l's items in the order a sort= parameter
// asks for: one attribute of l.sortable, "-" in front for descending; items
// without the attribute come last. Without the parameter, or on a list that
// declares no sortable attributes, the list's own order. The items never
// change, so each order is computed once.
func (l *resourceList) order(param string) ([]int, error) {
	if param == "" || l.sortable == nil || l.paging == cursorPaging {
		param = ""
	}
	attr, desc := strings.CutPrefix(param, "-")
	if param != "" && !slices.Contains(l.sortable, attr) {
		return nil, fmt.Errorf("sort on %q is not supported: sortable attributes are %s", attr, strings.Join(l.sortable, ", "))
	}
	l.ordersMu.Lock()
	defer l.ordersMu.Unlock()
	if o, ok := l.orders[param]; ok {
		return o, nil
	}
	o := make([]int, len(l.items))
	for i := range o {
		o[i] = i
	}
	if param != "" {
		slices.SortStableFunc(o, func(a, b int) int {
			va, okA := l.items[a].flat[attr]
			vb, okB := l.items[b].flat[attr]
			switch {
			case !okA && !okB:
				return 0
			case !okA:
				return 1
			case !okB:
				return -1
			}
			c := compareFlat(va, vb)
			if desc {
				c = -c
			}
			return c
		})
	}
	if l.orders == nil {
		l.orders = make(map[string][]int)
	}
	l.orders[param] = o
	return o, nil
}

// compareFlat orders two values of flatten's types; values of different
// types compare by their text.
func compareFlat(a, b any) int {
	switch x := a.(type) {
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp3(x, y)
		case float64:
			return cmp3(float64(x), y)
		}
	case float64:
		switch y := b.(type) {
		case float64:
			return cmp3(x, y)
		case int64:
			return cmp3(x, float64(y))
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}
