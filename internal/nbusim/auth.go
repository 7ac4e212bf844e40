package nbusim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

const msgBadCredentials = "The user name, password or API Key is wrong."

// apiKeyDomain is the login domainName meaning "password is an API key" (10.3+).
const apiKeyDomain = "vrts.apikey"

// credentialsConfigured: without key nor user, the simulator enforces no auth.
func (s *Simulator) credentialsConfigured() bool {
	return s.cfg.APIKey != "" || s.cfg.Username != ""
}

// tokenFromRequest returns the credential from the Authorization header (raw
// or "Bearer <t>") or the Authorization cookie.
func tokenFromRequest(r *http.Request) string {
	if h := strings.TrimSpace(r.Header.Get("Authorization")); h != "" {
		if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			return strings.TrimSpace(h[7:])
		}
		return h
	}
	if c, err := r.Cookie("Authorization"); err == nil {
		return c.Value
	}
	return ""
}

func hasAuthCookie(r *http.Request) bool {
	_, err := r.Cookie("Authorization")
	return err == nil
}

func (s *Simulator) authorized(r *http.Request) bool {
	if !s.credentialsConfigured() {
		return true
	}
	tok := tokenFromRequest(r)
	if tok == "" {
		return false
	}
	if s.cfg.APIKey != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.APIKey)) == 1 {
		return true
	}
	_, ok := s.validJWT(tok)
	return ok
}

type loginRequest struct {
	DomainType string `json:"domainType"`
	DomainName string `json:"domainName"`
	UserName   string `json:"userName"`
	Password   string `json:"password"`
}

func (s *Simulator) handleLogin(w http.ResponseWriter, r *request) {
	var body loginRequest
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil || json.Unmarshal(raw, &body) != nil {
		s.badRequest(w, r.version, "the login request body is not valid JSON")
		return
	}
	if body.Password == "" || (body.UserName == "" && body.DomainName != apiKeyDomain) {
		s.badRequest(w, r.version, "userName and password are required")
		return
	}
	if !s.credentialsMatch(body) {
		s.writeError(w, r.version, http.StatusUnauthorized, codeUnauthorized, msgBadCredentials)
		return
	}
	user := body.UserName
	if user == "" {
		user = "apikey"
	}
	tok := s.issueJWT(user)
	http.SetCookie(w, &http.Cookie{Name: "Authorization", Value: tok, Path: "/netbackup", Secure: true, HttpOnly: true})
	s.writeJSON(w, r.version, http.StatusCreated, map[string]any{
		"token":     tok,
		"tokenType": "BEARER",
		"validity":  int64(s.cfg.TokenValidity.Seconds()),
	})
}

func (s *Simulator) credentialsMatch(b loginRequest) bool {
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	if b.DomainName == apiKeyDomain {
		return s.cfg.APIKey != "" && eq(b.Password, s.cfg.APIKey)
	}
	return s.cfg.Username != "" && eq(b.UserName, s.cfg.Username) && eq(b.Password, s.cfg.Password)
}

func (s *Simulator) handleLogout(w http.ResponseWriter, r *request, _ string) {
	tok := tokenFromRequest(r.Request)
	claims, ok := s.validJWT(tok)
	if !ok {
		if s.cfg.APIKey != "" && tok == s.cfg.APIKey {
			w.WriteHeader(http.StatusOK) // nothing to revoke for an API key
			return
		}
		s.writeError(w, r.version, http.StatusUnauthorized, codeUnauthorized,
			"Authorization header is missing, the token is invalid, or you do not have permission for this action.")
		return
	}
	s.tokensMu.Lock()
	s.revoked[claims.ID] = true
	s.tokensMu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// jwtClaims is the payload of the tokens issued (HS256, signed with a
// per-process random secret).
type jwtClaims struct {
	Subject  string `json:"sub"`
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
	ID       string `json:"jti"`
	Issuer   string `json:"iss"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"HS256"}`))

func (s *Simulator) issueJWT(user string) string {
	now := s.nowMs() / 1000
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	payload, _ := json.Marshal(jwtClaims{
		Subject: user, IssuedAt: now, Expires: now + int64(s.cfg.TokenValidity.Seconds()),
		ID: hex.EncodeToString(id), Issuer: s.cfg.Hostname,
	})
	signing := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signing + "." + s.jwtSignature(signing)
}

func (s *Simulator) jwtSignature(signing string) string {
	mac := hmac.New(sha256.New, s.jwtSecret)
	mac.Write([]byte(signing))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// validJWT checks signature, expiry (against the simulated clock) and logout.
func (s *Simulator) validJWT(tok string) (jwtClaims, bool) {
	var claims jwtClaims
	lastDot := strings.LastIndexByte(tok, '.')
	if lastDot < 0 || strings.Count(tok, ".") != 2 {
		return claims, false
	}
	signing, sig := tok[:lastDot], tok[lastDot+1:]
	if !hmac.Equal([]byte(sig), []byte(s.jwtSignature(signing))) {
		return claims, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(signing[strings.IndexByte(signing, '.')+1:])
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		return claims, false
	}
	if s.nowMs()/1000 >= claims.Expires {
		return claims, false
	}
	s.tokensMu.Lock()
	defer s.tokensMu.Unlock()
	return claims, !s.revoked[claims.ID]
}
