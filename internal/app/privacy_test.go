package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/web"
)

// TestAccessesNameServicesAndResults: "who looked at my data" names each
// service asked by the title it is published with on the exchange and
// its provider, in both languages, beside its address, and says in words
// what came of each inquiry; a service no longer published keeps its
// address alone.
func TestAccessesNameServicesAndResults(t *testing.T) {
	ctx := context.Background()
	cfg, db := demoSetup(t)
	if err := bootstrapExchange(ctx, cfg, db, "http://127.0.0.1:1", "test"); err != nil {
		t.Fatal(err)
	}
	const subject = "0084575948"
	prefix := memberPrefix(cfg)
	ix := &exchange.Index{DB: db}
	start := time.Date(2025, 3, 21, 8, 30, 0, 0, time.UTC)
	calls := []struct {
		service string
		status  int
	}{
		{prefix + "sabteahval/registry/identity", 422},
		{prefix + "sabteahval/registry/identity", 200},
		{prefix + "sazmantanzim/shahkar/ServiceIDmatching", 200},
		{prefix + "police/registry/persons", 404},
		{prefix + "police/registry/persons", 403},
		{prefix + "medu/registry/grades", 502},
	}
	for i, c := range calls {
		ix.Add(msglog.Record{Seq: uint64(i + 1), Time: start.Add(time.Duration(i) * time.Minute), MessageID: fmt.Sprintf("m%d", i),
			Client: portalSubsystem(cfg), Service: c.service, Subject: subject, TrackingCode: "1234567890123452", Status: c.status})
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	list, err := accesses{index: ix, members: &exchange.Store{DB: db}}.Accesses(ctx, subject, 100)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Who, Service web.Text
		Address      string
		Result       web.Text
	}
	var got []row
	for _, a := range list {
		got = append(got, row{a.Who, a.ServiceTitle, a.Service, a.Result})
	}
	window := web.Text{Fa: "سازمان فناوری اطلاعات ایران (پنجرهٔ ملی)", En: "Information Technology Organization of Iran (national window)"}
	identity := web.Text{Fa: "استعلام هویت، سازمان ثبت احوال کشور", En: "Identity inquiry, National Organization for Civil Registration"}
	licences := web.Text{Fa: "گواهینامه، خودرو و گذرنامهٔ اشخاص، فرماندهی انتظامی",
		En: "Licences, vehicles and passports of a person, Police (driving licences, vehicles, passports)"}
	want := []row{ // newest first
		{window, web.Text{}, calls[5].service, web.Text{Fa: "پاسخی نیامد", En: "Not answered"}},
		{window, licences, calls[4].service, web.Text{Fa: "رد شد", En: "Refused"}},
		{window, licences, calls[3].service, web.Text{Fa: "یافت نشد", En: "Not found"}},
		{window, web.Text{Fa: "شاهکار: تطابق کد ملی و شماره همراه، سازمان تنظیم مقررات و ارتباطات رادیویی",
			En: "Shahkar: national code and mobile matching, Communications Regulatory Authority"}, calls[2].service,
			web.Text{Fa: "پاسخ داده شد", En: "Answered"}},
		{window, identity, calls[1].service, web.Text{Fa: "پاسخ داده شد", En: "Answered"}},
		{window, identity, calls[0].service, web.Text{Fa: "اطلاعات نادرست بود یا جور نبود", En: "Invalid or mismatched details"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accesses (-want +got):\n%s", diff)
	}
}
