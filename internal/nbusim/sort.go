package nbusim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// sortIndex orders idx (positions in l.items) as a sort= parameter asks:
// one attribute of l.sortable, "-" in front for descending. Without the
// parameter, or on a list that declares no sortable attributes, the list's
// own order stays. Items without the attribute come last.
func (l *resourceList) sortIndex(idx []int, param string) error {
	if param == "" || l.sortable == nil {
		return nil
	}
	attr, desc := strings.CutPrefix(param, "-")
	if !slices.Contains(l.sortable, attr) {
		return fmt.Errorf("sort on %q is not supported: sortable attributes are %s", attr, strings.Join(l.sortable, ", "))
	}
	slices.SortStableFunc(idx, func(a, b int) int {
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
	return nil
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
