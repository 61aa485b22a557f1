package audit

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

func TestForSubjectPages(t *testing.T) {
	db := sqldbtest.Open(t)
	l := newLog(t, db, nil)
	ctx := context.Background()
	const mine = "0012345678"
	for i := range 25 {
		mustRecord(t, l, event(i, mine))
		mustRecord(t, l, event(i, "0087654321"))
	}
	var got []string
	cursor := ""
	pages := 0
	for {
		p, err := l.ForSubject(ctx, mine, cursor, 10)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range p.Entries {
			if e.Subject != mine {
				t.Fatalf("entry %d is about %s", e.Seq, e.Subject)
			}
			got = append(got, e.Details["session"])
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	if pages != 3 || len(got) != 25 {
		t.Fatalf("%d pages, %d entries; want 3 pages, 25 entries", pages, len(got))
	}
	if got[0] != "s24" || got[24] != "s0" {
		t.Errorf("order: first %s, last %s; want newest first", got[0], got[24])
	}
	if _, err := l.ForSubject(ctx, mine, "not a cursor!", 10); !errors.Is(err, ErrBadCursor) {
		t.Errorf("bad cursor: %v", err)
	}
	p, err := l.ForSubject(ctx, "0000000000", "", 10)
	if err != nil || len(p.Entries) != 0 || p.Next != "" {
		t.Errorf("nobody's events: %+v, %v", p, err)
	}
}

func TestListFilters(t *testing.T) {
	db := sqldbtest.Open(t)
	l := newLog(t, db, nil)
	ctx := context.Background()
	base := time.Date(2025, 3, 21, 8, 0, 0, 0, time.UTC)
	kinds := []Kind{KindLogin, KindLoginFailed, KindOTPSent, KindClientChanged}
	for i := range 20 {
		ev := event(i, "0012345678")
		ev.Kind = kinds[i%len(kinds)]
		ev.Time = base.Add(time.Duration(i) * time.Minute)
		if ev.Kind == KindClientChanged {
			ev.Actor = ActorOperator("admin")
			ev.Subject = "client-7"
		}
		mustRecord(t, l, ev)
	}
	seqsOf := func(f Filter) []int64 {
		t.Helper()
		p, err := l.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, e := range p.Entries {
			out = append(out, e.Seq)
		}
		return out
	}
	tests := []struct {
		name string
		f    Filter
		want []int64
	}{
		{"kind", Filter{Kinds: []Kind{KindLoginFailed}}, []int64{18, 14, 10, 6, 2}},
		{"two kinds in a time range", Filter{Kinds: []Kind{KindLogin, KindOTPSent}, Since: base.Add(4 * time.Minute), Until: base.Add(11 * time.Minute)},
			[]int64{11, 9, 7, 5}},
		{"actor", Filter{Actor: ActorOperator("admin"), Limit: 2}, []int64{20, 16}},
		{"subject and since", Filter{Subject: "client-7", Since: base.Add(15 * time.Minute)}, []int64{20, 16}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, seqsOf(tt.f)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	p, err := l.List(ctx, Filter{Kinds: []Kind{KindClientChanged}})
	if err != nil || len(p.Entries) != 5 {
		t.Fatal(p, err)
	}
	e := p.Entries[0]
	want := Entry{Seq: 20, Event: Event{Time: base.Add(19 * time.Minute), Kind: KindClientChanged, Actor: "operator:admin", Subject: "client-7",
		IP: "192.0.2.7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", Details: map[string]string{"acr": "1", "session": "s19"}}}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}
}
