package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

func TestCodeIn(t *testing.T) {
	tests := []struct{ body, want string }{
		{"کد ورود شما: 482915", "482915"},
		{"کد ورود شما: ۴۸۲۹۱۵\nآن را به کسی ندهید", "482915"},
		{"4040 گفت: 123 و 98765", "4040"},
		{"درخواست ۱۲۳ ثبت شد", ""},
		{"شمارهٔ 123456789 طولانی است", ""},
	}
	for _, tt := range tests {
		if got := CodeIn(tt.body); got != tt.want {
			t.Errorf("CodeIn(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

// devSite returns a site with the development page mounted, after one
// OTP to each of two numbers has gone through the sink.
func devSite(t *testing.T) (http.Handler, *bytes.Buffer, *Outbox) {
	t.Helper()
	ctx := context.Background()
	o, c := newOutbox(t)
	var out bytes.Buffer
	sink := &DevSink{Out: &out, Outbox: o}
	err := o.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := o.SendCode(ctx, tx, "09121234567", "دولت من\nکد ورود شما: 482915\nmy.gov.ir code: 482915", c.Now().Add(2*time.Minute)); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Add(time.Second)
	if _, err := o.Send(ctx, Message{To: "09351112233", Body: "کد: 111222", Purpose: "otp"}); err != nil {
		t.Fatal(err)
	}
	dispatchOnce(t, &Dispatcher{Outbox: o, Provider: sink})
	m, err := web.New(web.Options{DB: o.DB, Now: c.Now, Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	m.AddNav(web.NavItem{Path: "/dev/sms", Label: web.Text{Fa: "پیامک‌ها", En: "SMS"}})
	m.Mount(sink)
	return m.Handler(), &out, o
}

func get(t *testing.T, h http.Handler, url, accept string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(body)
}

func TestDevSinkPrintsEachMessageWithItsCode(t *testing.T) {
	_, out, _ := devSite(t)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("printed %q, want two lines", out.String())
	}
	for _, want := range []string{"SMS 4040 → 09121234567 [otp] code 482915:", "کد ورود شما: 482915 ⏎ my.gov.ir"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed %q, want it to contain %q", out.String(), want)
		}
	}
}

func TestDevPage(t *testing.T) {
	h, _, _ := devSite(t)
	tests := []struct {
		name, url, accept string
		status            int
		contentType       string
		want, notWant     []string
	}{
		{name: "page in Persian, newest first", url: "/dev/sms", status: 200, contentType: "text/html",
			want: []string{`lang="fa"`, "پیامک‌های محیط توسعه", "کد ورود شما: 482915", "۰۹۱۲۱۲۳۴۵۶۷", "۱۴۰۴/۰۱/۰۱ ۱۲:۰۰:۰۰", "2025-03-21 12:00:00", "ارسال شد", `class="sms-code" dir="ltr">482915<`}},
		{name: "page in English", url: "/dev/sms?lang=en", status: 200, contentType: "text/html",
			want: []string{`lang="en"`, "Development SMS", "2025-03-21 12:00:00", "One-time code", "Sent"}},
		{name: "page filtered", url: "/dev/sms?to=0935%20111%202233", status: 200, contentType: "text/html",
			want: []string{"111222"}, notWant: []string{"482915"}},
		{name: "JSON by Accept", url: "/dev/sms?to=09121234567", accept: "application/json", status: 200, contentType: "application/json",
			want: []string{`"code":"482915"`, `"to":"09121234567"`, `"jalali":"1404/01/01 12:00:00"`, `"status":"sent"`}, notWant: []string{"111222"}},
		{name: "JSON path", url: "/dev/sms.json", status: 200, contentType: "application/json",
			want: []string{`"code":"111222"`, `"code":"482915"`}},
		{name: "bad mobile", url: "/dev/sms.json?to=0912", status: 400, contentType: "application/problem+json",
			want: []string{`"code":"length"`, "شماره همراه باید"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, h, tt.url, tt.accept)
			if resp.StatusCode != tt.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.contentType) {
				t.Fatalf("status %d %s, want %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), tt.status, tt.contentType, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q\n%s", w, body)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			if tt.contentType == "text/html" {
				if p := webtest.AccessibilityProblems(body); p != nil {
					t.Errorf("accessibility: %v", p)
				}
			}
		})
	}
	t.Run("newest first", func(t *testing.T) {
		_, body := get(t, h, "/dev/sms.json", "")
		var got struct{ Messages []DevMessage }
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Messages) != 2 || got.Messages[0].Code != "111222" || got.Messages[1].Code != "482915" {
			t.Fatalf("messages %+v", got.Messages)
		}
		if m := got.Messages[1]; m.Purpose != "otp" || m.Sender != "4040" || m.SentAt == nil || m.Gregorian != "2025-03-21 12:00:00" {
			t.Errorf("message %+v", m)
		}
	})
}

// TestDevPageCodesOnlyOfOneTimeCodes: a notice holds digits too (a masked
// mobile number) but no code. Neither the page, its JSON nor the terminal
// gives it one, so whoever reads the newest code sent to a number does
// not take 0936 for it; the one-time code before it keeps its code.
func TestDevPageCodesOnlyOfOneTimeCodes(t *testing.T) {
	h, out, o := devSite(t)
	ctx := context.Background()
	notice := "دولت من\nشمارهٔ همراه حساب شما به ۰۹۳۶***۴۵۶۷ تغییر کرد."
	err := o.DB.InTx(ctx, func(tx *sqldb.Tx) error { return o.SendNotice(ctx, tx, "09121234567", notice) })
	if err != nil {
		t.Fatal(err)
	}
	dispatchOnce(t, &Dispatcher{Outbox: o, Provider: &DevSink{Out: out, Outbox: o}})
	if got := OTPCode(PurposeNotice, notice); got != "" {
		t.Errorf("OTPCode of a notice = %q, want none", got)
	}

	_, body := get(t, h, "/dev/sms.json?to=09121234567", "")
	var got struct {
		Messages []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 2 {
		t.Fatalf("messages %+v, want the notice and the code", got.Messages)
	}
	if m := got.Messages[0]; m["purpose"] != PurposeNotice || m["code"] != nil {
		t.Errorf("the notice, newest, is listed as %+v; want no code", m)
	}
	if m := got.Messages[1]; m["purpose"] != PurposeOTP || m["code"] != "482915" {
		t.Errorf("the one-time code is listed as %+v", m)
	}

	_, page := get(t, h, "/dev/sms?to=09121234567", "")
	if n := strings.Count(page, `class="sms-code"`); n != 1 || !strings.Contains(page, `class="sms-code" dir="ltr">482915<`) ||
		!strings.Contains(page, "۰۹۳۶***۴۵۶۷") {
		t.Errorf("page shows %d codes, want only 482915's:\n%s", n, page)
	}

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "SMS 4040 → 09121234567 [notice] دولت من ⏎") {
		t.Errorf("printed %q for the notice, want it without a code", last)
	}
}

// TestSendNotice: a notice goes with its transaction, as a message whose
// purpose says it is not a code (so it is not wiped as codes are).
func TestSendNotice(t *testing.T) {
	ctx := context.Background()
	o, _ := newOutbox(t)
	for _, commit := range []bool{false, true} {
		err := o.DB.InTx(ctx, func(tx *sqldb.Tx) error {
			if err := o.SendNotice(ctx, tx, "09121234567", "دولت من\nشمارهٔ همراه حساب شما تغییر کرد."); err != nil {
				return err
			}
			if !commit {
				return errors.New("rolled back")
			}
			return nil
		})
		if commit != (err == nil) {
			t.Fatalf("commit %v: %v", commit, err)
		}
	}
	var purposes []string
	err := sqldb.EachRow(ctx, o.DB.Read, `SELECT purpose FROM notify_sms WHERE to_mobile = $1`, []any{"09121234567"},
		func(scan func(...any) error) error {
			var p string
			if err := scan(&p); err != nil {
				return err
			}
			purposes = append(purposes, p)
			return nil
		})
	if err != nil || len(purposes) != 1 || purposes[0] != "notice" {
		t.Errorf("messages kept %v, %v; want one notice, from the committed transaction only", purposes, err)
	}
}
