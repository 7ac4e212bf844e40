package nbusim

import "sync"

// requestLogSize bounds the request log (a ring of the newest records).
const requestLogSize = 10000

// RequestRecord is one served request. Path is the full URL path (with the
// /netbackup prefix); Status 0 means the connection was cut by a fault.
// Authorization tells whether credentials were sent (never the credentials).
type RequestRecord struct {
	Method, Path, RawQuery string
	Status                 int
	Authorization          bool
}

type requestLog struct {
	mu    sync.Mutex
	ring  []RequestRecord
	next  int // index of the next write in ring
	full  bool
	total int64
	ids   int64
}

func (l *requestLog) init(size int) { l.ring = make([]RequestRecord, size) }

func (l *requestLog) add(rec RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring[l.next] = rec
	l.next++
	if l.next == len(l.ring) {
		l.next, l.full = 0, true
	}
	l.total++
}

func (l *requestLog) nextID() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids++
	return l.ids
}

// Requests returns a copy of the request log, oldest first, newest last.
func (s *Simulator) Requests() []RequestRecord {
	l := &s.requests
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]RequestRecord(nil), l.ring[:l.next]...)
	}
	out := make([]RequestRecord, 0, len(l.ring))
	out = append(out, l.ring[l.next:]...)
	return append(out, l.ring[:l.next]...)
}

// RequestCount is the number of requests served since New (or ResetRequests).
func (s *Simulator) RequestCount() int64 {
	s.requests.mu.Lock()
	defer s.requests.mu.Unlock()
	return s.requests.total
}

// ResetRequests empties the log and the counter.
func (s *Simulator) ResetRequests() {
	l := &s.requests
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.ring)
	l.next, l.full, l.total = 0, false, 0
}
