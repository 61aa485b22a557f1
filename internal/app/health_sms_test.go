package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/notify"
	"github.com/panjereh/panjereh/internal/notify/smsc"
)

// TestWindowHealthShowsRefusedSMS: while the operator's SMSC refuses the
// window's bind, the window's /healthz stays 200 — a load balancer keeps
// the node, as it would every other node with the same account — but
// reports itself degraded, with the SMS provider unavailable and why,
// never the password.
func TestWindowHealthShowsRefusedSMS(t *testing.T) {
	ctx := context.Background()
	srv := &smsc.Server{SystemID: "panjereh", Password: "issued"}
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg, db := demoSetup(t)
	cfg.SMS, cfg.SMPPAddr, cfg.SMPPSystemID, cfg.SMPPPassword = "smpp", srv.Addr(), "panjereh", "s3cret"
	st := startWindowOnly(t, cfg, db, false)
	h := st.window.Handler()
	type report struct {
		Status string
		DB     string
		Checks map[string]struct {
			Status, Since, Error string
			DetailFa             string `json:"detail_fa"`
			Details              map[string]float64
		}
	}
	health := func() (int, report, string) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		var r report
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("%v: %s", err, rec.Body)
		}
		return rec.Code, r, rec.Body.String()
	}
	if code, r, body := health(); code != http.StatusOK || r.Status != "ok" || r.Checks["sms"].Status != "ok" {
		t.Errorf("before any message: %d %s", code, body)
	}

	// A login code is queued (by any node: the outbox is the database's);
	// the window's dispatcher finds it at its next poll and the SMSC
	// refuses the bind.
	if _, err := (&notify.Outbox{DB: db}).Send(ctx, notify.Message{To: "09121234567", Body: "کد ورود: 482915",
		Purpose: notify.PurposeOTP, ExpiresAt: time.Now().Add(2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for srv.Refusals() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the window's dispatcher did not try the SMSC")
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, r, body := health()
	for code == http.StatusOK && r.Status == "ok" && time.Now().Before(deadline) {
		// The refusal is recorded once the dispatcher's batch is.
		time.Sleep(20 * time.Millisecond)
		code, r, body = health()
	}
	sms := r.Checks["sms"]
	if code != http.StatusOK || r.Status != "degraded" || r.DB != "ok" || sms.Status != "unavailable" || sms.Since == "" ||
		!strings.Contains(sms.Error, "ESME_RINVPASWD") || !strings.Contains(sms.DetailFa, "کد ورود") || sms.Details["queued"] != 1 {
		t.Errorf("during the refusal: %d %s", code, body)
	}
	if strings.Contains(body, "s3cret") {
		t.Errorf("/healthz shows the SMPP password: %s", body)
	}
	// Nor the SMSC's address or the account: whoever reaches /healthz
	// reads it, and the log has the whole error.
	if strings.Contains(body, "127.0.0.1") || strings.Contains(body, "panjereh\\\"") || sms.Error != "bind refused: ESME_RINVPASWD" {
		t.Errorf("/healthz names more than the refusal: %s", body)
	}
}
