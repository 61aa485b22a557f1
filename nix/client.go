package nix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client calls services through one gateway as one subsystem.
type Client struct {
	// Gateway is the gateway's base URL, e.g. https://127.0.0.1:8443.
	Gateway string
	// Subsystem is the calling subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM.
	Subsystem string
	// HTTP carries the member certificate; New sets it up.
	HTTP *http.Client
}

// New returns a Client using the member certificate in certDir
// (member.crt, member.key and the platform's ca.crt, as `panjereh ca
// issue` writes them).
func New(gateway, subsystem, certDir string) (*Client, error) {
	if _, err := ParseSubsystem(subsystem); err != nil {
		return nil, err
	}
	tlsCfg, err := LoadTLS(certDir)
	if err != nil {
		return nil, err // it names the package already
	}
	tr := &http.Transport{TLSClientConfig: tlsCfg, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true}
	return &Client{Gateway: strings.TrimRight(gateway, "/"), Subsystem: subsystem, HTTP: &http.Client{Transport: tr, Timeout: 60 * time.Second}}, nil
}

// Call is one call of a service.
type Call struct {
	// Service is INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE.
	Service string
	// Method defaults to GET, or POST when Body is set.
	Method string
	// Path is appended to the service address, e.g. "persons/0012345679".
	Path string
	// Body is sent as JSON when it is not an io.Reader.
	Body any
	// User is the national code of the person on whose behalf the call is
	// made; Assurance is their assurance level (loa1..loa3).
	User, Assurance string
	// Subject is the national code or legal ID whose data is asked for.
	Subject string
	// TrackingCode ties the call to the request it serves (B6).
	TrackingCode string
	// RequestID, when set, is sent as X-Request-Id: the gateway's log
	// lines about the call carry it, as the caller's about the request it
	// serves do, so that one support search finds both.
	RequestID string
}

// Response is a provider's answer as the gateway relayed it.
type Response struct {
	Status      int
	Header      http.Header
	Body        []byte
	MessageID   string
	RequestHash string
}

// Do makes the call. An answer the gateway refused, or a provider's error
// status, comes back as an *Error.
func (c *Client) Do(ctx context.Context, call Call) (*Response, error) {
	if _, err := ParseService(call.Service); err != nil {
		return nil, err
	}
	var body io.Reader
	switch b := call.Body.(type) {
	case nil:
	case io.Reader:
		body = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("nix: encode body: %w", err)
		}
		body = bytes.NewReader(js)
	}
	method := call.Method
	if method == "" {
		method = http.MethodGet
		if body != nil {
			method = http.MethodPost
		}
	}
	u := c.Gateway + "/r1/" + call.Service
	if call.Path != "" {
		u += "/" + strings.TrimLeft(call.Path, "/")
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("nix: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set(HeaderClient, c.Subsystem)
	for k, v := range map[string]string{HeaderUser: call.User, HeaderAssurance: call.Assurance,
		HeaderSubject: call.Subject, HeaderTrackingCode: call.TrackingCode, "X-Request-Id": call.RequestID} {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("nix: call %s: %w", call.Service, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("nix: read answer of %s: %w", call.Service, err)
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: data,
		MessageID: resp.Header.Get(HeaderMessageID), RequestHash: resp.Header.Get(HeaderRequestHash)}
	if resp.StatusCode >= 400 {
		return out, newError(out)
	}
	return out, nil
}

// JSON makes the call and decodes a successful answer into v.
func (c *Client) JSON(ctx context.Context, call Call, v any) (*Response, error) {
	resp, err := c.Do(ctx, call)
	if err != nil {
		return resp, err
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return resp, fmt.Errorf("nix: decode answer of %s: %w", call.Service, err)
	}
	return resp, nil
}

// Error is a refused or failed call, with the gateway's or the provider's
// reasons in English and Persian.
type Error struct {
	Status    int
	Code      string
	Detail    string
	DetailFa  string
	MessageID string
}

func (e *Error) Error() string {
	return fmt.Sprintf("nix: %d %s: %s (message %s)", e.Status, e.Code, e.Detail, e.MessageID)
}

// Sentinel errors to test with errors.Is.
var (
	ErrUnauthenticated = errors.New("the gateway did not accept the certificate")
	ErrForbidden       = errors.New("no access right, or the certificate belongs to another member")
	ErrNotFound        = errors.New("no such service or resource")
	ErrBadRequest      = errors.New("the call was malformed")
	ErrRateLimited     = errors.New("too many calls")
	ErrProvider        = errors.New("the provider failed or did not answer in time")
)

// Is maps the status to the sentinel errors.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthenticated:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest || e.Status == http.StatusRequestEntityTooLarge
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrProvider:
		return e.Status == http.StatusBadGateway || e.Status == http.StatusGatewayTimeout
	}
	return false
}

func newError(r *Response) *Error {
	e := &Error{Status: r.Status, MessageID: r.MessageID}
	var p struct {
		Code     string `json:"code"`
		Detail   string `json:"detail"`
		DetailFa string `json:"detail_fa"`
		Title    string `json:"title"`
	}
	if json.Unmarshal(r.Body, &p) == nil {
		e.Code, e.Detail, e.DetailFa = p.Code, p.Detail, p.DetailFa
		if e.Detail == "" {
			e.Detail = p.Title
		}
	}
	if e.Detail == "" {
		e.Detail = http.StatusText(r.Status)
	}
	return e
}
