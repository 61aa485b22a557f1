package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// Problem is an RFC 9457 problem details document with the human texts in
// Persian and English. Title and Detail carry English, as the RFC's
// generic clients expect; TitleFa and DetailFa carry Persian.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	TitleFa  string `json:"title_fa"`
	DetailFa string `json:"detail_fa,omitempty"`
	// Code is a stable machine-readable reason, such as "checksum".
	Code string `json:"code,omitempty"`
	// RequestID lets a person quote the failing request to support.
	RequestID string `json:"request_id,omitempty"`
	// Errors lists per-field problems of a rejected input, if any.
	Errors []FieldError `json:"errors,omitempty"`
	// RetryAfter, when positive, is sent as the Retry-After header (in
	// whole seconds, rounded up) with a 429 or 503.
	RetryAfter time.Duration `json:"-"`
}

// FieldError is one rejected input field.
type FieldError struct {
	Field    string `json:"field"`
	Code     string `json:"code"`
	Detail   string `json:"detail"`
	DetailFa string `json:"detail_fa"`
}

// problemTitles are the standard titles for the statuses Panjereh uses.
var problemTitles = map[int][2]string{
	http.StatusBadRequest:            {"Bad request", "درخواست نادرست است"},
	http.StatusUnauthorized:          {"Authentication required", "نیاز به احراز هویت"},
	http.StatusForbidden:             {"Forbidden", "دسترسی مجاز نیست"},
	http.StatusNotFound:              {"Not found", "پیدا نشد"},
	http.StatusMethodNotAllowed:      {"Method not allowed", "این روش درخواست پشتیبانی نمی‌شود"},
	http.StatusConflict:              {"Conflict", "تعارض با وضعیت فعلی"},
	http.StatusRequestEntityTooLarge: {"Request body too large", "حجم درخواست بیش از حد مجاز است"},
	http.StatusUnsupportedMediaType:  {"Unsupported media type", "نوع محتوای درخواست پشتیبانی نمی‌شود"},
	http.StatusUnprocessableEntity:   {"Invalid input", "ورودی نامعتبر است"},
	http.StatusTooManyRequests:       {"Too many requests", "تعداد درخواست‌ها بیش از حد مجاز است"},
	http.StatusInternalServerError:   {"Internal error", "خطای داخلی سامانه"},
	http.StatusBadGateway:            {"Bad gateway", "پاسخ نامعتبر از سامانهٔ مقصد"},
	http.StatusServiceUnavailable:    {"Service unavailable", "سرویس در دسترس نیست"},
	http.StatusGatewayTimeout:        {"Gateway timeout", "سامانهٔ مقصد به‌موقع پاسخ نداد"},
}

// NewProblem returns a problem for status with the standard titles and the
// given details. code is a stable machine-readable reason.
func NewProblem(status int, code, detailEn, detailFa string) *Problem {
	t, ok := problemTitles[status]
	if !ok {
		t = [2]string{http.StatusText(status), http.StatusText(status)}
	}
	return &Problem{
		Type:     "about:blank",
		Title:    t[0],
		TitleFa:  t[1],
		Status:   status,
		Code:     code,
		Detail:   detailEn,
		DetailFa: detailFa,
	}
}

// WriteProblem sends p as application/problem+json. The request's ID and
// path are filled in when missing.
func WriteProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	if p.RequestID == "" && r != nil {
		p.RequestID = RequestID(r.Context())
	}
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((p.RetryAfter+time.Second-1)/time.Second)))
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteInternalError logs err in full and sends the person a 500 problem
// that says nothing of it beyond the request ID.
func WriteInternalError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if log != nil {
		log.ErrorContext(r.Context(), "internal error", "err", err, "method", r.Method, "path", r.URL.Path)
	}
	WriteProblem(w, r, NewProblem(http.StatusInternalServerError, "internal",
		"Something went wrong on our side. Please try again; if it persists, quote the request ID to support.",
		"خطایی در سامانه رخ داد. لطفاً دوباره تلاش کنید؛ اگر تکرار شد، شناسهٔ درخواست را به پشتیبانی اعلام کنید."))
}

// WriteJSON sends v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
