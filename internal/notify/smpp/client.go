package smpp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjereh/panjereh/internal/notify"
)

// Addressing is the type of number (TON) and numbering plan (NPI) of an
// address.
type Addressing struct {
	TON, NPI byte
}

// The addressing the Client uses unless told otherwise: a short code such
// as 4040 is network-specific with an unknown plan; mobile numbers are
// international E.164 (98 and the number without its leading 0).
const (
	ShortCodeTON, ShortCodeNPI         = 0x03, 0x00
	InternationalTON, InternationalNPI = 0x01, 0x01
)

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("smpp: client closed")

// Client is an SMPP 3.4 transmitter: a notify.Provider that submits each
// message to an SMSC in UCS-2, split into concatenated parts when long.
// It binds on first use, keeps the bind alive with enquire_link, and
// binds again on the next Send after the connection is lost or the SMSC
// unbinds. A bind the SMSC refuses for the credentials or the account
// (Status.BindRefused) is logged as an error and not tried again for
// RefusalDelay; meanwhile Send fails with an error wrapping
// notify.ErrUnavailable, so that the dispatcher keeps the messages queued
// with their attempts unspent. Set the fields, then use it from any
// number of goroutines; Close unbinds.
type Client struct {
	// Addr is the SMSC's host:port.
	Addr string
	// SystemID and Password authenticate the bind; SystemType is sent as
	// given (often empty).
	SystemID, Password, SystemType string
	// Source is the addressing of the sender (4040...); zero means
	// ShortCodeTON/ShortCodeNPI. Dest is that of recipients; zero means
	// InternationalTON/InternationalNPI.
	Source, Dest Addressing
	// EnquireLink is how often an idle bind is checked; zero means 30s.
	EnquireLink time.Duration
	// Timeout bounds connecting, binding and waiting for each response;
	// zero means 10s.
	Timeout time.Duration
	// Window is how many submit_sm may await their response at once; zero
	// means 10.
	Window int
	// ReconnectDelay is how long, after a failed connect or bind, Send
	// fails at once instead of trying again; zero means 2s.
	ReconnectDelay time.Duration
	// RefusalDelay replaces ReconnectDelay after the SMSC refused the
	// bind for the credentials or the account: retrying sooner would not
	// cure it, and each retry logs an error; zero means one minute.
	RefusalDelay time.Duration
	// Logger receives connection events; nil discards.
	Logger *slog.Logger
	// Now is the clock for validity periods and for the delays after a
	// failed bind; nil means time.Now.
	Now func() time.Time

	mu       sync.Mutex
	sess     *session
	closed   bool
	failedAt time.Time
	failErr  error
	refused  bool // failErr is a refusal of the bind (Status.BindRefused)
	window   chan struct{}
	ref      atomic.Uint32
}

// Send submits the message and returns the SMSC's message IDs, one per
// part, space-separated. Refusals that resubmitting cannot cure wrap
// notify.ErrPermanent; anything else (connection trouble, throttling, a
// busy SMSC) is transient.
func (c *Client) Send(ctx context.Context, d notify.Delivery) (string, error) {
	parts, err := EncodeUCS2(d.Body, byte(c.ref.Add(1)))
	if err != nil {
		return "", notify.Permanent(err)
	}
	dest := d.To
	if strings.HasPrefix(dest, "0") {
		dest = "98" + dest[1:]
	}
	src, dst := c.Source, c.Dest
	if src == (Addressing{}) {
		src = Addressing{TON: ShortCodeTON, NPI: ShortCodeNPI}
	}
	if dst == (Addressing{}) {
		dst = Addressing{TON: InternationalTON, NPI: InternationalNPI}
	}
	validity := ""
	if !d.ExpiresAt.IsZero() {
		validity = relativeValidity(d.ExpiresAt.Sub(c.now()))
	}
	ids := make([]string, 0, len(parts))
	for _, p := range parts {
		sub := Submit{
			SourceTON: src.TON, SourceNPI: src.NPI, Source: d.Sender,
			DestTON: dst.TON, DestNPI: dst.NPI, Dest: dest,
			ESMClass: p.ESMClass, ValidityPeriod: validity,
			DataCoding: DataCodingUCS2, ShortMessage: p.ShortMessage,
		}
		resp, err := c.submit(ctx, sub)
		if err != nil {
			return "", err
		}
		ids = append(ids, resp.MessageID)
	}
	return strings.Join(ids, " "), nil
}

// submit sends one submit_sm within the window.
func (c *Client) submit(ctx context.Context, sub Submit) (SubmitResp, error) {
	s, err := c.session(ctx)
	if err != nil {
		return SubmitResp{}, err
	}
	win := c.windowChan()
	select {
	case win <- struct{}{}:
		defer func() { <-win }()
	case <-ctx.Done():
		return SubmitResp{}, ctx.Err()
	}
	resp, err := s.request(ctx, SubmitSM, sub.Marshal())
	if err != nil {
		return SubmitResp{}, err
	}
	if resp.Status != StatusOK {
		err := &StatusError{Command: resp.ID, Status: resp.Status}
		if resp.Status.Permanent() {
			return SubmitResp{}, notify.Permanent(err)
		}
		return SubmitResp{}, err
	}
	if resp.ID != SubmitSMResp {
		return SubmitResp{}, fmt.Errorf("smpp: %s answered submit_sm", resp.ID)
	}
	return UnmarshalSubmitResp(resp.Body)
}

// relativeValidity formats a validity period in the relative form of
// §7.1.1, YYMMDDhhmmss000R, rounded up to whole seconds and at least one
// minute, so that the SMSC drops a one-time code it could not deliver in
// time instead of delivering it late.
func relativeValidity(d time.Duration) string {
	secs := int64((max(d, time.Minute) + time.Second - 1) / time.Second)
	days := min(secs/86400, 99)
	secs -= days * 86400
	if days == 99 {
		secs = 0
	}
	return fmt.Sprintf("0000%02d%02d%02d%02d000R", days, secs/3600, secs%3600/60, secs%60)
}

func (c *Client) windowChan() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.window == nil {
		n := c.Window
		if n <= 0 {
			n = 10
		}
		c.window = make(chan struct{}, n)
	}
	return c.window
}

// session returns the live bind, binding anew if there is none. One
// goroutine binds while the others wait for it.
func (c *Client) session(ctx context.Context) (*session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	if c.sess != nil && c.sess.alive() {
		return c.sess, nil
	}
	if c.failErr != nil {
		if wait := c.failDelay() - c.now().Sub(c.failedAt); wait > 0 {
			return nil, c.failure(wait)
		}
	}
	s, err := c.bind(ctx)
	if err != nil {
		var st *StatusError
		c.failedAt, c.failErr = c.now(), err
		c.refused = errors.As(err, &st) && st.Status.BindRefused()
		if c.refused {
			// A configuration error: say so loudly, once per retry of
			// the bind, naming everything but the password.
			c.logger().ErrorContext(ctx, "smpp: the SMSC refused the bind; check the system ID and password the operator issued, or ask the operator; messages stay queued",
				"addr", c.Addr, "system_id", c.SystemID, "status", st.Status.String(), "retry_in", c.failDelay().String())
		} else {
			c.logger().WarnContext(ctx, "smpp: bind failed", "addr", c.Addr, "err", err)
		}
		return nil, c.failure(c.failDelay())
	}
	c.failErr, c.refused = nil, false
	c.sess = s
	c.logger().InfoContext(ctx, "smpp: bound as transmitter", "addr", c.Addr, "system_id", c.SystemID)
	return s, nil
}

// failDelay is how long after the last failed bind the next is tried.
// The caller holds c.mu.
func (c *Client) failDelay() time.Duration {
	if c.refused {
		if c.RefusalDelay > 0 {
			return c.RefusalDelay
		}
		return time.Minute
	}
	if c.ReconnectDelay > 0 {
		return c.ReconnectDelay
	}
	return 2 * time.Second
}

// failure is the error Send returns while the last bind's failure holds,
// for wait more: a refusal makes the provider unavailable until then;
// anything else is transient. The caller holds c.mu.
func (c *Client) failure(wait time.Duration) error {
	if c.refused {
		// The public reason is the SMSC's answer alone; the error names
		// its address and the system ID.
		var st *StatusError
		errors.As(c.failErr, &st)
		return &notify.UnavailableError{Err: c.failErr, RetryAfter: wait, Reason: "bind refused: " + st.Status.String()}
	}
	return c.failErr
}

// bind connects and binds as a transmitter.
func (c *Client) bind(ctx context.Context) (*session, error) {
	timeout := c.timeout()
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var dialer net.Dialer
	conn, err := dialer.DialContext(dctx, "tcp", c.Addr)
	if err != nil {
		return nil, fmt.Errorf("smpp: connect to %s: %w", c.Addr, err)
	}
	s := newSession(conn, timeout, c.logger())
	resp, err := s.request(dctx, BindTransmitter, Bind{
		SystemID: c.SystemID, Password: c.Password, SystemType: c.SystemType, InterfaceVersion: 0x34,
	}.Marshal())
	if err == nil && resp.Status != StatusOK {
		err = &StatusError{Command: resp.ID, Status: resp.Status}
	}
	if err == nil && resp.ID != BindTransmitterResp {
		err = fmt.Errorf("smpp: %s answered bind_transmitter", resp.ID)
	}
	if err != nil {
		s.end(err)
		return nil, fmt.Errorf("smpp: bind to %s as %q: %w", c.Addr, c.SystemID, err)
	}
	interval := c.EnquireLink
	if interval <= 0 {
		interval = 30 * time.Second
	}
	go s.keepAlive(interval)
	return s, nil
}

// Close unbinds and closes the connection. Sends after Close fail with
// ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	s := c.sess
	c.closed, c.sess = true, nil
	c.mu.Unlock()
	if s == nil || !s.alive() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout())
	defer cancel()
	_, err := s.request(ctx, Unbind, nil)
	s.end(ErrClosed)
	return err
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 10 * time.Second
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}
