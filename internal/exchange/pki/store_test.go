package pki

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

func TestStore(t *testing.T) {
	ctx := context.Background()
	ca := mustCA(t, t0)
	st := &Store{DB: sqldbtest.Open(t)}
	a, b := MemberID{"IR", "GOV", "10380284790"}, MemberID{"IR", "GOV", "10101234565"}
	record := func(t *testing.T, m MemberID, at time.Time) Certificate {
		t.Helper()
		certPEM, _, serial, err := ca.IssueMember(m, at)
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.RecordIssued(ctx, certPEM, at)
		if err != nil {
			t.Fatal(err)
		}
		if c.Serial != serial || c.Member != m {
			t.Fatalf("RecordIssued = %s %s, want %s %s", c.Serial, c.Member, serial, m)
		}
		if _, err := st.RecordIssued(ctx, certPEM, at); err == nil {
			t.Fatal("recording the same certificate twice succeeded")
		}
		return c
	}
	a1 := record(t, a, t0)
	a2 := record(t, a, t0.Add(time.Hour))
	b1 := record(t, b, t0)
	old := record(t, b, t0.AddDate(-2, 0, 0)) // expired a year before t0

	t.Run("list", func(t *testing.T) {
		got, err := st.List(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Serial != a2.Serial || got[1].Serial != a1.Serial || got[0].Revoked() {
			t.Fatalf("List(a) = %+v, want a2, a1 unrevoked", got)
		}
		if !got[1].IssuedAt.Equal(t0) || !got[1].NotAfter.Equal(a1.NotAfter) || string(got[1].PEM) != string(a1.PEM) {
			t.Errorf("List(a)[1] = %+v, want %+v", got[1], a1)
		}
		all, err := st.List(ctx, MemberID{})
		if err != nil || len(all) != 4 {
			t.Errorf("List(all) = %d certificates, %v; want 4", len(all), err)
		}
	})

	tests := []struct {
		name, target string
		want         int
		wantErr      error
	}{
		{"unknown serial", "abcdef", 0, sqldb.ErrNotFound},
		{"unknown member", "IR/GOV/999", 0, sqldb.ErrNotFound},
		{"malformed member", "IR/GOV/a b", 0, ErrInvalidMemberID},
		{"one serial, upper case", upper(b1.Serial), 1, nil},
		{"the same serial again", b1.Serial, 0, nil},
		{"a member", a.String(), 2, nil},
		{"the member again", a.String(), 0, nil},
		{"an expired certificate", old.Serial, 1, nil},
	}
	for _, tt := range tests {
		t.Run("revoke "+tt.name, func(t *testing.T) {
			got, err := st.Revoke(ctx, tt.target, "key compromised", t0.Add(2*time.Hour))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Revoke(%s) error = %v, want %v", tt.target, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Revoke(%s) = %d, want %d", tt.target, got, tt.want)
			}
		})
	}

	t.Run("revoked serials leave out the expired", func(t *testing.T) {
		got, err := st.RevokedSerials(ctx, t0)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{a1.Serial: true, a2.Serial: true, b1.Serial: true}
		if len(got) != len(want) {
			t.Fatalf("RevokedSerials = %v, want %v", got, want)
		}
		for _, s := range got {
			if !want[s] {
				t.Errorf("RevokedSerials has %s", s)
			}
		}
	})
	t.Run("revocation is kept with its reason", func(t *testing.T) {
		got, err := st.List(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range got {
			if !c.RevokedAt.Equal(t0.Add(2*time.Hour)) || c.RevokeReason != "key compromised" {
				t.Errorf("%s: revoked at %v for %q", c.Serial, c.RevokedAt, c.RevokeReason)
			}
		}
	})
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
