package exchange_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/nix"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func mustSub(t *testing.T, s string) exchange.Subsystem {
	t.Helper()
	sub, err := nix.ParseSubsystem(s)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func mustSvc(t *testing.T, s string) exchange.ServiceID {
	t.Helper()
	id, err := nix.ParseService(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// registry sets up a provider (the civil registry) and a client (the
// national window) with one published service.
func registry(t *testing.T) (*exchange.Store, exchange.Subsystem, exchange.ServiceID) {
	t.Helper()
	ctx := context.Background()
	st := &exchange.Store{DB: sqldbtest.Open(t)}
	for _, m := range []exchange.Member{
		{ID: "IR/GOV/10380284790", NameFa: "سازمان ثبت احوال کشور", NameEn: "National Organization for Civil Registration"},
		{ID: "IR/GOV/10101234565", NameFa: "پنجرهٔ ملی", NameEn: "National window"},
	} {
		if err := st.AddMember(ctx, m, t0); err != nil {
			t.Fatal(err)
		}
	}
	provider, client := mustSub(t, "IR/GOV/10380284790/civil"), mustSub(t, "IR/GOV/10101234565/portal")
	for _, s := range []exchange.Subsystem{provider, client} {
		if err := st.AddSubsystem(ctx, s, t0); err != nil {
			t.Fatal(err)
		}
	}
	svc := mustSvc(t, "IR/GOV/10380284790/civil/identity")
	err := st.Publish(ctx, exchange.Service{ID: svc, TitleFa: "استعلام هویت", TitleEn: "Identity inquiry",
		TargetURL: "http://127.0.0.1:8081/registry/sabteahval/identity", OpenAPI: `{"openapi":"3.1.0"}`,
		Items: exchange.Items{"name", "family", "fatherName", "birthDate", "deathStatus", "address.postCode"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return st, client, svc
}

func TestDenyByDefaultGrantChangeRevoke(t *testing.T) {
	ctx := context.Background()
	st, client, svc := registry(t)
	if _, err := st.Right(ctx, client, svc); !errors.Is(err, sqldb.ErrNotFound) {
		t.Fatalf("right before any grant: %v, want not found (deny by default)", err)
	}
	if err := st.Grant(ctx, "admin:0012345679", client, svc, exchange.Items{"name", "family"}, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	r, err := st.Right(ctx, client, svc)
	if err != nil || !cmp.Equal(r.Items, exchange.Items{"name", "family"}) || r.GrantedBy != "admin:0012345679" {
		t.Fatalf("Right = %+v, %v", r, err)
	}
	if err := st.Grant(ctx, "admin:2", client, svc, nil, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if r, _ := st.Right(ctx, client, svc); !r.Items.All() {
		t.Errorf("after widening to all items: %v", r.Items)
	}
	allowed, err := st.Allowed(ctx, client)
	if err != nil || len(allowed) != 1 || allowed[0].ID != svc {
		t.Errorf("Allowed = %v, %v", allowed, err)
	}
	if err := st.Revoke(ctx, "admin:3", client, svc, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Right(ctx, client, svc); !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("right after revoke: %v", err)
	}
	if err := st.Revoke(ctx, "admin:3", client, svc, t0.Add(4*time.Minute)); !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("revoking twice: %v", err)
	}
	entries, err := st.Audit(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Action+" by "+e.Actor)
	}
	want := []string{"revoke by admin:3", "change by admin:2", "grant by admin:0012345679"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

func TestGrantRefusesWhatIsNotPublished(t *testing.T) {
	ctx := context.Background()
	st, client, svc := registry(t)
	tests := []struct {
		name   string
		client exchange.Subsystem
		svc    exchange.ServiceID
		items  exchange.Items
	}{
		{"an item the service does not publish", client, svc, exchange.Items{"salary"}},
		{"a malformed item", client, svc, exchange.Items{"name..x"}},
		{"an unpublished service", client, mustSvc(t, "IR/GOV/10380284790/civil/photo"), nil},
		{"an unregistered client", mustSub(t, "IR/GOV/999/ghost"), svc, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := st.Grant(ctx, "admin", tt.client, tt.svc, tt.items, t0); !errors.Is(err, exchange.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
	// A service that publishes no items is granted whole, and says so.
	whole := mustSvc(t, "IR/GOV/10380284790/civil/death")
	if err := st.Publish(ctx, exchange.Service{ID: whole, TitleFa: "استعلام فوت", TitleEn: "Death inquiry",
		TargetURL: "http://127.0.0.1:8081/registry/sabteahval/death"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := st.Grant(ctx, "admin", client, whole, exchange.Items{"name"}, t0); !errors.Is(err, exchange.ErrInvalid) ||
		!strings.Contains(err.Error(), "publishes no data items") {
		t.Errorf("a grant of an item of a service that publishes none: %v", err)
	}
	// A prefix of a published item ("address") and the item itself are fine.
	if err := st.Grant(ctx, "admin", client, svc, exchange.Items{"address", "name"}, t0); err != nil {
		t.Errorf("grant of a prefix: %v", err)
	}
	if entries, _ := st.Audit(ctx, 10); len(entries) != 1 {
		t.Errorf("refused grants were audited: %d entries", len(entries))
	}
}

func TestRegistryListsAndValidation(t *testing.T) {
	ctx := context.Background()
	st, _, svc := registry(t)
	members, err := st.Members(ctx)
	if err != nil || len(members) != 2 || members[0].ID != "IR/GOV/10101234565" {
		t.Errorf("Members = %v, %v", members, err)
	}
	services, err := st.Services(ctx, "IR/GOV/10380284790")
	if err != nil || len(services) != 1 || services[0].ID != svc || services[0].OpenAPI == "" {
		t.Errorf("Services = %v, %v", services, err)
	}
	if s, _ := st.Services(ctx, "IR/GOV/10101234565"); len(s) != 0 {
		t.Errorf("the window publishes %v", s)
	}
	if err := st.AddSubsystem(ctx, mustSub(t, "IR/GOV/777/x"), t0); !errors.Is(err, exchange.ErrInvalid) {
		t.Errorf("subsystem of an unknown member: %v", err)
	}
	bad := exchange.Service{ID: mustSvc(t, "IR/GOV/10380284790/civil/x"), TitleFa: "x", TitleEn: "x", TargetURL: "ftp://x"}
	if err := st.Publish(ctx, bad, t0); !errors.Is(err, exchange.ErrInvalid) {
		t.Errorf("bad target URL: %v", err)
	}
	if err := st.AddMember(ctx, exchange.Member{ID: "nonsense"}, t0); !errors.Is(err, exchange.ErrInvalid) {
		t.Errorf("bad member ID: %v", err)
	}
	if _, err := st.Service(ctx, mustSvc(t, "IR/GOV/10380284790/civil/none")); !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("unknown service: %v", err)
	}
}
