package audit

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerifyMain(t *testing.T) {
	db, key := tamperFixture(t)
	dsn := dsnOf(t, db)
	pemBytes, err := MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(t.TempDir(), "audit-pub.pem")
	if err := os.WriteFile(keyPath, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := VerifyMain(context.Background(), args, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	if code, out := run("--dsn", dsn, "--key", keyPath); code != 0 || !strings.Contains(out, "20 entries") || !strings.HasSuffix(out, "ok\n") {
		t.Errorf("clean log: exit %d\n%s", code, out)
	}
	if code, out := run("--dsn", dsn); code != 0 || !strings.Contains(out, "NOT checked") {
		t.Errorf("without a key: exit %d\n%s", code, out)
	}
	if code, _ := run(); code != 2 {
		t.Errorf("no --dsn: exit %d, want 2", code)
	}
	if code, _ := run("--dsn", dsn, "--key", filepath.Join(t.TempDir(), "missing.pem")); code != 2 {
		t.Errorf("missing key file: exit %d, want 2", code)
	}
	exec(t, db, `DELETE FROM audit_entries WHERE seq = 9`)
	if code, out := run("--dsn", dsn, "--key", keyPath); code != 1 || !strings.Contains(out, "problem: entry 9 removed") {
		t.Errorf("removed entry: exit %d\n%s", code, out)
	}
}

func TestParsePublicKeyPEM(t *testing.T) {
	key := newKey(t)
	pub, err := MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePublicKeyPEM(append([]byte("junk before\n"), pub...))
	if err != nil || !got.Equal(&key.PublicKey) {
		t.Errorf("ParsePublicKeyPEM = %v, %v", got, err)
	}
	if _, err := ParsePublicKeyPEM([]byte("no pem here")); err == nil {
		t.Error("no PEM block: no error")
	}
}
