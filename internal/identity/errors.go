package identity

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
)

// Error is a refusal a person sees: a stable code, the reason in Persian
// and English, the form field it concerns and the HTTP status that fits.
type Error struct {
	Status     int
	Code       string
	Field      string
	Fa, En     string
	RetryAfter time.Duration // for rate limits and cooldowns
	Err        error         // the underlying cause, for the log only
	// Also are the errors of the input's other fields, each with its
	// Field, so that a form can show them all at once.
	Also []*Error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("identity: %s: %s: %v", e.Code, e.En, e.Err)
	}
	return "identity: " + e.Code + ": " + e.En
}

func (e *Error) Unwrap() error { return e.Err }

// Stable error codes.
const (
	CodeInvalid           = "invalid"
	CodeNotFound          = "not-found"
	CodeDeceased          = "deceased"
	CodeBirthDateMismatch = "birth-date-mismatch"
	CodeMobileNotOwner    = "mobile-not-owner"
	CodeAlreadyRegistered = "already-registered"
	CodeNotRegistered     = "not-registered"
	CodeNotSignatory      = "not-signatory"
	CodeCompanyInactive   = "company-inactive"
	CodePermitExpired     = "permit-expired"
	CodeNotEntitled       = "not-entitled"
	CodeRateLimited       = "rate-limited"
	CodeCooldown          = "cooldown"
	CodeCodeWrong         = "code-wrong"
	CodeCodeExpired       = "code-expired"
	CodeTooManyAttempts   = "too-many-attempts"
	CodeCodesLocked       = "codes-locked"
	CodeRegistryDown      = "registry-unavailable"
	CodeMinor             = "minor"
)

// hasCode reports whether err is, or wraps, an Error with code.
func hasCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

func newError(status int, code, field, fa, en string) *Error {
	return &Error{Status: status, Code: code, Field: field, Fa: fa, En: en}
}

// invalidField turns a validator's refusal of field into an Error.
func invalidField(field string, err error) *Error {
	var ve *iran.ValidationError
	if errors.As(err, &ve) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: CodeInvalid, Field: field, Fa: ve.Fa, En: ve.En, Err: err}
	}
	var de *iran.DateError
	if errors.As(err, &de) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: CodeInvalid, Field: field, Fa: de.Fa, En: de.En, Err: err}
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: CodeInvalid, Field: field,
		Fa: "مقدار واردشده معتبر نیست.", En: "the value is not valid", Err: err}
}

func registryDown(err error) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeRegistryDown,
		Fa: "استعلام از سامانه‌های پایه اکنون ممکن نیست؛ چند دقیقهٔ دیگر دوباره تلاش کنید.",
		En: "the base registries cannot be reached now; please try again in a few minutes", Err: err}
}

// codesLocked is the error while an account's codes are stopped after
// too many wrong ones.
func codesLocked(until, now time.Time) *Error {
	wait := max(until.Sub(now).Round(time.Second), time.Second)
	hours := int((wait + time.Hour - 1) / time.Hour)
	return &Error{Status: http.StatusTooManyRequests, Code: CodeCodesLocked, Field: "code", RetryAfter: wait,
		Fa: fmt.Sprintf("کد نادرست بیش از اندازه وارد شده است؛ تا %s ساعت دیگر کدی برای این حساب فرستاده یا پذیرفته نمی‌شود.", iran.ToPersianDigits(fmt.Sprint(hours))),
		En: fmt.Sprintf("too many wrong codes were entered; no code is sent to or accepted for this account for the next %d hours", hours)}
}

func rateLimited(retry time.Duration) *Error {
	fa, en := waitFor(retry)
	return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited, RetryAfter: retry,
		Fa: "درخواست‌های زیادی فرستاده شده است؛ " + fa + " دوباره تلاش کنید.",
		En: "too many requests; please try again " + en}
}

// waitFor says in how long a wait of d ends, in whole minutes, or in
// seconds under a minute, or in hours over an hour and a half, rounded
// up: a person told "in 14 minutes" and coming back then must not be
// refused again.
func waitFor(d time.Duration) (fa, en string) {
	if d <= time.Minute {
		n := max(1, int((d+time.Second-1)/time.Second))
		return iran.ToPersianDigits(strconv.Itoa(n)) + " ثانیهٔ دیگر", plural(n, "second")
	}
	if d <= 90*time.Minute {
		n := int((d + time.Minute - 1) / time.Minute)
		return iran.ToPersianDigits(strconv.Itoa(n)) + " دقیقهٔ دیگر", plural(n, "minute")
	}
	n := int((d + time.Hour - 1) / time.Hour)
	return iran.ToPersianDigits(strconv.Itoa(n)) + " ساعت دیگر", plural(n, "hour")
}

// plural is "in 1 minute" or "in n minutes".
func plural(n int, unit string) string {
	if n == 1 {
		return "in 1 " + unit
	}
	return "in " + strconv.Itoa(n) + " " + unit + "s"
}
