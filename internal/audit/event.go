package audit

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind names what happened. Kinds are lowercase words joined by hyphens or
// dots ("login-failed", "oidc.client.update"); the constants below are the
// ones the platform records today, and a feature may record a new kind
// without changing this package.
type Kind string

// The kinds of security event the platform records (K3).
const (
	KindRegistration        Kind = "registration"
	KindRegistrationRefused Kind = "registration-refused"
	KindLogin               Kind = "login"
	KindLoginFailed         Kind = "login-failed"
	KindOTPSent             Kind = "otp-sent"
	KindOTPFailed           Kind = "otp-failed"
	KindConsentGranted      Kind = "consent-granted"
	KindConsentRevoked      Kind = "consent-revoked"
	KindLogout              Kind = "logout"
	KindSessionEnded        Kind = "session-ended"
	KindMobileChanged       Kind = "mobile-changed"
	KindMobileRefused       Kind = "mobile-change-refused"
	KindNotEntitled         Kind = "account-not-entitled"
	KindClientCreated       Kind = "client-created"
	KindClientChanged       Kind = "client-changed"
	KindClientDeleted       Kind = "client-deleted"
)

// Title returns the kind as a person reads it on their account page, in
// Persian and in English. An unknown kind is returned as it is in both.
func (k Kind) Title() (fa, en string) {
	switch k {
	case KindRegistration:
		return "ثبت‌نام", "Registration"
	case KindRegistrationRefused:
		return "ثبت‌نام ناموفق", "Registration refused"
	case KindLogin:
		return "ورود", "Login"
	case KindLoginFailed:
		return "ورود ناموفق", "Failed login"
	case KindOTPSent:
		return "ارسال رمز یک‌بارمصرف", "One-time code sent"
	case KindOTPFailed:
		return "رمز یک‌بارمصرف نادرست", "Wrong one-time code"
	case KindConsentGranted:
		return "اجازهٔ ارسال اطلاعات", "Consent given"
	case KindConsentRevoked:
		return "لغو اجازهٔ ارسال اطلاعات", "Consent revoked"
	case KindLogout:
		return "خروج", "Logout"
	case KindSessionEnded:
		return "پایان نشست", "Session ended"
	case KindMobileChanged:
		return "تغییر شمارهٔ همراه", "Mobile number changed"
	case KindMobileRefused:
		return "تغییر شمارهٔ همراه ناموفق", "Mobile change refused"
	case KindNotEntitled:
		return "پایان حق استفاده از حساب به گفتهٔ سامانه‌های پایه", "Account no longer its holder's, by the base registries"
	case KindClientCreated:
		return "ثبت سامانهٔ دستگاه", "Agency client created"
	case KindClientChanged:
		return "تغییر سامانهٔ دستگاه", "Agency client changed"
	case KindClientDeleted:
		return "حذف سامانهٔ دستگاه", "Agency client deleted"
	}
	return string(k), string(k)
}

// Prefixes for Event.Actor, so that an operator reading the log can tell
// a person from an agency's client or an operator. Use the helpers below.
const (
	actorPerson   = "person:"
	actorAccount  = "account:"
	actorClient   = "client:"
	actorOperator = "operator:"
)

// ActorPerson names a natural person by national code as an actor.
func ActorPerson(nationalCode string) string { return actorPerson + nationalCode }

// ActorAccount names an account of the national window by its ID.
func ActorAccount(id string) string { return actorAccount + id }

// ActorClient names an agency's OIDC client by its client ID.
func ActorClient(clientID string) string { return actorClient + clientID }

// ActorOperator names a platform operator by user name.
func ActorOperator(name string) string { return actorOperator + name }

// ActorSystem is the platform itself, for events no person caused, such
// as a session ended by its timeout.
const ActorSystem = "system"

// Event is one security event. Every field is public information about the
// event; nothing in it may be a secret (see ValidateDetails).
type Event struct {
	// Time is when it happened; zero means the log's clock at Record.
	Time time.Time
	// Kind is what happened. Required.
	Kind Kind
	// Actor is who acted: ActorPerson, ActorAccount, ActorClient,
	// ActorOperator, ActorSystem, or empty when unknown (a failed login
	// for a national code nobody registered).
	Actor string
	// Subject is whom the event concerns, normally the person's national
	// code (or legal national ID); ForSubject lists a subject's events.
	// For a person's own login Actor and Subject name the same person.
	Subject string
	// IP is the client's address as the web layer determined it.
	IP string
	// UserAgent is the client's User-Agent header; it is cut to
	// MaxUserAgent bytes.
	UserAgent string
	// Details are further facts as short key/value pairs, such as the
	// session ID, the reason a login failed or a masked mobile number.
	Details map[string]string
}

// Entry is an event as the log holds it: with its place in the chain.
type Entry struct {
	Seq int64
	Event
}

// Limits on what an event may carry. Longer strings are cut (on a UTF-8
// boundary) rather than refused, because they often come from the client.
const (
	MaxField       = 256 // Actor, Subject
	MaxUserAgent   = 256
	MaxIP          = 64
	MaxDetails     = 32 // keys per event
	MaxDetailKey   = 64
	MaxDetailValue = 512
)

// ErrInvalid is returned, wrapped, for an event the log refuses: no kind,
// a malformed kind or detail key, too many details, or a detail key that
// looks like a secret.
var ErrInvalid = errors.New("invalid audit event")

// ValidateDetails checks detail keys. A key is 1 to MaxDetailKey
// characters of a-z, 0-9, '_', '.' and '-', starting with a letter. It is
// refused when any of its words (split at '_', '.' and '-') names
// something secret — code, otp, pin, password, passcode, secret, token,
// cookie, authorization, credential, key, private, assertion, jwt, bearer
// and a few spellings of these — so that a one-time code, a client
// secret, a token or a key can never be stored by mistake. A handful of
// identifiers that contain such a word but are public are allowed by name:
// national_code, tracking_code, postal_code, service_code, error_code,
// status_code, key_id. Values are not inspected: never put a secret under
// an innocent key.
func ValidateDetails(d map[string]string) error {
	if len(d) > MaxDetails {
		return fmt.Errorf("%w: %d details, at most %d", ErrInvalid, len(d), MaxDetails)
	}
	for k := range d {
		if err := checkDetailKey(k); err != nil {
			return err
		}
	}
	return nil
}

func checkDetailKey(k string) error {
	if !validName(k, MaxDetailKey, "_.-") {
		return fmt.Errorf("%w: detail key %q: want 1-%d of a-z 0-9 _ . - starting with a letter", ErrInvalid, k, MaxDetailKey)
	}
	if publicIdentifier(k) {
		return nil
	}
	for w := range strings.FieldsFuncSeq(k, func(r rune) bool { return r == '_' || r == '.' || r == '-' }) {
		if secretWord(w) {
			return fmt.Errorf("%w: detail key %q names a secret (%q); secrets are never audited", ErrInvalid, k, w)
		}
	}
	return nil
}

func publicIdentifier(k string) bool {
	switch k {
	case "national_code", "tracking_code", "postal_code", "service_code", "error_code", "status_code", "key_id":
		return true
	}
	return false
}

func secretWord(w string) bool {
	switch w {
	case "code", "codes", "otp", "totp", "pin", "password", "passwd", "pwd", "passphrase", "passcode",
		"secret", "secrets", "token", "tokens", "cookie", "cookies", "authorization", "credential",
		"credentials", "key", "keys", "apikey", "private", "assertion", "jwt", "bearer":
		return true
	}
	return false
}

// validName reports whether s is 1 to max bytes of a-z and 0-9 and the
// given punctuation, starting with a letter.
func validName(s string, max int, punct string) bool {
	if s == "" || len(s) > max || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte(punct, c) >= 0) {
			return false
		}
	}
	return true
}

// clean makes s safe to store and show: invalid UTF-8 and control
// characters become U+FFFD, and it is cut to at most max bytes without
// splitting a character.
func clean(s string, max int) string {
	ok := len(s) <= max
	for i := 0; ok && i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			ok = false
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), max))
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			r = utf8.RuneError
		}
		if b.Len()+utf8.RuneLen(r) > max {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
