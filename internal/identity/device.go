package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/web"
)

// Known devices. A browser that has completed a login for a login
// identifier keeps a mark of it in a cookie: a random nonce, when it was
// issued, and an HMAC under the window's secret over the identifier, the
// nonce and the time. The identifier itself is not in the cookie, so the
// cookie tells nobody whose it is; a mark is checked against the
// identifier a login names.
//
// A login asked for from a known device is counted under limits of its
// own (per device instead of per IP address, and the identifier's, the
// mobile's, the cooldown's and the wrong codes' counters each per device)
// and is not stopped by the account's lock after too many wrong codes.
// Someone who knows a national code can use up its shared limits, or set
// off that lock by having codes sent to the owner and guessing, but
// cannot so stop the owner's codes on a browser the owner has logged in
// with (A2). A mark gives no access by itself: every login still needs
// the code sent to the account's mobile.

const (
	// maxDeviceMarks is the most marks one browser keeps, for people
	// sharing a computer; the oldest goes first.
	maxDeviceMarks = 5
	// maxDeviceCookie is the longest device cookie read; a longer one is
	// ignored.
	maxDeviceCookie = 512
	deviceMarkSep   = "~"
)

// deviceCookieName is the device cookie's name: the __Host- prefix needs
// a secure origin.
func deviceCookieName(secure bool) string {
	if secure {
		return "__Host-pnj_device"
	}
	return "pnj_device"
}

// DeviceCookie is the device cookie's value as the browser sent it, or "".
func DeviceCookie(r *http.Request) string {
	c, err := r.Cookie(deviceCookieName(web.Secure(r)))
	if err != nil {
		return ""
	}
	return c.Value
}

// SetDeviceCookie writes the device cookie with value (RememberDevice's),
// kept for the policy's DeviceTTL: HttpOnly, SameSite=Strict (it is read
// only by the window's own login form), Secure and __Host- on HTTPS.
// An empty value writes nothing.
func (s *Service) SetDeviceCookie(w http.ResponseWriter, r *http.Request, value string) {
	if value == "" || s.Policy.DeviceTTL <= 0 {
		return
	}
	secure := web.Secure(r)
	http.SetCookie(w, &http.Cookie{Name: deviceCookieName(secure), Value: value, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.Policy.DeviceTTL / time.Second)})
}

// deviceMAC is the mark's MAC over the login identifier, the nonce and the
// time of issue, under a key derived from the window's secret for this
// use alone.
func (s *Service) deviceMAC(loginID, nonce, issued string) string {
	k := hmac.New(sha256.New, s.Secret)
	k.Write([]byte("panjereh identity device mark v1"))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(loginID + "\x00" + nonce + "\x00" + issued))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// deviceMark is one mark of a device cookie.
type deviceMark struct {
	raw, nonce, issued, mac string
	at                      time.Time
}

// deviceMarks parses a device cookie's first maxDeviceMarks marks,
// skipping any that are not well formed.
func deviceMarks(cookie string) []deviceMark {
	if cookie == "" || len(cookie) > maxDeviceCookie {
		return nil
	}
	var marks []deviceMark
	for raw := range strings.SplitSeq(cookie, deviceMarkSep) {
		if len(marks) == maxDeviceMarks {
			break
		}
		nonce, rest, ok := strings.Cut(raw, ".")
		issued, mac, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || nonce == "" || mac == "" {
			continue
		}
		ms, err := strconv.ParseInt(issued, 36, 64)
		if err != nil {
			continue
		}
		marks = append(marks, deviceMark{raw: raw, nonce: nonce, issued: issued, mac: mac, at: time.UnixMilli(ms)})
	}
	return marks
}

// marks reports whether m is a mark for loginID that has not expired.
func (s *Service) marks(m deviceMark, loginID string, now time.Time) bool {
	ttl := s.Policy.DeviceTTL
	if ttl <= 0 || len(s.Secret) == 0 || !now.Before(m.at.Add(ttl)) || m.at.After(now.Add(time.Minute)) {
		return false
	}
	return hmac.Equal([]byte(m.mac), []byte(s.deviceMAC(loginID, m.nonce, m.issued)))
}

// knownDevice is the nonce of the device cookie's mark for loginID and
// when it was issued, or "" when the cookie has none that is valid.
func (s *Service) knownDevice(cookie, loginID string, now time.Time) (string, time.Time) {
	for _, m := range deviceMarks(cookie) {
		if s.marks(m, loginID, now) {
			return m.nonce, m.at
		}
	}
	return "", time.Time{}
}

// staleMark reports whether a mark issued at issued is older than the
// account's last change (a new mobile, a new signatory): such a mark is
// no longer a known device's, so that marks handed out before a change
// of the person or the mobile behind the account stop counting.
func staleMark(issued time.Time, a Account) bool {
	return issued.Before(a.Updated.Truncate(time.Millisecond))
}

// RememberDevice returns the device cookie's value after a login with
// loginID from a browser whose cookie is cookie: a fresh mark for loginID
// first, then the browser's other valid-looking marks, at most
// maxDeviceMarks in all. Its earlier mark for loginID is replaced. With
// no DeviceTTL it returns "".
func (s *Service) RememberDevice(cookie, loginID string) string {
	if s.Policy.DeviceTTL <= 0 || len(s.Secret) == 0 {
		return ""
	}
	now := s.now()
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	issued := strconv.FormatInt(now.UnixMilli(), 36)
	out := []string{nonce + "." + issued + "." + s.deviceMAC(loginID, nonce, issued)}
	for _, m := range deviceMarks(cookie) {
		if len(out) == maxDeviceMarks {
			break
		}
		// Another identifier's mark cannot be checked here; an expired one
		// is dropped, and so is this identifier's former one.
		if now.Before(m.at.Add(s.Policy.DeviceTTL)) && !s.marks(m, loginID, now) {
			out = append(out, m.raw)
		}
	}
	return strings.Join(out, deviceMarkSep)
}

// deviceSuffix is what a known device's counters add to their keys.
func deviceSuffix(device string) string {
	if device == "" {
		return ""
	}
	return ":dev:" + device
}

// deviceOf is the known device whose limits a request about challenge c
// of account a counts under: c's device, when c is a login code asked for
// from a known device and the request's browser still carries that
// device's mark for a's identifier, issued since the account's last
// change; otherwise "".
func (s *Service) deviceOf(c challenge, a Account, cl Client, now time.Time) string {
	if c.Device == "" || c.Purpose != PurposeLogin {
		return ""
	}
	if nonce, issued := s.knownDevice(cl.Devices, a.LoginID, now); nonce != c.Device || staleMark(issued, a) {
		return ""
	}
	return c.Device
}

// checkDevice refuses a code to known device device of account a while
// the device's wrong codes, or all the account's known devices' together,
// have stopped it: their counters are read, not counted.
func (s *Service) checkDevice(ctx context.Context, a Account, device string, now time.Time) error {
	if device == "" {
		return nil
	}
	wait, err := overBy(ctx, s.DB.Read, s.wrongCounters(a.ID, device), now)
	if err != nil || wait == 0 {
		return err
	}
	return codesLocked(now.Add(wait), now)
}

// wrongCounters are the counters of the wrong codes entered for account
// accountID: the account's own, or from known device device that
// device's and all the account's known devices' together.
func (s *Service) wrongCounters(accountID, device string) []counter {
	w := s.Policy.WrongCodes
	if device == "" {
		return []counter{{key: wrongKey(accountID, ""), l: w}}
	}
	return []counter{{key: wrongKey(accountID, deviceSuffix(device)), l: w},
		{key: wrongKey(accountID, allDevices), l: Limit{Max: allDevicesWrong * w.Max, Window: w.Window}}}
}

// wrongKey is the key of the wrong codes' counter of account accountID
// with suffix: none for the account's, a device's or allDevices.
func wrongKey(accountID, suffix string) string { return "wrong:" + accountID + suffix }

// allDevices is the suffix of the counters that every known device of an
// account counts under together; they allow allDevicesCodes times one
// device's codes and allDevicesWrong times its wrong codes, so that
// however many marks someone gathers by logging in, the codes and wrong
// codes of them all stay bounded.
const (
	allDevices      = ":devices"
	allDevicesCodes = 4
	allDevicesWrong = 2
)
