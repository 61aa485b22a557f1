package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// chrome drives a headless Chromium and checks every page it is asked to
// with axe-core.
type chrome struct {
	t       *testing.T
	ctx     context.Context
	console *webtest.Console
}

func newChrome(t *testing.T) *chrome {
	t.Helper()
	ctx := webtest.Chromium(t, 120*time.Second)
	// The refusal and the forms sent back with problems answer 403 and
	// 422 on purpose; Chromium logs every such status.
	return &chrome{t: t, ctx: ctx, console: webtest.WatchConsole(ctx, "the server responded with a status of 4")}
}

func (c *chrome) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, actions...); err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
}

// set puts value into the control sel, replacing what it holds, and
// tells the page as typing would.
func (c *chrome) set(sel, value string) chromedp.Action[chromedp.Void] {
	js, _ := json.Marshal([]string{sel, value})
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		ok, err := chromedp.Evaluate[bool](`((a) => { const el = document.querySelector(a[0]); el.value = a[1];
			el.dispatchEvent(new Event('input', {bubbles: true})); return el.value === a[1]; })(`+string(js)+`)`)(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("%s does not take the value %q", sel, value)
		}
		return chromedp.Void{}, err
	})
}

// text is the main content's text.
func (c *chrome) text() string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

// axe runs axe-core on the current page and reports every violation.
func (c *chrome) axe(page string) {
	c.t.Helper()
	webtest.Axe(c.t, c.ctx, page)
}

// TestInBrowser uses the console in Chromium as an overseer and as staff
// would, in both languages, without JavaScript of its own: every page
// and every state of the edit form (preview, problems, saved) and of the
// outage form passes axe-core, and the browser reports no error.
func TestInBrowser(t *testing.T) {
	c := newChrome(t)
	e := newEnv(t)
	agency := e.url + "/console/catalog/" + e.agency.Code
	svc := agency + "/services/" + e.mine.ID

	c.run("refused without rights", chromedp.Navigate(e.url+"/test/login/citizen?return=/console/catalog"),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	c.axe("the refusal")

	for _, lang := range []string{"fa", "en"} {
		c.run("log in as the overseer", chromedp.Navigate(e.url+"/test/login/overseer?return=/console/catalog?lang="+lang),
			chromedp.WaitVisible(chromedp.CSS(`main table`)))
		c.axe("the console, " + lang)
		c.run("the staff page", chromedp.Navigate(e.url+"/console/catalog/staff"), chromedp.WaitVisible(chromedp.CSS(`#grant-national-code`)))
		c.axe("the staff page, " + lang)
		c.run("grant with a wrong code", chromedp.SendKeys(chromedp.CSS(`#grant-national-code`), "1234567890"),
			chromedp.Click(chromedp.CSS(`form[action$="/grant"] button`)), chromedp.WaitVisible(chromedp.CSS(`#error-summary-h`)))
		c.axe("the staff page with an error, " + lang)

		c.run("log in as staff", chromedp.Navigate(e.url+"/test/login/staff?return=/console/catalog/"+e.agency.Code),
			chromedp.WaitVisible(chromedp.CSS(`#stale-h`)))
		c.axe("the agency page, " + lang)
		c.run("the edit form", chromedp.Navigate(svc), chromedp.WaitVisible(chromedp.CSS(`#svc-title-fa`)))
		c.axe("the edit form, " + lang)
		title := "#svc-title-" + lang
		c.run("preview", c.set(title, "A previewed title"),
			chromedp.Click(chromedp.CSS(`button[value=preview]`)), chromedp.WaitVisible(chromedp.CSS(`#preview-h`)))
		if got := c.text(); !strings.Contains(got, "A previewed title") {
			t.Errorf("preview lacks the new title:\n%s", got)
		}
		c.axe("the preview, " + lang)
		c.run("save with problems", c.set(title, ""), c.set(`#svc-days`, "soon"),
			chromedp.Click(chromedp.CSS(`button[value=save]`)), chromedp.WaitVisible(chromedp.CSS(`#svc-problems-h`)))
		c.axe("the form's problems, " + lang)
		c.run("save", c.set(title, "Saved in "+lang), c.set(`#svc-days`, "3"),
			chromedp.Click(chromedp.CSS(`button[value=save]`)), chromedp.WaitVisible(chromedp.CSS(`main [role=status]`)))
		if got := c.text(); !strings.Contains(got, "Saved in "+lang) {
			t.Errorf("the agency page after saving lacks the new title:\n%s", got)
		}
		c.axe("the agency page after saving, " + lang)
		c.run("the versions", chromedp.Navigate(svc+"/versions"), chromedp.WaitVisible(chromedp.CSS(`main table`)))
		c.axe("the version history, " + lang)
		c.run("an outage with problems", chromedp.Navigate(svc), chromedp.WaitVisible(chromedp.CSS(`#out-starts`)),
			chromedp.Click(chromedp.CSS(`form[action$="/outages"] button`)), chromedp.WaitVisible(chromedp.CSS(`#error-summary-h`)))
		c.axe("the outage form's problems, " + lang)
		// An outage tomorrow evening by the console's clock, in Tehran time as
		// the form takes it.
		tomorrow := testNow.In(iran.Tehran()).AddDate(0, 0, 1)
		c.run("an outage", c.set(`#out-starts`, tomorrow.Format("2006-01-02")+"T22:00"),
			c.set(`#out-ends`, tomorrow.AddDate(0, 0, 1).Format("2006-01-02")+"T02:00"),
			c.set(`#out-message-fa`, "به‌روزرسانی سامانه"),
			c.set(`#out-message-en`, "System upgrade"),
			chromedp.Click(chromedp.CSS(`form[action$="/outages"] button`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/end"] button`)))
		c.axe("the announced outage, " + lang)
		// The page already shows a status (the outage announced), so wait
		// for the end button to go: the answer to the click has loaded.
		c.run("end it", chromedp.Click(chromedp.CSS(`form[action$="/end"] button`)), chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/end"] button`)))
		c.run("the new service form", chromedp.Navigate(agency+"/services/new"), chromedp.WaitVisible(chromedp.CSS(`#svc-id`)))
		c.axe("the new service form, " + lang)
	}

	c.console.Check(t)
}
