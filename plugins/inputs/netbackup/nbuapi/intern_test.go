package nbuapi

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInternTextKeepsValues(t *testing.T) {
	require.Equal(t, "", internText(nil))
	long := string(make([]byte, 100))
	require.Equal(t, long, internText([]byte(long)))
	// Many values, read concurrently: every answer is the value asked for,
	// whatever the collisions.
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20_000 {
				v := "client-" + strconv.Itoa((i*7+g)%9_000)
				if got := internText([]byte(v)); got != v {
					t.Errorf("internText(%q) = %q", v, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	b := []byte("policy-01")
	first := internText(b)
	b[0] = 'X' // the caller's bytes change: the string handed out does not
	require.Equal(t, "policy-01", first)
}

func BenchmarkInternText(b *testing.B) {
	values := [][]byte{[]byte("BACKUP"), []byte("prod-linux-01"), []byte("app01.example.com"), []byte("stu-msdp-01")}
	b.ReportAllocs()
	for i := range b.N {
		_ = internText(values[i%len(values)])
	}
}
