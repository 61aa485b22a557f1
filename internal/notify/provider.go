package notify

import (
	"context"
	"errors"
	"time"
)

// Delivery is one attempt to hand a stored message to a provider.
type Delivery struct {
	ID        string // the outbox's ID of the message
	Attempt   int    // 1 for the first attempt
	To        string // 09XXXXXXXXX
	Sender    string // 4040 or 4040xxx
	Body      string
	Purpose   string
	ExpiresAt time.Time // zero when the message does not expire
}

// Provider hands messages to an SMS operator. Send returns the operator's
// reference for the message (several, space-separated, for a message sent
// in parts). An error is taken as transient, and the message retried
// later, unless it wraps ErrPermanent (the message is refused for good)
// or ErrUnavailable (the provider can send nothing until it is fixed; the
// message waits without spending its attempts). Send is called from
// several goroutines at once.
type Provider interface {
	Send(ctx context.Context, d Delivery) (ref string, err error)
}

// ErrPermanent marks a provider error that retrying cannot cure, such as
// a destination the operator refuses.
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds.
func Permanent(err error) error {
	if err == nil || errors.Is(err, ErrPermanent) {
		return err
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string        { return e.err.Error() }
func (e *permanentError) Unwrap() error        { return e.err }
func (e *permanentError) Is(target error) bool { return target == ErrPermanent }

// ProviderFunc lets a function be a Provider.
type ProviderFunc func(ctx context.Context, d Delivery) (string, error)

// Send calls f.
func (f ProviderFunc) Send(ctx context.Context, d Delivery) (string, error) { return f(ctx, d) }

// ErrUnavailable marks a provider error that says nothing about the
// message: the provider can send no message at all until something is
// fixed outside Panjereh's control, such as an operator refusing the
// credentials Panjereh binds with. The dispatcher keeps such messages
// queued without spending their attempts — a one-time code still expires
// at its own expiry — and tries them again after the error's RetryAfter.
// A provider returning it reports the trouble itself (an SMPP client logs
// an error once per retry of the bind), so the dispatcher does not log it
// once per message.
var ErrUnavailable = errors.New("provider unavailable")

// Unavailable wraps err so that errors.Is(err, ErrUnavailable) holds and
// errors.As finds an *UnavailableError saying when to try again.
func Unavailable(err error, retryAfter time.Duration) error {
	if err == nil {
		return nil
	}
	return &UnavailableError{Err: err, RetryAfter: retryAfter}
}

// UnavailableError is a provider error wrapping ErrUnavailable.
type UnavailableError struct {
	Err error
	// RetryAfter is how long from now the provider will try again;
	// zero means one minute.
	RetryAfter time.Duration
	// Reason is the cause as it may be shown to whoever asks the
	// window's /healthz: without the provider's address or account,
	// which Err may name. Empty says nothing beyond "unavailable".
	Reason string
}

func (e *UnavailableError) Error() string        { return e.Err.Error() }
func (e *UnavailableError) Unwrap() error        { return e.Err }
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }
