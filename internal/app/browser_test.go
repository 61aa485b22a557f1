package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// browserSession drives a headless Chromium and checks every page it
// visits with axe-core.
type browserSession struct {
	t       *testing.T
	ctx     context.Context
	console *webtest.Console
}

func newBrowser(t *testing.T) *browserSession {
	t.Helper()
	ctx := webtest.Chromium(t, 120*time.Second)
	return &browserSession{t: t, ctx: ctx, console: webtest.WatchConsole(ctx)}
}

// run performs actions, failing the test on error.
func (b *browserSession) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// url is the page's current address.
func (b *browserSession) url() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// waitURL waits until the page's address starts with prefix.
func (b *browserSession) waitURL(prefix string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if u, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.href : ""`)); err == nil && strings.HasPrefix(u, prefix) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("the browser did not reach %s; it is at %s", prefix, b.url())
}

// axe runs axe-core on the current page and reports every violation.
func (b *browserSession) axe() {
	b.t.Helper()
	webtest.Axe(b.t, b.ctx, b.url())
}

// latestCode reads the newest code sent to mobile from the development
// SMS sink, as a person reads their phone.
func latestCode(t *testing.T, window, mobile string) string {
	t.Helper()
	for range 200 {
		res, err := http.Get(window + "/dev/sms.json?to=" + mobile)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var list struct{ Messages []struct{ Code string } }
		if json.Unmarshal(b, &list) == nil && len(list.Messages) > 0 && list.Messages[0].Code != "" {
			return list.Messages[0].Code
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no code for %s in the development SMS sink", mobile)
	return ""
}

// TestBrowserRegisterAndLogin registers a demo persona in Chromium, logs
// in with the code from the development SMS sink, visits the account
// pages, enters the reference agency's window by clicking «ورود از طریق
// دولت من» without logging in again, consents, sees what the agency
// received and its driving licences through the exchange, and logs out at
// the agency, which ends the window's session too; axe-core checks every
// page on the way.
func TestBrowserRegisterAndLogin(t *testing.T) {
	b := newBrowser(t)
	d := startDemo(t)
	defer d.shutdown(t)
	var p registry.Persona
	for _, x := range registry.Personas() {
		if x.Key == "wife" {
			p = x
		}
	}

	b.run("open the registration page", chromedp.Navigate(d.window+"/register"), chromedp.WaitVisible(chromedp.CSS(`#reg-national-code`)))
	b.axe()
	b.run("fill in the registration",
		chromedp.SendKeys(chromedp.CSS(`#reg-national-code`), p.NationalCode),
		chromedp.SendKeys(chromedp.CSS(`#reg-birth`), p.BirthDate),
		chromedp.SendKeys(chromedp.CSS(`#reg-mobile`), p.Mobiles[0]),
		chromedp.Click(chromedp.CSS(`form[action="/register"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#otp-code`)))
	b.axe()
	b.run("type the code",
		chromedp.SendKeys(chromedp.CSS(`#otp-code`), latestCode(t, d.window, p.Mobiles[0])),
		chromedp.Click(chromedp.CSS(`form[action="/login/code"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/account/sessions"]`)))
	if u := b.url(); !strings.HasSuffix(u, "/account") {
		t.Fatalf("after the code the browser is at %s", u)
	}
	text, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
	if err != nil || !strings.Contains(text, p.FirstName) || !strings.Contains(text, "سامانهٔ شاهکار") {
		t.Errorf("account page: %v\n%s", err, text)
	}
	b.axe()
	for _, page := range []string{"/account/sessions", "/account/connections", "/account/accesses", "/account/activity", "/account/mobile"} {
		b.run("open "+page, chromedp.Navigate(d.window+page), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		b.axe()
	}
	// Into the agency's window by clicking «ورود از طریق دولت من»: the
	// window's session is reused (no second login), the person consents,
	// and the agency shows what it received and calls the police registry
	// through the exchange on the person's behalf.
	b.run("open the agency", chromedp.Navigate(d.agency+"/"), chromedp.WaitVisible(chromedp.CSS(`a.sso-login`)))
	b.axe()
	b.run("log in with My Government", chromedp.Click(chromedp.CSS(`a.sso-login`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/oauth2/consent"] button[value=allow]`)))
	b.axe()
	b.run("consent", chromedp.Click(chromedp.CSS(`form[action="/oauth2/consent"] button[value=allow]`)))
	b.waitURL(d.agency + "/me")
	b.run("the agency's page", chromedp.WaitVisible(chromedp.CSS(`code.acr`)))
	text, err = chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
	// The postal code is the persona's legal residence, which registration
	// asked the civil registry for through the exchange (address scope).
	if err != nil || !strings.Contains(iran.ToASCIIDigits(text), p.NationalCode) || !strings.Contains(text, p.FirstName) || !strings.Contains(text, "loa1") ||
		!strings.Contains(iran.ToASCIIDigits(text), p.PostalCode) {
		t.Errorf("agency attributes page: %v\n%s", err, text)
	}
	b.axe()
	b.run("licences through the exchange", chromedp.Navigate(d.agency+"/licences"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	b.axe()
	b.run("log out at the agency", chromedp.Navigate(d.agency+"/me"), chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitURL(d.agency + "/sso/logged-out")
	b.run("the agency's logged-out page", chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	b.axe()
	// Logging out at the agency goes through the national SSO's
	// end-session, which ends the window's session too; confirm if asked.
	b.run("account after the agency's logout", chromedp.Navigate(d.window+"/account"), chromedp.WaitVisible(chromedp.CSS(`#login-id`)))

	b.console.Check(t)
}

// TestBrowserCodePage logs in with the login form in Chromium: the code
// page that answers the form shows its own address, reloading it shows
// the same code page without posting the form again (no second code),
// sending the form again within the cooldown shows the same code's page
// and says so, and the code logs the person in.
func TestBrowserCodePage(t *testing.T) {
	rig := newLoginRig(t, 1, false)
	rig.svc.Policy.ResendAfter = time.Minute
	b := newBrowser(t)
	challenge := func() string {
		c, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('input[name=c]').value`))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	b.run("open the login page", chromedp.Navigate(rig.issuer+"/login"), chromedp.WaitVisible(chromedp.CSS(`#login-id`)))
	b.run("send the national code",
		chromedp.SendKeys(chromedp.CSS(`#login-id`), rig.people[0]),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#otp-code`)))
	c := challenge()
	if u := b.url(); u != rig.issuer+"/login/code?c="+c {
		t.Errorf("the code page is at %s, want its own address", u)
	}
	code, err := rig.phone.await(mobileOf(0))
	if err != nil {
		t.Fatal(err)
	}
	b.axe()
	b.run("reload the code page", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#otp-code`)))
	if again := challenge(); again != c {
		t.Errorf("reloading the code page posted the form again: challenge %s, was %s", again, c)
	}
	if rig.delivered(t); rig.phone.code(mobileOf(0)) != code {
		t.Error("reloading the code page sent another code")
	}
	b.run("send the national code again",
		chromedp.Navigate(rig.issuer+"/login"), chromedp.WaitVisible(chromedp.CSS(`#login-id`)),
		chromedp.SendKeys(chromedp.CSS(`#login-id`), rig.people[0]),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#otp-code`)))
	if again := challenge(); again != c {
		t.Errorf("the login sent again within the cooldown shows challenge %s, want the code's already sent, %s", again, c)
	}
	notice, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('main [role=status]')?.textContent ?? ''`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "کد پیشین هنوز معتبر است") {
		t.Errorf("the code page sent again says %q, want that the earlier code is still valid", notice)
	}
	b.axe()
	b.run("type the code",
		chromedp.SendKeys(chromedp.CSS(`#otp-code`), code),
		chromedp.Click(chromedp.CSS(`form[action="/login/code"] button[type=submit]`)))
	b.waitURL(rig.issuer + "/account")
	b.console.Check(t)
}
