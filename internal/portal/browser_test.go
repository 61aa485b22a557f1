package portal_test

import (
	"context"
	"github.com/panjereh/panjereh/internal/web/webtest"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestInBrowser loads the Persian home page in a real Chromium, checks
// direction, the embedded font, the absence of CSP violations and console
// errors, uses the identifier form, and checks the layout at 320 px.
func TestInBrowser(t *testing.T) {
	ctx := webtest.Chromium(t, 90*time.Second)
	_, h := newSite(t)
	srv := httptest.NewServer(h) // listens on 127.0.0.1
	defer srv.Close()

	// Collect console errors, warnings, exceptions and browser log
	// entries (CSP violations arrive there) while the test runs.
	cctx, stopConsole := context.WithCancel(ctx)
	messages := chromedp.Console(cctx)
	var mu sync.Mutex
	var problems []string
	var wg sync.WaitGroup
	wg.Go(func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
				mu.Lock()
				problems = append(problems, m.String()+" "+m.URL)
				mu.Unlock()
			}
		}
	})

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("main"))); err != nil {
		t.Fatal(err)
	}
	dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dir`))
	if err != nil || dir != "rtl" {
		t.Errorf("document dir = %q (%v), want rtl", dir, err)
	}
	check, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`document.fonts.ready.then(() => document.fonts.check('16px Vazirmatn'))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	// check is also true when no face matches at all, so make sure a
	// Vazirmatn face exists and has loaded.
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`[...document.fonts].some(f => f.family.replace(/"/g, '') === 'Vazirmatn' && f.status === 'loaded')`))
	if err != nil || !check || !loaded {
		t.Errorf("Vazirmatn not loaded: check=%v loaded=%v err=%v", check, loaded, err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	saveShot(t, "panjereh-home-fa.png", png)

	// The skip link is the first thing the Tab key reaches.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	if focused, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`)); focused != "skip" {
		t.Errorf("first Tab focuses %q, want the skip link", focused)
	}

	// Use the identifier validator, typing Persian digits.
	_, err = chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.ID("id-kind"), "national-code"),
		chromedp.SendKeys(chromedp.ID("id-value"), "۰۰۸۴۵۷۵۹۴۸"),
		chromedp.Click(chromedp.CSS(`#validator button[type="submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	result, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("validator-result")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(result, "معتبر است") || !strings.Contains(result, "0084575948") {
		t.Errorf("validator result = %q", result)
	}

	// At 320 px nothing may overflow sideways, in either language.
	for _, lang := range []string{"fa", "en"} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(320, 700),
			chromedp.Navigate(srv.URL+"/?lang="+lang),
			chromedp.WaitVisible(chromedp.ID("main")))
		if err != nil {
			t.Fatal(err)
		}
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
		if err != nil || overflow {
			t.Errorf("%s page overflows horizontally at 320 px (err %v)", lang, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			saveShot(t, "panjereh-home-"+lang+"-320.png", png)
		}
	}

	stopConsole()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser reported: %s", p)
	}
}

// saveShot writes a screenshot for a person to look at; it is not compared.
func saveShot(t *testing.T, name string, png []byte) {
	t.Helper()
	path := filepath.Join(os.TempDir(), name)
	if err := os.WriteFile(path, png, 0o644); err == nil {
		t.Logf("screenshot: %s", path)
	}
}
