package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/nix"
)

// demoMember is an agency of the demo exchange.
type demoMember struct {
	code, fa, en string
	subsystem    string
}

// demoService is a registry published on the demo exchange.
type demoService struct {
	member, code, path, fa, en string
	items                      exchange.Items
}

var demoMembers = []demoMember{
	{"sabteahval", "سازمان ثبت احوال کشور", "National Organization for Civil Registration", "registry"},
	{"sazmantanzim", "سازمان تنظیم مقررات و ارتباطات رادیویی", "Communications Regulatory Authority", "shahkar"},
	{"post", "شرکت ملی پست", "Iran Post", "address"},
	{"ssaa", "سازمان ثبت اسناد و املاک کشور", "Deeds and Properties Registration Organization", "registry"},
	{"police", "فرماندهی انتظامی", "Police (driving licences, vehicles, passports)", "registry"},
	{"centinsur", "بیمه مرکزی جمهوری اسلامی ایران", "Central Insurance of Iran", "registry"},
	{"medu", "وزارت آموزش و پرورش", "Ministry of Education", "registry"},
	{"bafia", "ادارهٔ کل امور اتباع و مهاجرین خارجی", "Bureau for Aliens and Foreign Immigrants' Affairs", "registry"},
}

var demoServices = []demoService{
	{"sabteahval", "identity", "/registry/sabteahval/identity", "استعلام هویت", "Identity inquiry",
		exchange.Items{"name", "family", "fatherName", "gender", "birthDate", "nin", "shenasnameNo", "shenasnameSeri", "shenasnameSerial",
			"officeCode", "officeName", "bookNo", "bookRow", "deathStatus", "deathDate", "message", "exceptionMessage"}},
	{"sabteahval", "persons", "/registry/persons", "خانواده", "Family links", nil},
	{"sabteahval", "residence", "/registry/residence", "اقامتگاه قانونی", "Legal residence", nil},
	{"sazmantanzim", "ServiceIDmatching", "/registry/sazmantanzim/shahkar/ServiceIDmatching", "شاهکار: تطابق کد ملی و شماره همراه",
		"Shahkar: national code and mobile matching", exchange.Items{"result", "requestId", "response", "comment", "id"}},
	{"post", "postcode", "/registry/post/address", "نشانی با کد پستی", "Address by postal code", nil},
	{"ssaa", "legal-persons", "/registry/legal-persons", "اشخاص حقوقی", "Legal persons", nil},
	{"police", "persons", "/registry/persons", "گواهینامه، خودرو و گذرنامهٔ اشخاص", "Licences, vehicles and passports of a person", nil},
	{"police", "vehicles", "/registry/vehicles", "خودرو با پلاک", "Vehicle by plate", nil},
	{"centinsur", "persons", "/registry/persons", "بیمه‌نامه‌های شخص ثالث اشخاص", "Third-party insurance of a person", nil},
	{"centinsur", "vehicles", "/registry/vehicles", "بیمه‌نامهٔ شخص ثالث خودرو", "Third-party insurance of a vehicle", nil},
	{"medu", "persons", "/registry/persons", "مدارک تحصیلی", "Education certificates", nil},
	{"bafia", "foreigners", "/registry/foreigners", "اتباع خارجی", "Foreign nationals", nil},
}

// memberPrefix is the INSTANCE/CLASS/ part of the platform member, which
// the demo's agencies share.
func memberPrefix(cfg config.Config) string {
	return cfg.PlatformMember[:strings.LastIndexByte(cfg.PlatformMember, '/')+1]
}

// portalSubsystem is the window's subsystem, the demo's caller.
func portalSubsystem(cfg config.Config) string { return cfg.PlatformMember + "/portal" }

// ensureCA creates the platform CA on the demo's first start.
func ensureCA(cfg config.Config) (bool, error) {
	if _, err := os.Stat(filepath.Join(caDir(cfg, ""), "ca.crt")); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	_, err := pki.InitCA(caDir(cfg, ""), "IR", time.Now())
	return err == nil, err
}

// bootstrapExchange registers the simulated registries' agencies,
// publishes the registries at registryURL and lets the window's portal
// call them, audited as actor's grants. It is idempotent: services are
// published again (at registryURL), and existing rights are left as they
// are, so an operator's changes stay. The demo runs it at every start;
// `panjereh exchange publish-registries` runs it for `serve`.
func bootstrapExchange(ctx context.Context, cfg config.Config, db *sqldb.DB, registryURL, actor string) error {
	st := &exchange.Store{DB: db}
	now := time.Now()
	platform := demoMember{cfg.PlatformMember, "سازمان فناوری اطلاعات ایران (پنجرهٔ ملی)", "Information Technology Organization of Iran (national window)", "portal"}
	instanceClass := memberPrefix(cfg)
	members := []demoMember{platform}
	for _, m := range demoMembers {
		m.code = instanceClass + m.code
		members = append(members, m)
	}
	for _, m := range members {
		if err := st.AddMember(ctx, exchange.Member{ID: m.code, NameFa: m.fa, NameEn: m.en}, now); err != nil {
			return err
		}
		sub, err := nix.ParseSubsystem(m.code + "/" + m.subsystem)
		if err != nil {
			return err
		}
		if err := st.AddSubsystem(ctx, sub, now); err != nil {
			return err
		}
	}
	client, err := nix.ParseSubsystem(portalSubsystem(cfg))
	if err != nil {
		return err
	}
	for _, s := range demoServices {
		var sub string
		for _, m := range demoMembers {
			if m.code == s.member {
				sub = m.subsystem
			}
		}
		id, err := nix.ParseService(instanceClass + s.member + "/" + sub + "/" + s.code)
		if err != nil {
			return err
		}
		svc := exchange.Service{ID: id, TitleFa: s.fa, TitleEn: s.en, TargetURL: registryURL + s.path, Items: s.items, RequireMTLS: true,
			OpenAPI: fmt.Sprintf(`{"openapi":"3.1.0","info":{"title":%q,"version":"1"},"paths":{}}`, s.en)}
		if err := st.Publish(ctx, svc, now); err != nil {
			return err
		}
		if _, err := st.Right(ctx, client, id); errors.Is(err, sqldb.ErrNotFound) {
			if err := st.Grant(ctx, actor, client, id, nil, now); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// ensureDemoCert issues that certificate on first start.
func ensureDemoCert(ctx context.Context, cfg config.Config, db *sqldb.DB) error {
	if _, err := os.Stat(filepath.Join(windowCertDir(cfg), "member.crt")); err == nil {
		return nil
	}
	return issueMember(ctx, &pki.Store{DB: db}, caDir(cfg, ""), cfg.PlatformMember, windowCertDir(cfg), time.Now())
}
