package notify

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/panjereh/panjereh/internal/iran"
)

// DefaultSender is the national government short code every message is
// sent from unless an agency's own 4040xxx sub-number is given.
const DefaultSender = "4040"

// Purposes the platform's own messages are sent with. Only a PurposeOTP
// message carries a one-time code; a notice may hold digits too, such as
// a masked mobile number, which are not a code.
const (
	PurposeOTP    = "otp"
	PurposeNotice = "notice"
)

// MaxBodyUnits is the longest body accepted, in UTF-16 code units: ten
// concatenated UCS-2 parts of 67 units each. Operators bill every part,
// and phones reassemble few more reliably.
const MaxBodyUnits = 670

// Message is an SMS to send.
type Message struct {
	// To is an Iranian mobile number in any form iran.NormalizeMobile
	// accepts; it is stored as 09XXXXXXXXX.
	To string
	// Sender is the short code the message comes from: 4040, the default,
	// or a sub-number starting with 4040 assigned to an agency.
	Sender string
	// Body is the text, normally Persian. Each line is normalised with
	// iran.NormalizeText; line breaks are kept.
	Body string
	// Purpose says what the message is for, such as "otp" or "notice": a
	// short lower-case word used in logs, statistics and the development
	// page. Empty means "notice".
	Purpose string
	// ExpiresAt, when set, is the moment after which the message is
	// useless (a one-time code that has expired): one not delivered by
	// then is marked expired and never sent late.
	ExpiresAt time.Time
}

// Status is where a message is in its life.
type Status string

// The states of a message. Queued and sending are pending; the others are
// final.
const (
	StatusQueued  Status = "queued"  // waiting for its next attempt
	StatusSending Status = "sending" // claimed by a dispatcher
	StatusSent    Status = "sent"    // accepted by the operator
	StatusFailed  Status = "failed"  // refused for good, or out of attempts
	StatusExpired Status = "expired" // not delivered before ExpiresAt
)

// ErrInvalid is wrapped by every error about a message that cannot be
// sent as given; errors.As finds the *InvalidError with the details.
var ErrInvalid = errors.New("notify: invalid message")

// InvalidError says which field of a message was rejected and why, in
// English and Persian.
type InvalidError struct {
	Field  string // "to", "sender", "body", "purpose" or "expires_at"
	Code   string // stable machine code, e.g. "length" or "prefix"
	En, Fa string // human reasons
	// Err is the underlying cause, such as the *iran.ValidationError of a
	// malformed mobile number.
	Err error
}

// Error returns the English reason.
func (e *InvalidError) Error() string { return "notify: invalid " + e.Field + ": " + e.En }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the underlying cause.
func (e *InvalidError) Unwrap() error { return e.Err }

// normalize validates m and returns it in stored form: the mobile number
// canonical, the sender and purpose defaulted, the body normalised.
func (m Message) normalize(now time.Time) (Message, error) {
	to, err := iran.NormalizeMobile(m.To)
	if err != nil {
		inv := &InvalidError{Field: "to", Code: "mobile", Err: err,
			En: fmt.Sprintf("%q is not an Iranian mobile number", m.To),
			Fa: "شمارهٔ همراه گیرنده نادرست است."}
		var ve *iran.ValidationError
		if errors.As(err, &ve) {
			inv.Code, inv.En, inv.Fa = ve.Code, ve.En, ve.Fa
		}
		return Message{}, inv
	}
	m.To = to
	if m.Sender, err = normalizeSender(m.Sender); err != nil {
		return Message{}, err
	}
	if m.Body, err = normalizeBody(m.Body); err != nil {
		return Message{}, err
	}
	if m.Purpose, err = normalizePurpose(m.Purpose); err != nil {
		return Message{}, err
	}
	if !m.ExpiresAt.IsZero() && !m.ExpiresAt.After(now) {
		return Message{}, &InvalidError{Field: "expires_at", Code: "past",
			En: "the message has already expired",
			Fa: "مهلت ارسال پیامک پیش از ثبت آن گذشته است."}
	}
	return m, nil
}

func normalizeSender(s string) (string, error) {
	s = strings.TrimSpace(iran.ToASCIIDigits(s))
	if s == "" {
		return DefaultSender, nil
	}
	if len(s) > 12 || !strings.HasPrefix(s, DefaultSender) || strings.Trim(s, "0123456789") != "" {
		return "", &InvalidError{Field: "sender", Code: "sender",
			En: fmt.Sprintf("the sender %q is not 4040 or a 4040 sub-number of at most 12 digits", s),
			Fa: "شمارهٔ فرستنده باید ۴۰۴۰ یا یکی از زیرشماره‌های ۴۰۴۰ (حداکثر ۱۲ رقم) باشد."}
	}
	return s, nil
}

// normalizeBody normalises each line of s as Persian text, keeping the
// line breaks (an OTP message puts the code on its own line) and dropping
// empty lines at the ends.
func normalizeBody(s string) (string, error) {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = iran.NormalizeText(l)
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	body := strings.Join(lines, "\n")
	if body == "" {
		return "", &InvalidError{Field: "body", Code: "empty",
			En: "the message has no text", Fa: "متن پیامک خالی است."}
	}
	if n := utf16Len(body); n > MaxBodyUnits {
		return "", &InvalidError{Field: "body", Code: "length",
			En: fmt.Sprintf("the text is %d characters long; at most %d fit in ten SMS parts", n, MaxBodyUnits),
			Fa: fmt.Sprintf("متن پیامک %s نویسه است؛ بیشینه %s نویسه (ده بخش) است.",
				iran.ToPersianDigits(fmt.Sprint(n)), iran.ToPersianDigits(fmt.Sprint(MaxBodyUnits)))}
	}
	return body, nil
}

// utf16Len counts the UTF-16 code units of s, which is what UCS-2 SMS
// parts are measured in.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func normalizePurpose(p string) (string, error) {
	if p == "" {
		return PurposeNotice, nil
	}
	ok := len(p) <= 32
	for _, c := range p {
		ok = ok && ('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_')
	}
	if !ok {
		return "", &InvalidError{Field: "purpose", Code: "purpose",
			En: fmt.Sprintf("the purpose %q is not a short lower-case word", p),
			Fa: "هدف پیامک باید یک واژهٔ کوتاه لاتین با حروف کوچک باشد."}
	}
	return p, nil
}

// MaskMobile hides the middle of a canonical mobile number for logs:
// 0912***6789.
func MaskMobile(m string) string {
	if len(m) != 11 {
		return "***"
	}
	return m[:4] + "***" + m[7:]
}
