package site_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/panjereh/panjereh/internal/web/webtest"
)

// TestAccessibility runs axe-core in Chromium on every page type, in
// Persian and English, logged out and logged in (J6), and types into the
// search box to see suggestions appear (the script's only job).
func TestAccessibility(t *testing.T) {
	ctx := webtest.Chromium(t, 3*time.Minute)
	e := newEnv(t)
	sv := e.service(t, "sabteahval")
	paths := []string{"/", "/services?q=" + url.QueryEscape("گواهینامه"), "/services", "/services/" + sv.ID,
		"/agencies", "/agencies/sabteahval", "/life-events/" + e.c.LifeEvents[0].Key, "/categories/identity",
		"/licences", "/licences/" + e.c.Licences[0].ID, "/open-data", "/account/services"}
	for _, who := range []string{"", "acc-1"} {
		for _, lang := range []string{"fa", "en"} {
			cookie := "lang=" + lang + "; path=/"
			login := "who=; path=/; max-age=0"
			if who != "" {
				login = "who=" + who + "; path=/"
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(e.url+"/open-data")); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.cookie = "`+cookie+`"; document.cookie = "`+login+`"`)); err != nil {
				t.Fatal(err)
			}
			for _, p := range paths {
				if p == "/account/services" && who == "" {
					continue // leads to the login page, another feature's
				}
				if err := chromedp.Do(ctx, chromedp.Navigate(e.url+p), chromedp.WaitVisible(chromedp.ID("main"))); err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang {
					t.Errorf("%s: lang %q, want %s", p, got, lang)
				}
				webtest.Axe(t, ctx, p+" ("+lang+", logged in: "+who+")")
			}
		}
	}
	// Suggestions as one types.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), firstWord(sv.Title.En))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#q-suggest li a').length`))
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no suggestions appeared")
		}
		time.Sleep(50 * time.Millisecond)
	}
	webtest.Axe(t, ctx, "home with suggestions")
}

func firstWord(s string) string {
	f := strings.Fields(s)
	return f[len(f)-1]
}
