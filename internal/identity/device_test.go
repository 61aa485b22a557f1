package identity_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/identity"
)

// wrongFor is a code that is not right.
func wrongFor(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

// TestKnownDevice: someone who knows a national code uses up its limits
// and sets off the account's lock with wrong codes; the owner's browser,
// a known device since its last login, still gets and uses codes, under
// limits of its own, while every other browser is stopped (A2).
func TestKnownDevice(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.WrongCodes = identity.Limit{Max: 5, Window: 24 * time.Hour}
	w.svc.Policy.ResendAfter = 0
	p := persona(t, "ordinary")
	mobile := p.Mobiles[0]
	_, ch, err := w.svc.Register(ctx, natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, mobile), cl, identity.LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	owner := cl
	owner.Devices = w.svc.RememberDevice("", p.NationalCode)
	if owner.Devices == "" || strings.Contains(owner.Devices, p.NationalCode) {
		t.Fatalf("device cookie %q: want a mark that does not show the identifier", owner.Devices)
	}
	sentFrom := func(want string) {
		t.Helper()
		if got := w.audit.lastDetails(identity.EventOTPSent)["device"]; got != want {
			t.Errorf("the code sent audited with device %q, want %q", got, want)
		}
	}

	// From the owner's own address too, so that the device's counters
	// and not the address's are what lets the owner in.
	attacker := identity.Client{IP: cl.IP, UserAgent: "curl/8"}
	for {
		if _, err := w.svc.StartLogin(ctx, p.NationalCode, attacker); err != nil {
			wantCode(t, err, identity.CodeRateLimited)
			break
		}
	}
	ownCode := func() (identity.Challenge, string) {
		t.Helper()
		ch, err := w.svc.StartLogin(ctx, p.NationalCode, owner)
		if err != nil {
			t.Fatalf("the owner's known device: %v", err)
		}
		return ch, w.sms.lastCode(t, mobile)
	}
	ch, code := ownCode()
	sentFrom("known")
	if _, _, _, err := w.svc.Login(ctx, ch.ID, code, owner, identity.LoginOptions{}); err != nil {
		t.Fatalf("the owner's login on a known device while others are rate limited: %v", err)
	}

	// The lock set off by others' wrong codes stops theirs, but not the
	// device's: neither its open code nor new ones.
	w.clock.Add(15 * time.Minute)
	open, openCode := ownCode()
	for locked := false; !locked; w.clock.Add(time.Second) {
		ach, err := w.svc.StartLogin(ctx, p.NationalCode, attacker)
		if err != nil {
			wantCode(t, err, identity.CodeCodesLocked)
			break
		}
		wrong := wrongFor(w.sms.lastCode(t, mobile))
		for range w.svc.Policy.MaxAttempts {
			_, _, _, err = w.svc.Login(ctx, ach.ID, wrong, attacker, identity.LoginOptions{})
			if locked = codeOf(err) == identity.CodeCodesLocked; locked {
				break
			}
		}
	}
	_, err = w.svc.StartLogin(ctx, p.NationalCode, attacker)
	wantCode(t, err, identity.CodeCodesLocked)
	_, err = w.svc.Resend(ctx, open.ID, attacker) // the device's code, asked again without its mark
	wantCode(t, err, identity.CodeCodesLocked)
	// Nor is it answered from a browser without the device's mark.
	_, _, _, err = w.svc.Login(ctx, open.ID, openCode, attacker, identity.LoginOptions{})
	wantCode(t, err, identity.CodeCodesLocked)
	if _, _, _, err := w.svc.Login(ctx, open.ID, openCode, owner, identity.LoginOptions{}); err != nil {
		t.Fatalf("the device's code, open when the account's codes were stopped: %v", err)
	}
	ch, code = ownCode()
	if _, _, _, err := w.svc.Login(ctx, ch.ID, code, owner, identity.LoginOptions{}); err != nil {
		t.Fatalf("a new code on the known device while the account's codes are stopped: %v", err)
	}

	// A mark is worth nothing altered, or for another identifier.
	altered := owner
	last := owner.Devices[len(owner.Devices)-1:]
	altered.Devices = owner.Devices[:len(owner.Devices)-1] + map[bool]string{true: "B", false: "A"}[last == "A"]
	_, err = w.svc.StartLogin(ctx, p.NationalCode, altered)
	wantCode(t, err, identity.CodeCodesLocked)
	q := persona(t, "wife")
	if _, _, err := w.svc.Register(ctx, natural(q), identity.Client{IP: "192.0.2.99"}); err != nil {
		t.Fatal(err)
	}
	w.svc.Policy.PerLogin.Max, w.svc.Policy.PerMobile.Max = 50, 50 // for q's codes below
	for _, cookie := range []string{owner.Devices, "~", "..", "a.b.c", "a.zz.c~" + owner.Devices, strings.Repeat("x.1.y~", 90) + owner.Devices} {
		w.clock.Add(time.Second)
		if _, err := w.svc.StartLogin(ctx, q.NationalCode, identity.Client{IP: "192.0.2.98", Devices: cookie}); err != nil {
			t.Fatal(err)
		}
		sentFrom("")
	}

	// The device's own wrong codes stop the device: its open codes are
	// burnt, and it is sent none until its window ends.
	for locked := false; !locked; {
		ch, code = ownCode()
		for range w.svc.Policy.MaxAttempts {
			_, _, _, err = w.svc.Login(ctx, ch.ID, wrongFor(code), owner, identity.LoginOptions{})
			if locked = codeOf(err) == identity.CodeCodesLocked; locked || codeOf(err) == identity.CodeTooManyAttempts {
				break
			}
			wantCode(t, err, identity.CodeCodeWrong)
		}
	}
	_, err = w.svc.StartLogin(ctx, p.NationalCode, owner)
	wantCode(t, err, identity.CodeCodesLocked)
	var open2 int
	if err := w.db.Read.QueryRow(`SELECT COUNT(*) FROM identity_challenges WHERE account_id = (SELECT account_id FROM identity_challenges WHERE id = $1)
AND device <> '' AND consumed_at IS NULL AND attempts < $2`, ch.ID, w.svc.Policy.MaxAttempts).Scan(&open2); err != nil || open2 != 0 {
		t.Errorf("%d of the device's codes left open after its lock (%v)", open2, err)
	}
	// The other identifier on the same browser is not stopped by it.
	if _, err := w.svc.StartLogin(ctx, q.NationalCode, owner); err != nil {
		t.Errorf("another identifier from the stopped device: %v", err)
	}

	// A mark past its lifetime is not a known device's.
	w.clock.Add(w.svc.Policy.DeviceTTL)
	if _, err := w.svc.StartLogin(ctx, p.NationalCode, owner); err != nil {
		t.Fatal(err)
	}
	sentFrom("")
}

// codeOf is err's identity error code, or "".
func codeOf(err error) string {
	var e *identity.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// TestRememberDevice: a browser keeps one mark per identifier, its
// newest first, at most five, and a login replaces the identifier's mark.
func TestRememberDevice(t *testing.T) {
	w := newWorld(t)
	svc := w.svc
	ids := []string{"0012345679", "0023456781", "0034567892", "0045678903", "0056789014", "0067890125"}
	cookie := ""
	for _, id := range ids {
		cookie = svc.RememberDevice(cookie, id)
	}
	if n := len(strings.Split(cookie, "~")); n != 5 {
		t.Fatalf("%d marks kept, want 5: %q", n, cookie)
	}
	first := strings.Split(cookie, "~")[0]
	again := svc.RememberDevice(cookie, ids[5])
	if marks := strings.Split(again, "~"); len(marks) != 5 || marks[0] == first || strings.Contains(again, first) {
		t.Errorf("logging in again with the same identifier: %q from %q; want its mark replaced", again, cookie)
	}
	w.svc.Policy.DeviceTTL = 0
	if got := svc.RememberDevice(cookie, ids[0]); got != "" {
		t.Errorf("without a device lifetime: %q, want no cookie", got)
	}
}

// TestDeviceCookie: the code page's answer makes the browser a known
// device: a lasting, HttpOnly, SameSite=Strict cookie, which the login
// form then reads.
func TestDeviceCookie(t *testing.T) {
	w := newWorld(t)
	w.svc.Policy.PerLogin = identity.Limit{Max: 3, Window: time.Hour}
	w.svc.Policy.ResendAfter = 0
	b := newSite(t, w)
	p := persona(t, "ordinary")
	_, ch, err := w.svc.Register(context.Background(), natural(p), identity.Client{IP: "192.0.2.50"})
	if err != nil {
		t.Fatal(err)
	}
	b.get("/login")
	res, body := b.post("/login/code", url.Values{"c": {ch.ID}, "code": {w.sms.lastCode(t, p.Mobiles[0])}})
	wantStatus(t, res, body, http.StatusSeeOther)
	var dev *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "pnj_device" {
			dev = c
		}
	}
	if dev == nil || !dev.HttpOnly || dev.SameSite != http.SameSiteStrictMode || dev.MaxAge != int(w.svc.Policy.DeviceTTL/time.Second) {
		t.Fatalf("device cookie %+v: want HttpOnly, SameSite=Strict, kept %v", dev, w.svc.Policy.DeviceTTL)
	}
	// Others use up the identifier's limit (the registration's code
	// counted against it too).
	for range 2 {
		if _, err := w.svc.StartLogin(context.Background(), p.NationalCode, identity.Client{IP: "203.0.113.5"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = w.svc.StartLogin(context.Background(), p.NationalCode, identity.Client{IP: "203.0.113.5"})
	wantCode(t, err, identity.CodeRateLimited)
	w.clock.Add(time.Minute)
	b.post("/logout", url.Values{})
	res, body = b.post("/login", url.Values{"loginId": {p.NationalCode}})
	wantStatus(t, res, body, http.StatusOK, "۰۹۱۲***۴۵۶۷", `autocomplete="one-time-code"`)
}

// TestDeviceMarksAreBounded: marks gathered by logging in again and again
// each count as a device, but all the account's known devices together
// have a ceiling of codes (four times one device's) and of wrong codes
// (twice one device's), past which every device is stopped too.
func TestDeviceMarksAreBounded(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.ResendAfter = 0
	w.svc.Policy.PerLogin = identity.Limit{Max: 1, Window: 15 * time.Minute}
	w.svc.Policy.PerMobile = identity.Limit{Max: 100, Window: 15 * time.Minute}
	p := persona(t, "ordinary")
	if _, _, err := w.svc.Register(ctx, natural(p), cl); err != nil {
		t.Fatal(err)
	}
	marks := make([]identity.Client, 6)
	for i := range marks {
		marks[i] = identity.Client{IP: "192.0.2.60", Devices: w.svc.RememberDevice("", p.NationalCode)}
	}
	for i, m := range marks {
		_, err := w.svc.StartLogin(ctx, p.NationalCode, m)
		switch {
		case i < 4 && err != nil:
			t.Fatalf("mark %d: %v", i+1, err)
		case i >= 4:
			wantCode(t, err, identity.CodeRateLimited)
		}
	}

	w.clock.Add(15 * time.Minute)
	w.svc.Policy.WrongCodes = identity.Limit{Max: 1, Window: 24 * time.Hour}
	w.svc.Policy.PerLogin.Max = 3
	answer := func(m identity.Client) error {
		t.Helper()
		ch, err := w.svc.StartLogin(ctx, p.NationalCode, m)
		if err != nil {
			return err
		}
		_, _, _, err = w.svc.Login(ctx, ch.ID, wrongFor(w.sms.lastCode(t, p.Mobiles[0])), m, identity.LoginOptions{})
		return err
	}
	wantCode(t, answer(marks[0]), identity.CodeCodeWrong)   // device 1: 1, all: 1
	wantCode(t, answer(marks[0]), identity.CodeCodesLocked) // device 1: 2, over; all: 2
	wantCode(t, answer(marks[1]), identity.CodeCodesLocked) // device 2: 1; all: 3, over
	_, err := w.svc.StartLogin(ctx, p.NationalCode, marks[2])
	wantCode(t, err, identity.CodeCodesLocked)
	// Browsers that are not known devices are not stopped by it.
	if _, err := w.svc.StartLogin(ctx, p.NationalCode, identity.Client{IP: "192.0.2.61"}); err != nil {
		t.Errorf("a browser that is not a known device: %v", err)
	}
}
