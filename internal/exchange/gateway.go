package exchange

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// Authenticator tells which member a call's client certificate belongs
// to. Its errors are turned into answers by Gateway.AuthProblem.
type Authenticator interface {
	Member(r *http.Request) (string, error)
}

// MessageLog is where the gateway records every exchange. Append returns
// once the record is durable.
type MessageLog interface {
	Append(ctx context.Context, rec msglog.Record) (msglog.Record, error)
}

// announcer is a MessageLog that batches better when told which records
// are on their way (msglog.Log.Coming).
type announcer interface {
	Coming() (arrived func())
}

func noAnnouncement() {}

// Gateway forwards calls between members: it authenticates the caller,
// checks the right, forwards to the provider, filters the answer to the
// granted data items, and records the exchange durably before the caller
// receives the end of the answer.
type Gateway struct {
	Store *Store
	Auth  Authenticator
	// AuthProblem turns an authentication error into the caller's answer;
	// nil answers 401 with a generic text.
	AuthProblem func(error) *web.Problem
	Log         MessageLog
	// Index, when set, receives every durable record for the "who looked
	// at my data" and monthly-count queries.
	Index *Index
	// Metrics, when set, counts every recorded call; operators and
	// monitors read them at GET /metrics.
	Metrics *Metrics
	// Upstream, when set, makes this a thematic or regional exchange: a
	// call for a service not published here goes on to the national
	// gateway, which decides on it; both gateways record it (B4).
	Upstream *Upstream
	// Partners, on the national gateway, are the gateways of thematic or
	// regional exchanges (by their certificates' members) and the members
	// each may call on behalf of.
	Partners map[string][]string
	// Operators are the members (INSTANCE/CLASS/MEMBER) that may manage
	// members and rights and read the index: the platform's own.
	Operators []string
	// Monitors are members that may read GET /metrics and nothing else an
	// operator may: a metrics scraper's certificate need not be one that
	// can change the exchange's registry.
	Monitors []string
	// Transport reaches providers; it carries the gateway's client
	// certificate for providers that require mTLS.
	Transport http.RoundTripper
	Logger    *slog.Logger
	Now       func() time.Time
	// Limiter bounds each caller's request rate; nil means no limit.
	Limiter *Limiter
	// MaxRequestBytes bounds request bodies (default 10 MiB).
	MaxRequestBytes int64
	// MaxFilteredBytes bounds answers that must be filtered, which are
	// held in memory (default 16 MiB).
	MaxFilteredBytes int64
	// Timeout bounds a provider's answer (default 30 s).
	Timeout time.Duration
	// CacheTTL, when positive, keeps service and right lookups that long:
	// a change made outside this gateway's API takes effect within it.
	CacheTTL time.Duration

	cacheOnce sync.Once
	cache     *lookups
	targets   targets
}

// lookups returns the lookup cache, or nil when caching is off.
func (g *Gateway) lookups() *lookups {
	g.cacheOnce.Do(func() {
		if g.CacheTTL > 0 {
			g.cache = &lookups{ttl: g.CacheTTL}
		}
	})
	return g.cache
}

// service returns the service id; now is the time of the call, against
// which cached lookups expire.
func (g *Gateway) service(ctx context.Context, id ServiceID, now time.Time) (Service, error) {
	if l := g.lookups(); l != nil {
		return l.service(ctx, g.Store, id, now)
	}
	return g.Store.Service(ctx, id)
}

// right returns client's right on id and the items it grants as a tree
// for the filter (nil when it grants everything).
func (g *Gateway) right(ctx context.Context, client Subsystem, id ServiceID, now time.Time) (Right, tree, error) {
	if l := g.lookups(); l != nil {
		return l.right(ctx, g.Store, client, id, now)
	}
	r, err := g.Store.Right(ctx, client, id)
	return r, r.Items.grant(), err
}

// Upstream is the national gateway a thematic or regional exchange hands
// calls on to.
type Upstream struct {
	// URL is the national gateway's base URL.
	URL string
	// Transport carries this gateway's own member certificate.
	Transport http.RoundTripper
}

// authProblem is the answer to a caller whose certificate was refused.
func (g *Gateway) authProblem(err error) *web.Problem {
	if g.AuthProblem != nil {
		return g.AuthProblem(err)
	}
	return web.NewProblem(http.StatusUnauthorized, "certificate",
		"A valid client certificate issued by the exchange is required.",
		"گواهی کلاینت معتبر صادرشده از سوی مرکز تبادل لازم است.")
}

// normalizeSubject accepts a data subject: a national code, a legal ID
// or a foreign national's FIDA. A value that is none gets the national
// code's reason.
func normalizeSubject(v string) (string, error) {
	code, err := normalizePerson(v)
	if err == nil {
		return code, nil
	}
	if id, lerr := iran.NormalizeLegalID(v); lerr == nil {
		return id, nil
	}
	return "", err
}

// normalizePerson accepts an end user: a national code, or the FIDA of a
// foreign national. A value that is neither gets the national code's
// reason.
func normalizePerson(v string) (string, error) {
	code, err := iran.NormalizeNationalCode(v)
	if err == nil {
		return code, nil
	}
	if fida, ferr := iran.NormalizeFIDA(v); ferr == nil {
		return fida, nil
	}
	return "", err
}

// forget clears the lookup cache after a change through the API.
func (g *Gateway) forget() {
	if l := g.lookups(); l != nil {
		l.clear()
	}
}

func (g *Gateway) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *Gateway) logger() *slog.Logger {
	if g.Logger != nil {
		return g.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// call is what the gateway learns about one exchange as it goes.
type call struct {
	rec      msglog.Record
	upstream bool   // the call goes on to the national gateway
	member   string // of the certificate, once authenticated
	start    time.Time
	service  Service
	right    Right
	grant    tree // right.Items as a tree; nil grants everything
	// arrived ends the call's announcement to the message log (Coming):
	// every call is recorded once, refused or not.
	arrived func()
}

// forward serves /r1/{instance}/{class}/{member}/{subsystem}/{service}/{path...}.
func (g *Gateway) forward(w http.ResponseWriter, r *http.Request) {
	c := &call{start: g.now(), arrived: noAnnouncement}
	if a, ok := g.Log.(announcer); ok {
		c.arrived = a.Coming()
	}
	defer c.arrived()
	c.rec.MessageID = newMessageID()
	c.rec.Client = r.Header.Get(nix.HeaderClient)
	c.rec.TrackingCode = r.Header.Get(nix.HeaderTrackingCode)
	c.rec.Service = strings.Join([]string{r.PathValue("instance"), r.PathValue("class"), r.PathValue("member"),
		r.PathValue("subsystem"), r.PathValue("service")}, "/")

	p := g.admit(r, c)
	w.Header().Set(nix.HeaderMessageID, c.rec.MessageID)
	if p != nil {
		g.refuse(w, r, c, p)
		return
	}
	g.proxy(w, r, c)
}

// admit runs every check before the provider is called and returns the
// problem to answer with, or nil to go on. The rate limit and the cached
// lookups take the call's start as the time: the clock is read once.
func (g *Gateway) admit(r *http.Request, c *call) *web.Problem {
	member, err := g.Auth.Member(r)
	c.member = member
	if err != nil {
		return g.authProblem(err)
	}
	if id := r.Header.Get(nix.HeaderMessageID); len(id) == 32 && printable(id, 32) && len(g.Partners[member]) > 0 {
		// A partner exchange already named the call: both logs share it.
		c.rec.MessageID = id
	}
	client, p := g.claimedClient(member, c.rec.Client)
	if p != nil {
		return p
	}
	if g.Limiter != nil {
		// c.rec.Client is client.String(), which it parsed to.
		if wait, ok := g.Limiter.Allow(c.rec.Client, c.start); !ok {
			p := web.NewProblem(http.StatusTooManyRequests, "rate-limited",
				"Too many calls from this subsystem; try again after the time in Retry-After.",
				"تعداد فراخوانی‌های این زیرسامانه بیش از حد مجاز است؛ پس از زمان اعلام‌شده در Retry-After دوباره تلاش کنید.")
			p.RetryAfter = wait
			return p
		}
	}
	svcID, err := nix.ParseService(c.rec.Service)
	if err != nil {
		return badHeader("service address", err)
	}
	if p := g.checkPeople(r, c); p != nil {
		return p
	}
	c.service, err = g.service(r.Context(), svcID, c.start)
	if errors.Is(err, sqldb.ErrNotFound) && g.Upstream != nil {
		c.upstream = true
		return nil
	}
	if errors.Is(err, sqldb.ErrNotFound) {
		return web.NewProblem(http.StatusNotFound, "unknown-service",
			"No service "+svcID.String()+" is published on the exchange.",
			"سرویس "+svcID.String()+" در مرکز تبادل منتشر نشده است.")
	}
	if err != nil {
		return g.internal(r, err)
	}
	c.right, c.grant, err = g.right(r.Context(), client, svcID, c.start)
	if errors.Is(err, sqldb.ErrNotFound) {
		return web.NewProblem(http.StatusForbidden, "no-right",
			client.String()+" holds no access right to "+svcID.String()+".",
			client.String()+" مجوز دسترسی به "+svcID.String()+" را ندارد.")
	}
	if err != nil {
		return g.internal(r, err)
	}
	return nil
}

// claimedClient parses the client a call names and checks that the
// certificate's member may call as it: its own subsystem, or, for a
// partner exchange's gateway, a subsystem of a member it speaks for.
func (g *Gateway) claimedClient(member, claimed string) (Subsystem, *web.Problem) {
	client, err := nix.ParseSubsystem(claimed)
	if err != nil {
		return Subsystem{}, badHeader(nix.HeaderClient, err)
	}
	// claimed is client.String() exactly, so its member is the part
	// before the last '/'.
	clientMember := claimed[:strings.LastIndexByte(claimed, '/')]
	if clientMember != member && !slices.Contains(g.Partners[member], clientMember) {
		return Subsystem{}, web.NewProblem(http.StatusForbidden, "wrong-member",
			fmt.Sprintf("The certificate belongs to %s, not to the member of %s.", member, client),
			fmt.Sprintf("گواهی متعلق به %s است، نه عضو صاحب %s.", member, client))
	}
	return client, nil
}

// checkPeople validates the end user, assurance level and data subject.
func (g *Gateway) checkPeople(r *http.Request, c *call) *web.Problem {
	if v := r.Header.Get(nix.HeaderUser); v != "" {
		code, err := normalizePerson(v)
		if err != nil {
			return badHeader(nix.HeaderUser, err)
		}
		c.rec.EndUser = code
	}
	switch v := r.Header.Get(nix.HeaderAssurance); v {
	case "":
	case "loa1", "loa2", "loa3":
		c.rec.AssuranceLevel = v
	default:
		return badHeader(nix.HeaderAssurance, errors.New("the assurance level must be loa1, loa2 or loa3"))
	}
	if v := c.rec.TrackingCode; v != "" && !printable(v, 64) {
		return badHeader(nix.HeaderTrackingCode, errors.New("the tracking code must be at most 64 printable characters"))
	}
	if v := r.Header.Get(nix.HeaderSubject); v != "" {
		code, err := normalizeSubject(v)
		if err != nil {
			return badHeader(nix.HeaderSubject, err)
		}
		c.rec.Subject = code
	}
	return nil
}

// badHeader answers 400 naming the header and why it was refused.
func badHeader(name string, err error) *web.Problem {
	en, fa := err.Error(), "مقدار نامعتبر است."
	var ve *iran.ValidationError
	var ie *IDError
	switch {
	case errors.As(err, &ve):
		en, fa = ve.En, ve.Fa
	case errors.As(err, &ie):
		en, fa = ie.En, ie.Fa
	}
	p := web.NewProblem(http.StatusBadRequest, "bad-header", name+": "+en, name+": "+fa)
	p.Errors = []web.FieldError{{Field: name, Code: "invalid", Detail: en, DetailFa: fa}}
	return p
}

func (g *Gateway) internal(r *http.Request, err error) *web.Problem {
	g.logger().ErrorContext(r.Context(), "exchange: internal error", "err", err)
	return web.NewProblem(http.StatusInternalServerError, "internal",
		"The exchange could not complete the call; quote the message ID to support.",
		"مرکز تبادل نتوانست فراخوانی را انجام دهد؛ شناسهٔ پیام را به پشتیبانی اعلام کنید.")
}

// refuse records a refused call and answers with p. What the caller sent
// is recorded as far as it can be: a malformed client or tracking code is
// replaced by what the gateway knows.
func (g *Gateway) refuse(w http.ResponseWriter, r *http.Request, c *call, p *web.Problem) {
	c.rec.Status = p.Status
	if _, err := nix.ParseSubsystem(c.rec.Client); err != nil {
		c.rec.Client = "unidentified"
		if c.member != "" {
			c.rec.Client = c.member + "/unidentified"
		}
	}
	if !printable(c.rec.Service, 300) {
		c.rec.Service = "unidentified"
	}
	if !printable(c.rec.TrackingCode, 64) {
		c.rec.TrackingCode = ""
	}
	if err := g.record(r.Context(), c); err != nil {
		p = g.internal(r, err)
	}
	g.logger().WarnContext(r.Context(), "exchange: call refused", "client", c.rec.Client, "service", c.rec.Service,
		"status", p.Status, "code", p.Code, "message_id", c.rec.MessageID)
	web.WriteProblem(w, r, p)
}

// record appends the exchange to the message log.
func (g *Gateway) record(ctx context.Context, c *call) error {
	c.rec.Time = c.start.UTC()
	c.rec.Duration = g.now().Sub(c.start)
	c.arrived()
	stored, err := g.Log.Append(context.WithoutCancel(ctx), c.rec)
	if err == nil && g.Index != nil {
		g.Index.Add(stored)
	}
	if err == nil && g.Metrics != nil {
		g.Metrics.observe(stored)
	}
	return err
}

// printable reports whether s is valid UTF-8 of at most max bytes with
// no control characters.
func printable(s string, max int) bool {
	if len(s) > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hexString(b[:])
}

// hexString is hex.EncodeToString for at most 32 bytes, in one allocation
// rather than two.
func hexString(b []byte) string {
	var buf [64]byte
	return string(buf[:hex.Encode(buf[:], b)])
}

// isTimeout reports whether err is a provider's timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// hashingReader hashes and counts what is read through it. One reader at
// a time reads through it; its hash and count may be read (sum) at any
// time, also while a read is under way.
type hashingReader struct {
	r    io.Reader
	mu   sync.Mutex // guards h and n
	h    hash.Hash
	n    int64
	over atomic.Bool // the reader hit its size limit
}

func newHashingReader(r io.Reader) *hashingReader { return &hashingReader{r: r, h: sha256.New()} }

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.mu.Lock()
	h.h.Write(p[:n])
	h.n += int64(n)
	h.mu.Unlock()
	if mbe := (*http.MaxBytesError)(nil); err != nil && errors.As(err, &mbe) {
		h.over.Store(true)
	}
	return n, err
}

// sum is the hash and the size of what has been read so far.
func (h *hashingReader) sum() (out [32]byte, n int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	copy(out[:], h.h.Sum(nil))
	return out, h.n
}

// sentBody is a request body handed to a transport, which closes it once
// it has done with it: written it all, or given up.
type sentBody struct {
	io.Reader
	once sync.Once
	done chan struct{}
}

func newSentBody(r io.Reader) *sentBody { return &sentBody{Reader: r, done: make(chan struct{})} }

func (b *sentBody) Close() error {
	b.once.Do(func() { close(b.done) })
	return nil
}

// targets keeps providers' parsed URLs: a target URL is parsed once, not
// on every call.
type targets struct {
	mu   sync.Mutex
	urls map[string]*url.URL
}

// maxTargets bounds the URLs kept; past it the cache starts afresh.
const maxTargets = 10000

// parse returns a copy of raw parsed, with an empty port removed from the
// host as http.NewRequest does, for the caller to change.
func (t *targets) parse(raw string) (*url.URL, error) {
	t.mu.Lock()
	u, ok := t.urls[raw]
	t.mu.Unlock()
	if !ok {
		var err error
		if u, err = url.Parse(raw); err != nil {
			return nil, err
		}
		u.Host = strings.TrimSuffix(u.Host, ":")
		t.mu.Lock()
		if t.urls == nil || len(t.urls) >= maxTargets {
			t.urls = map[string]*url.URL{}
		}
		t.urls[raw] = u
		t.mu.Unlock()
	}
	c := *u
	return &c, nil
}

// target builds the provider's URL for the rest of the path and query.
func (t *targets) target(svc Service, rest, rawQuery string) (*url.URL, error) {
	u, err := t.parse(svc.TargetURL)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		u.Path = strings.TrimRight(u.Path, "/") + "/" + rest
	}
	if rawQuery != "" {
		if u.RawQuery != "" {
			u.RawQuery += "&" + rawQuery
		} else {
			u.RawQuery = rawQuery
		}
	}
	return u, nil
}
