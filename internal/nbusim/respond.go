package nbusim

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// NetBackup status codes used in error envelopes.
const (
	codeInvalidRequest = 8961 // "An invalid API request is encountered."
	codeNotFound       = 227  // "no entity was found"
	codeUnauthorized   = 8000 // not confirmed by the documents (see README deviations)
	codeSystemError    = 130  // "system error occurred"
	codeServerBusy     = 9000 // not confirmed: code for an injected 503
)

// errorEnvelope is the error body of every NetBackup API (common error schema).
type errorEnvelope struct {
	ErrorCode        int64             `json:"errorCode"`
	ErrorMessage     string            `json:"errorMessage"`
	AttributeErrors  map[string]string `json:"attributeErrors"`
	FileUploadErrors []any             `json:"fileUploadErrors"`
	ErrorDetails     []string          `json:"errorDetails"`
}

// mediaType is the Content-Type of JSON responses for a negotiated version.
func mediaType(v apiVersion) string {
	return "application/vnd.netbackup+json;version=" + v.String()
}

func (s *Simulator) writeError(w http.ResponseWriter, v apiVersion, status int, code int64, msg string, details ...string) {
	if details == nil {
		details = []string{}
	}
	body, _ := json.Marshal(errorEnvelope{
		ErrorCode:        code,
		ErrorMessage:     msg,
		AttributeErrors:  map[string]string{},
		FileUploadErrors: []any{},
		ErrorDetails:     details,
	})
	writeBody(w, mediaType(v), status, body)
}

func (s *Simulator) badRequest(w http.ResponseWriter, v apiVersion, details ...string) {
	s.writeError(w, v, http.StatusBadRequest, codeInvalidRequest, "An invalid API request is encountered.", details...)
}

func (s *Simulator) notFound(w http.ResponseWriter, v apiVersion, details ...string) {
	s.writeError(w, v, http.StatusNotFound, codeNotFound, "no entity was found", details...)
}

func (s *Simulator) writeJSON(w http.ResponseWriter, v apiVersion, status int, value any) {
	body, err := json.Marshal(value)
	if err != nil {
		s.writeError(w, v, http.StatusInternalServerError, codeSystemError, "system error occurred", err.Error())
		return
	}
	writeBody(w, mediaType(v), status, body)
}

func writeBody(w http.ResponseWriter, contentType string, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
