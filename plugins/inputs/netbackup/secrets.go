package netbackup

import (
	"fmt"
	"sync"

	"github.com/influxdata/telegraf/config"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// gatherSecret hands a credential to the clients, reading its protected
// secret at most once per gather. Every read of a config.Secret locks memory,
// and containers allow unprivileged processes as little as 64 KiB of it:
// one read per request, from every collector of every server at once, could
// exhaust the limit. Reading once per gather still follows a secret store
// that rotates the credential.
type gatherSecret struct {
	secret *config.Secret
	option string // for errors

	mu    sync.Mutex
	value string
	read  bool
}

func newGatherSecret(secret *config.Secret, option string) *gatherSecret {
	return &gatherSecret{secret: secret, option: option}
}

// get returns the credential, reading the secret on the first call of a
// gather.
func (s *gatherSecret) get() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.read {
		return s.value, nil
	}
	buf, err := s.secret.Get()
	if err != nil {
		return "", fmt.Errorf("reading the secret of option %s: %w", s.option, err)
	}
	s.value = buf.String()
	buf.Destroy()
	s.read = true
	return s.value, nil
}

// forget drops the copy at the end of a gather.
func (s *gatherSecret) forget() {
	s.mu.Lock()
	s.value, s.read = "", false
	s.mu.Unlock()
}

// source is the credential as the client asks for it.
func (s *gatherSecret) source() nbuapi.Secret { return s.get }
