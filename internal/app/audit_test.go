package app

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// sealedAuditLog writes a few entries to a fresh database's audit log and
// seals them with the key a node keeps in dataDir, as serve does. It
// returns the database's DSN.
func sealedAuditLog(t *testing.T, dataDir string) (*sqldb.DB, string) {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	key, err := signingKey(filepath.Join(dataDir, "audit"), "seal.key", "seal-pub.pem")
	if err != nil {
		t.Fatal(err)
	}
	l := &audit.Log{DB: db, Signer: key, SealEvery: time.Hour}
	for _, who := range []string{"0499370899", "0499370902", "0499370910"} {
		if err := l.Record(ctx, audit.Event{Kind: audit.KindLogin, Actor: audit.ActorPerson(who), Subject: who}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return db, sqldbtest.DSN(t, db)
}

// TestAuditVerifyMissingDatabase: verifying where there is no database
// says so and creates nothing, whichever way the place was named.
func TestAuditVerifyMissingDatabase(t *testing.T) {
	t.Run("no configuration", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		code, out, errOut := run(t, nil, "", "audit", "verify")
		if code != 1 || !strings.Contains(errOut, "no audit log at sqlite:data/panjereh.db") {
			t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		assertEmptyDir(t, dir)
	})
	tests := []struct {
		name string
		env  func(dir string) map[string]string
		args func(dir string) []string
	}{
		{"PANJEREH_DATA_DIR", func(dir string) map[string]string { return map[string]string{"PANJEREH_DATA_DIR": dir} }, nil},
		{"--data-dir", nil, func(dir string) []string { return []string{"--data-dir", filepath.Join(dir, "data")} }},
		{"PANJEREH_DSN", func(dir string) map[string]string {
			return map[string]string{"PANJEREH_DSN": "sqlite:" + filepath.Join(dir, "audit.db")}
		}, nil},
		{"--dsn", nil, func(dir string) []string { return []string{"--dsn", "sqlite:" + filepath.Join(dir, "sub", "audit.db")} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var env map[string]string
			if tt.env != nil {
				env = tt.env(dir)
			}
			args := []string{"audit", "verify"}
			if tt.args != nil {
				args = append(args, tt.args(dir)...)
			}
			code, out, errOut := run(t, env, "", args...)
			if code != 1 || !strings.Contains(errOut, "no audit log at sqlite:"+dir) || !strings.Contains(errOut, "does not exist") {
				t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			assertEmptyDir(t, dir)
		})
	}
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("audit verify left %s in %s", e.Name(), dir)
	}
}

// TestAuditVerifyNoAuditLog: a database without the audit tables is named,
// its password masked, and is neither migrated nor verified as empty.
func TestAuditVerifyNoAuditLog(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.OpenEmpty(t)
	dsn := sqldbtest.DSN(t, db)
	if db.Dialect == sqldb.Postgres {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(u.User.Username(), "s3cret-pw")
		dsn = u.String()
	}
	code, out, errOut := run(t, map[string]string{"PANJEREH_DATA_DIR": t.TempDir()}, "", "audit", "verify", "--dsn", dsn)
	want := "panjereh audit verify: no audit log at " + sqldb.Redact(dsn) + ": the database has no audit_entries table"
	if code != 1 || !strings.Contains(errOut, want) || strings.Contains(errOut+out, "s3cret-pw") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s\nwant: %s", code, out, errOut, want)
	}
	for _, table := range []string{"audit_entries", "audit_head"} {
		if has, err := db.HasTable(ctx, table); err != nil || has {
			t.Errorf("after verify, table %s exists: %v, %v", table, has, err)
		}
	}
}

// TestAuditVerifyKeys: the seals' key is the --key given, else the data
// directory's, else none, and the output says which.
func TestAuditVerifyKeys(t *testing.T) {
	dataDir := t.TempDir()
	_, dsn := sealedAuditLog(t, dataDir)
	dataKey := filepath.Join(dataDir, "audit", "seal-pub.pem")
	otherDir := t.TempDir()
	if _, err := signingKey(filepath.Join(otherDir, "audit"), "seal.key", "seal-pub.pem"); err != nil {
		t.Fatal(err)
	}
	otherKey := filepath.Join(otherDir, "audit", "seal-pub.pem")
	empty := t.TempDir()

	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"key from --data-dir", nil, []string{"--data-dir", dataDir, "--dsn", dsn}, 0,
			[]string{"3 entries", "signatures checked with " + dataKey + " (from the data directory)", "ok\n"}},
		{"key from PANJEREH_DATA_DIR", map[string]string{"PANJEREH_DATA_DIR": dataDir, "PANJEREH_DSN": dsn}, nil, 0,
			[]string{"signatures checked with " + dataKey + " (from the data directory)", "ok\n"}},
		{"--key wins over the data directory", nil, []string{"--data-dir", otherDir, "--dsn", dsn, "--key", dataKey}, 0,
			[]string{"signatures checked with " + dataKey + " (from --key)", "ok\n"}},
		{"the data directory's key is the wrong one", nil, []string{"--data-dir", otherDir, "--dsn", dsn}, 1,
			[]string{"signatures checked with " + otherKey + " (from the data directory)", "problem: seal at seq 3"}},
		{"no key", nil, []string{"--data-dir", empty, "--dsn", dsn}, 0,
			[]string{"signatures NOT checked: no --key and no " + filepath.Join(empty, "audit", "seal-pub.pem"), "ok\n"}},
		{"missing --key file", nil, []string{"--data-dir", dataDir, "--dsn", dsn, "--key", filepath.Join(empty, "missing.pem")}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.env, "", append([]string{"audit", "verify"}, tt.args...)...)
			bad := code != tt.wantCode
			for _, w := range tt.wantOut {
				bad = bad || !strings.Contains(out, w)
			}
			if bad {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant: %q", code, tt.wantCode, out, errOut, tt.wantOut)
			}
		})
	}
}

// TestAuditVerifyTampering: the command still finds a changed entry.
func TestAuditVerifyTampering(t *testing.T) {
	dataDir := t.TempDir()
	db, dsn := sealedAuditLog(t, dataDir)
	if _, err := db.Write.Exec(`UPDATE audit_entries SET subject = '0499370899' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, nil, "", "audit", "verify", "--data-dir", dataDir, "--dsn", dsn)
	if code != 1 || !strings.Contains(out, "problem: entry 2 altered") || strings.Contains(out, "ok\n") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

// TestAuditHelp: both help texts describe the same flags and defaults.
func TestAuditHelp(t *testing.T) {
	for _, args := range [][]string{{"audit", "-h"}, {"audit", "verify", "-h"}} {
		code, _, errOut := run(t, nil, "", args...)
		if code != 0 || !strings.Contains(errOut, auditUsage) {
			t.Errorf("%v: exit %d\n%s", args, code, errOut)
		}
	}
	_, _, errOut := run(t, nil, "", "audit", "verify", "-h")
	for _, flag := range []string{"-data-dir", "PANJEREH_DATA_DIR", "-dsn", "PANJEREH_DSN", "-key"} {
		if !strings.Contains(errOut, flag) {
			t.Errorf("audit verify -h does not mention %s:\n%s", flag, errOut)
		}
	}
}
