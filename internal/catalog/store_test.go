package catalog_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

func seeded(t *testing.T) (*catalog.Store, *catalog.Content, *clocktest.Clock, *audit.Log) {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	clock := clocktest.New(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC))
	al := &audit.Log{DB: db, Now: clock.Now}
	t.Cleanup(func() { al.Close(context.Background()) })
	st := &catalog.Store{DB: db, Audit: al, Now: clock.Now}
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	stats, err := st.Seed(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Services != len(c.Services) || stats.Agencies != len(c.Agencies) || stats.Licences != len(c.Licences) {
		t.Fatalf("seed: %+v, want all of %d/%d/%d", stats, len(c.Agencies), len(c.Services), len(c.Licences))
	}
	return st, c, clock, al
}

func TestSeedLoadAndSave(t *testing.T) {
	ctx := context.Background()
	st, c, clock, al := seeded(t)

	// Seeding again adds no service and keeps agencies' edits.
	sn, err := st.Load(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(sn.Services) != len(c.Services) || len(sn.Agencies) != len(c.Agencies) || len(sn.Licences) != len(c.Licences) {
		t.Fatalf("load: %d/%d/%d", len(sn.Agencies), len(sn.Services), len(sn.Licences))
	}
	sv := sn.Services[0]
	if m := sn.Meta[sv.ID]; m.Version != 1 || m.UpdatedBy != "seed" {
		t.Fatalf("meta %+v", m)
	}
	edited := sv
	edited.Summary.Fa += " ویرایش شد."
	edited.Summary.En += " Edited."
	edited.Reviewed = "2026-11-24"
	v, err := st.SaveService(ctx, sn, edited, 1, "0012345679", "summary clarified")
	if err != nil || v != 2 {
		t.Fatalf("save: %d %v", v, err)
	}
	// A second editor still on version 1 is refused, and nothing changes.
	if _, err := st.SaveService(ctx, sn, sv, 1, "0084575948", "stale"); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("stale save: %v, want ErrConflict", err)
	}
	if stats, err := st.Seed(ctx, c); err != nil || stats.Services != 0 {
		t.Fatalf("reseed: %+v %v", stats, err)
	}
	sn2, err := st.Load(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if sn2.Generation <= sn.Generation {
		t.Errorf("generation %d after %d", sn2.Generation, sn.Generation)
	}
	got := sn2.Services[0]
	if got.Summary != edited.Summary || sn2.Meta[got.ID].Version != 2 || sn2.Meta[got.ID].UpdatedBy != "0012345679" {
		t.Errorf("after save and reseed: %+v %+v", got.Summary, sn2.Meta[got.ID])
	}
	vers, err := st.Versions(ctx, sv.ID)
	if err != nil || len(vers) != 2 || vers[0].Version != 2 || vers[0].Note != "summary clarified" || vers[1].Record.Summary != sv.Summary {
		t.Fatalf("versions: %+v %v", vers, err)
	}

	// A bad record is refused with its problems, and not saved.
	bad := got
	bad.Title.En = ""
	bad.Assurance = "loa7"
	_, err = st.SaveService(ctx, sn2, bad, 2, "0012345679", "")
	var probs catalog.Problems
	if !errors.As(err, &probs) || len(probs) != 2 {
		t.Fatalf("bad save: %v", err)
	}

	// A new service needs an unused ID of its agency.
	nw := got
	nw.ID = got.ID[:3] + "9999"
	if v, err := st.SaveService(ctx, sn2, nw, 0, "0012345679", "new"); err != nil || v != 1 {
		t.Fatalf("new service: %d %v", v, err)
	}
	if _, err := st.SaveService(ctx, sn2, nw, 0, "0012345679", "again"); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("same ID again: %v", err)
	}

	// Every change is in the audit log, which verifies.
	if err := al.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := al.List(ctx, audit.Filter{Subject: sv.ID})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Kind != catalog.EventServiceSaved || page.Entries[0].Actor != audit.ActorPerson("0012345679") {
		t.Fatalf("audit: %+v %v", page, err)
	}
	if _, err := audit.Verify(ctx, st.DB); err != nil {
		t.Fatal(err)
	}
	_ = clock
}

func TestOutagesUsesAndStaff(t *testing.T) {
	ctx := context.Background()
	st, c, clock, _ := seeded(t)
	id := c.Services[0].ID
	now := clock.Now()
	o, err := st.AddOutage(ctx, catalog.Outage{ServiceID: id, Starts: now.Add(time.Hour), Ends: now.Add(3 * time.Hour),
		Message: catalog.Text{Fa: "به‌روزرسانی سامانه", En: "System upgrade"}}, "0012345679")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []catalog.Outage{
		{ServiceID: id, Starts: now, Ends: now, Message: catalog.Text{Fa: "الف", En: "A"}},
		{ServiceID: id, Starts: now, Ends: now.Add(time.Hour), Message: catalog.Text{Fa: "الف"}},
	} {
		if _, err := st.AddOutage(ctx, bad, "0012345679"); err == nil {
			t.Errorf("outage %+v accepted", bad)
		}
	}
	if _, err := st.AddOutage(ctx, catalog.Outage{ServiceID: "1999999", Starts: now, Ends: now.Add(time.Hour),
		Message: catalog.Text{Fa: "الف", En: "A"}}, "0012345679"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("outage of an unknown service: %v", err)
	}
	list, err := st.Outages(ctx, id)
	if err != nil || len(list) != 1 || list[0].ID != o.ID || !list[0].Starts.Equal(o.Starts) {
		t.Fatalf("outages: %+v %v", list, err)
	}
	if err := st.EndOutage(ctx, o.ID, "0012345679"); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Second)
	if list, err := st.Outages(ctx, id); err != nil || len(list) != 0 {
		t.Fatalf("after end: %+v %v", list, err)
	}

	for range 3 {
		if err := st.Use(ctx, id, "acc-1"); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Second)
	}
	if err := st.Use(ctx, c.Services[1].ID, "acc-1"); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, "acc-1", c.Services[1].ID, true); err != nil {
		t.Fatal(err)
	}
	saved, recent, err := st.Mine(ctx, "acc-1")
	if err != nil || len(saved) != 1 || saved[0] != c.Services[1].ID || len(recent) != 2 || recent[0] != c.Services[1].ID {
		t.Fatalf("mine: %v %v %v", saved, recent, err)
	}
	if err := st.Save(ctx, "acc-1", c.Services[1].ID, false); err != nil {
		t.Fatal(err)
	}
	if saved, _, _ := st.Mine(ctx, "acc-1"); len(saved) != 0 {
		t.Errorf("unsaved: %v", saved)
	}
	sn, err := st.Load(ctx, c)
	if err != nil || sn.Uses[id] != 3 {
		t.Fatalf("uses: %v %v", sn.Uses, err)
	}

	if err := st.Grant(ctx, "0084575948", "police", "0012345679"); err != nil {
		t.Fatal(err)
	}
	if err := st.Grant(ctx, "0084575948", "nowhere", "0012345679"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("grant to an unknown agency: %v", err)
	}
	if ag, err := st.StaffOf(ctx, "0084575948"); err != nil || len(ag) != 1 || ag[0] != "police" {
		t.Fatalf("staff of: %v %v", ag, err)
	}
	if err := st.Revoke(ctx, "0084575948", "police", "0012345679"); err != nil {
		t.Fatal(err)
	}
	if ag, _ := st.StaffOf(ctx, "0084575948"); len(ag) != 0 {
		t.Errorf("after revoke: %v", ag)
	}
}
