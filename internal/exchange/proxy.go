package exchange

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// hopHeaders are connection-level headers a proxy must not pass on.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Connection"}

// callerHeaders are the exchange headers the gateway sets itself on the
// provider's request, from what it checked, in canonical form.
var callerHeaders = [...]string{nix.HeaderClient, nix.HeaderUser, nix.HeaderAssurance, nix.HeaderSubject, nix.HeaderTrackingCode, nix.HeaderMessageID, nix.HeaderService}

func (g *Gateway) maxRequest() int64 {
	if g.MaxRequestBytes > 0 {
		return g.MaxRequestBytes
	}
	return 10 << 20
}

func (g *Gateway) maxFiltered() int64 {
	if g.MaxFilteredBytes > 0 {
		return g.MaxFilteredBytes
	}
	return 16 << 20
}

func (g *Gateway) timeout() time.Duration {
	if g.Timeout > 0 {
		return g.Timeout
	}
	return 30 * time.Second
}

// defaultTransport reaches providers when Gateway.Transport is not set,
// keeping enough idle connections per provider for a busy gateway.
var defaultTransport = &http.Transport{
	Proxy:                 nil,
	MaxIdleConns:          1024,
	MaxIdleConnsPerHost:   256,
	IdleConnTimeout:       90 * time.Second,
	ResponseHeaderTimeout: 60 * time.Second,
	ForceAttemptHTTP2:     true,
}

func (g *Gateway) transport() http.RoundTripper {
	if g.Transport != nil {
		return g.Transport
	}
	return defaultTransport
}

// streamBuffers are the relay buffers of streamed answers.
var streamBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// proxy calls the provider and relays its answer.
func (g *Gateway) proxy(w http.ResponseWriter, r *http.Request, c *call) {
	ctx, cancel := context.WithTimeout(r.Context(), g.timeout())
	defer cancel()
	svc, transport := c.service, g.transport()
	if c.upstream {
		svc = Service{TargetURL: strings.TrimRight(g.Upstream.URL, "/") + "/r1/" + c.rec.Service}
		if g.Upstream.Transport != nil {
			transport = g.Upstream.Transport
		}
	}
	u, err := g.targets.target(svc, r.PathValue("path"), r.URL.RawQuery)
	if err != nil {
		g.refuse(w, r, c, g.internal(r, err))
		return
	}
	if r.ContentLength > g.maxRequest() {
		// Announced too large: refused before the provider is called.
		g.refuse(w, r, c, tooLarge(g.maxRequest()))
		return
	}
	body := newHashingReader(http.MaxBytesReader(w, r.Body, g.maxRequest()))
	sent := newSentBody(body)
	// The request is built as http.NewRequestWithContext would, without
	// printing the URL only to parse it again; the method is the
	// caller's, which the server has checked.
	out := (&http.Request{
		Method:        r.Method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        make(http.Header, len(r.Header)+len(callerHeaders)),
		Body:          sent,
		ContentLength: r.ContentLength,
		Host:          u.Host,
	}).WithContext(ctx)
	if r.ContentLength == 0 {
		out.Body = http.NoBody
		sent.Close()
	}
	copyHeaders(out.Header, r.Header)
	// The exchange headers are the gateway's word, not the caller's.
	mine := [...]string{c.rec.Client, c.rec.EndUser, c.rec.AssuranceLevel, c.rec.Subject,
		c.rec.TrackingCode, c.rec.MessageID, c.rec.Service}
	own := make([]string, len(mine))
	for i, h := range callerHeaders {
		delete(out.Header, h)
		if mine[i] != "" {
			own[i] = mine[i]
			out.Header[h] = own[i : i+1 : i+1]
		}
	}

	resp, err := transport.RoundTrip(out)
	// The transport may still be sending the request's body when it has
	// the answer (the provider answered before reading it all), and closes
	// the body once it has done with it; the gateway reads the body only
	// after that, or not at all if the call's time runs out first.
	sentAll := false
	select {
	case <-sent.done:
		sentAll = true
	case <-ctx.Done():
	}
	if err != nil {
		c.rec.RequestHash, c.rec.RequestBytes = body.sum()
		if body.over.Load() {
			// The body outgrew the limit while it streamed to the provider.
			g.refuse(w, r, c, tooLarge(g.maxRequest()))
			return
		}
		g.refuse(w, r, c, g.providerProblem(r, c, err))
		return
	}
	defer resp.Body.Close()
	// The provider may answer before reading the whole request; the hash
	// and size in the record are of everything the caller sent.
	if sentAll {
		if _, err := io.Copy(io.Discard, body); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				c.rec.RequestHash, c.rec.RequestBytes = body.sum()
				g.refuse(w, r, c, tooLarge(g.maxRequest()))
				return
			}
		}
	}
	c.rec.RequestHash, c.rec.RequestBytes = body.sum()
	c.rec.Status = resp.StatusCode
	w.Header().Set(nix.HeaderRequestHash, hexString(c.rec.RequestHash[:]))
	copyHeaders(w.Header(), resp.Header)

	if !c.right.Items.All() && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		g.relayFiltered(w, r, c, resp)
		return
	}
	g.relayStream(w, r, c, resp)
}

// providerProblem answers a provider that could not be reached or did not
// answer in time.
func (g *Gateway) providerProblem(r *http.Request, c *call, err error) *web.Problem {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(g.maxRequest())
	}
	g.logger().WarnContext(r.Context(), "exchange: provider failed", "service", c.rec.Service, "err", err, "message_id", c.rec.MessageID)
	if isTimeout(err) {
		return web.NewProblem(http.StatusGatewayTimeout, "provider-timeout",
			"The provider of "+c.rec.Service+" did not answer in time.",
			"ارائه‌دهندهٔ سرویس "+c.rec.Service+" به‌موقع پاسخ نداد.")
	}
	return web.NewProblem(http.StatusBadGateway, "provider-unreachable",
		"The provider of "+c.rec.Service+" could not be reached.",
		"ارائه‌دهندهٔ سرویس "+c.rec.Service+" در دسترس نیست.")
}

func tooLarge(limit int64) *web.Problem {
	return web.NewProblem(http.StatusRequestEntityTooLarge, "too-large",
		"The request body is larger than "+strconv.FormatInt(limit, 10)+" bytes.",
		"حجم بدنهٔ درخواست از "+strconv.FormatInt(limit, 10)+" بایت بیشتر است.")
}

// relayFiltered holds the answer in memory, removes the items the right
// does not grant, records the exchange and then answers.
func (g *Gateway) relayFiltered(w http.ResponseWriter, r *http.Request, c *call, resp *http.Response) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, g.maxFiltered()+1))
	if err == nil && int64(len(data)) > g.maxFiltered() {
		err = errors.New("the answer is too large to filter")
	}
	if err == nil {
		if mt := mediaType(resp.Header.Get("Content-Type")); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			err = errors.New("the answer is " + mt + ", not JSON")
		}
	}
	if err == nil {
		data, err = filterJSON(data, c.grant)
	}
	if err != nil {
		g.logger().WarnContext(r.Context(), "exchange: answer cannot be filtered", "service", c.rec.Service, "err", err)
		clearHeaders(w.Header())
		g.refuse(w, r, c, web.NewProblem(http.StatusBadGateway, "unfilterable",
			"The provider's answer cannot be limited to the data items granted: "+err.Error()+".",
			"پاسخ ارائه‌دهنده را نمی‌توان به اقلام دادهٔ مجاز محدود کرد."))
		return
	}
	c.rec.ResponseHash, c.rec.ResponseBytes = sha256.Sum256(data), int64(len(data))
	if err := g.record(r.Context(), c); err != nil {
		clearHeaders(w.Header())
		web.WriteProblem(w, r, g.internal(r, err))
		return
	}
	w.Header().Del("Content-Encoding")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(data)
}

// mediaType returns the media type of a Content-Type value as
// mime.ParseMediaType does, without parsing the common JSON values.
func mediaType(ct string) string {
	switch ct {
	case "application/json", "application/json; charset=utf-8":
		return "application/json"
	}
	mt, _, _ := mime.ParseMediaType(ct)
	return mt
}

// relayStream passes the answer through as it comes, without holding it
// all, but keeps back its last piece until the exchange is recorded: a
// caller never receives a complete answer whose record could be lost.
func (g *Gateway) relayStream(w http.ResponseWriter, r *http.Request, c *call, resp *http.Response) {
	w.WriteHeader(resp.StatusCode)
	h := sha256.New()
	var n int64
	bufp, heldp := streamBuffers.Get().(*[]byte), streamBuffers.Get().(*[]byte)
	defer streamBuffers.Put(bufp)
	defer streamBuffers.Put(heldp)
	buf, held := *bufp, (*heldp)[:0]
	for {
		k, err := io.ReadFull(resp.Body, buf)
		if k > 0 {
			h.Write(buf[:k])
			n += int64(k)
			if len(held) > 0 {
				if _, werr := w.Write(held); werr != nil {
					err = werr
				}
			}
			held = append(held[:0], buf[:k]...)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			// The provider or the caller broke off mid-answer: record
			// what happened and cut the caller's connection so that the
			// truncated answer cannot pass for a whole one.
			c.rec.Status = http.StatusBadGateway
			copy(c.rec.ResponseHash[:], h.Sum(nil))
			c.rec.ResponseBytes = n
			_ = g.record(r.Context(), c)
			g.logger().WarnContext(r.Context(), "exchange: answer broken off", "service", c.rec.Service, "err", err)
			panic(http.ErrAbortHandler)
		}
	}
	copy(c.rec.ResponseHash[:], h.Sum(nil))
	c.rec.ResponseBytes = n
	if err := g.record(r.Context(), c); err != nil {
		g.logger().ErrorContext(r.Context(), "exchange: message log", "err", err, "message_id", c.rec.MessageID)
		panic(http.ErrAbortHandler)
	}
	_, _ = w.Write(held)
}

// copyHeaders copies src onto dst, less the hop-by-hop headers. Every
// value is copied into one new array, each header a slice of it that
// cannot grow into the next, instead of an array per header.
func copyHeaders(dst, src http.Header) {
	n := 0
	for _, vs := range src {
		n += len(vs)
	}
	all := make([]string, 0, n)
	for k, vs := range src {
		if len(vs) == 0 {
			dst[k] = nil
			continue
		}
		i := len(all)
		all = append(all, vs...)
		dst[k] = all[i:len(all):len(all)]
	}
	for _, h := range hopHeaders {
		delete(dst, h)
	}
}

// clearHeaders removes the provider's headers copied onto a response that
// will carry the gateway's own problem instead.
func clearHeaders(h http.Header) {
	keep := map[string]bool{nix.HeaderMessageID: true, nix.HeaderRequestHash: true}
	for k := range h {
		if !keep[k] {
			delete(h, k)
		}
	}
}
