// Package nbuapi is a client of the NetBackup REST API
// (https://<primary>:1556/netbackup), written for monitoring: read-only
// calls, every one through one request path.
//
// A Client talks to one primary server. It negotiates the API version
// (Ping reads the server's X-NetBackup-API-Version header, else it probes),
// authenticates with an API key or a user name and password (a session
// token, renewed before it expires), retries network errors, 429, 500,
// 502, 503 and 504 with exponential backoff and Retry-After, keeps TLS 1.2 at least and a
// pooled transport, and turns NetBackup's error envelope into an *Error.
// Stats counts the requests of any scope the caller marks with WithStats.
//
// The clients of many servers share one Budget: a bound on the requests in
// flight, divided fairly among the servers gathering, each slot with a body
// buffer reused from request to request. An attempt's timeout starts when
// it has its slot; a successful answer is read and decoded within the
// attempt, from the slot's buffer, so that the memory of answers is the
// budget times one page, however many servers and collectors there are.
//
// Collections are read page by page with a Pager (or item by item with
// Items), in the paging style of the endpoint (CursorPaging or
// OffsetPaging). A page is decoded in one pass by the jsonscan scanner,
// item by item: an item that cannot be read (a text attribute holding an
// object) is left out and reported through WithSkippedItems, never its
// page. Attributes decode tolerantly with the scalar types Int, Float,
// Bool, Time and Duration (a value a server sends in an unexpected form is
// left unset), and every text attribute accepts numbers and booleans as
// text (ReadText, ScanText). An attribute type may decode itself from the
// scanner (ScanDecoder), as the jobs do; the others are decoded with
// encoding/json/v2 semantics.
//
// The package knows nothing of Telegraf's metrics: it returns typed items.
package nbuapi
