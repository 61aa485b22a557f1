package webtest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Console collects the errors a browser's console reports (script errors,
// exceptions, CSP violations) while a test drives it.
type Console struct {
	mu       sync.Mutex
	problems []string
}

// WatchConsole starts collecting ctx's console errors, except those whose
// text contains one of the expected strings (a status a test provokes on
// purpose, say).
func WatchConsole(ctx context.Context, expected ...string) *Console {
	c := &Console{}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
				continue
			}
			text := m.String()
			if containsAny(text, expected) {
				continue
			}
			c.mu.Lock()
			c.problems = append(c.problems, text+" "+m.URL)
			c.mu.Unlock()
		}
	}()
	return c
}

// Check fails t with every error collected so far.
func (c *Console) Check(t testing.TB) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.problems {
		t.Errorf("browser console: %s", p)
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
