package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/notify/smpp"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func run(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PANJEREH_DATA_DIR": dir}
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"no command", nil, "", 2, "", "Commands:"},
		{"help", []string{"-h"}, "", 0, "", "demo"},
		{"unknown", []string{"frobnicate"}, "", 2, "", `unknown command "frobnicate"`},
		{"version", []string{"version"}, "", 0, "panjereh ", ""},
		{"subcommand help", []string{"seed", "-h"}, "", 0, "", "-persons"},
		{"every config problem at once", []string{"serve", "--addr", "x", "--log-format", "xml"}, "", 2, "", "log-format"},
		{"bad component", []string{"serve", "database"}, "", 2, "", `unknown component "database"`},
		{"flags after the component", []string{"serve", "registry", "--registry-addr", "nowhere"}, "", 2, "", "registry-addr:"},
		{"unexpected argument", []string{"seed", "lots"}, "", 2, "", `unexpected argument "lots"`},
		{"migrate", []string{"migrate"}, "", 0, "applied", ""},
		{"migrate status", []string{"migrate", "--status"}, "", 0, "applied\t00001_meta.sql", ""},
		{"ids check valid", []string{"ids", "check", "0499370899"}, "", 0, "0499370899\tnational-code\tvalid", ""},
		{"ids check invalid", []string{"ids", "check", "--kind", "mobile", "0812"}, "", 1, "invalid", ""},
		{"ids clean", []string{"ids", "clean", "--column", "nc:national-code"}, "nc\n۰۴۹۹۳۷۰۸۹۹\n", 0, "nc\n0499370899\n", ""},
		{"bench before seeding", []string{"bench", "--duration", "1s"}, "", 1, "", "run `panjereh seed"},
		{"ca init", []string{"ca", "init"}, "", 0, "created the IR certificate authority", ""},
		{"ca init twice", []string{"ca", "init"}, "", 1, "", "ca init"},
		{"ca issue", []string{"ca", "issue", "--member", "IR/GOV/sabteahval", "--out", filepath.Join(dir, "certs")}, "", 0, "issued a certificate for IR/GOV/sabteahval", ""},
		{"ca issue bad member", []string{"ca", "issue", "--member", "sabteahval", "--out", dir}, "", 1, "", "ca issue"},
		{"ca list", []string{"ca", "list"}, "", 0, "IR/GOV/sabteahval", ""},
		{"ca revoke", []string{"ca", "revoke", "--member", "IR/GOV/sabteahval", "--reason", "test"}, "", 0, "revoked 1 certificate(s)", ""},
		{"ca list revoked", []string{"ca", "list", "--member", "IR/GOV/sabteahval"}, "", 0, "revoked", ""},
		{"exchange grant unknown service", []string{"exchange", "grant", "--client", "IR/GOV/ito/portal", "--service", "IR/GOV/x/y/z"}, "", 1, "", "not published"},
		{"exchange grant malformed", []string{"exchange", "grant", "--client", "portal", "--service", "IR/GOV/x/y/z"}, "", 1, "", "INSTANCE/CLASS/MEMBER/SUBSYSTEM"},
		{"exchange verify-log without paths", []string{"exchange", "verify-log"}, "", 2, "", ""},
		{"exchange publish-registries not https", []string{"exchange", "publish-registries", "--registry-url", "http://registries.example:8081"}, "", 1, "", "want https://HOST:PORT"},
		{"exchange publish-registries", []string{"exchange", "publish-registries", "--registry-url", "https://registries.example:8081/"}, "", 0,
			"published 12 registry services of 8 agencies at https://registries.example:8081; IR/GOV/ito/portal may call them", ""},
		{"exchange publish-registries again", []string{"exchange", "publish-registries"}, "", 0, "at https://127.0.0.1:8081;", ""},
		{"exchange rights after publishing", []string{"exchange", "rights"}, "", 0, "\tgrant\tcli:", ""},
		{"exchange grant after publishing", []string{"exchange", "grant", "--client", "IR/GOV/ito/portal", "--service", "IR/GOV/sabteahval/registry/identity", "--items", "name,family"}, "", 0,
			"granted IR/GOV/ito/portal the right to call IR/GOV/sabteahval/registry/identity (name, family)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, env, tt.stdin, tt.args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d (want %d)\nstdout: %s(want %q)\nstderr: %s(want %q)", code, tt.wantCode, out, tt.wantOut, errOut, tt.wantErr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "panjereh.db")); err != nil {
		t.Errorf("the database was not created under the data directory: %v", err)
	}
}

func TestSeedIsReproducibleAndRefusesTwice(t *testing.T) {
	env := map[string]string{"PANJEREH_DATA_DIR": t.TempDir()}
	code, out, errOut := run(t, env, "", "seed", "--persons", "300", "--seed", "7")
	if code != 0 || !strings.Contains(out, "seeded 300 persons") {
		t.Fatalf("seed: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "", "seed", "--persons", "300"); code == 0 {
		t.Errorf("seeding a seeded database succeeded; stderr %s", errOut)
	}
	if code, out, errOut := run(t, env, "", "seed", "--persons", "300", "--seed", "7", "--reset"); code != 0 {
		t.Errorf("seed --reset: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestDemo runs the main job as a person would, on free loopback ports,
// calls the window and a registry, and stops it the way Ctrl-C does.
// runningDemo is `panjereh demo` running on loopback ports in a test.
type runningDemo struct {
	window, gateway, reg string
	agency               string
	env                  map[string]string
	out, errOut          *syncBuffer
	done                 chan int
	stop                 context.CancelFunc
}

// startDemo runs the demo with a small population and waits for it to
// print its URLs.
func startDemo(t *testing.T) *runningDemo {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	d := &runningDemo{env: map[string]string{"PANJEREH_DATA_DIR": t.TempDir()}, out: &syncBuffer{}, errOut: &syncBuffer{},
		done: make(chan int, 1), stop: cancel}
	go func() {
		d.done <- Main(ctx, []string{"demo", "--persons", "300", "--addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:0",
			"--exchange-addr", "127.0.0.1:0", "--agency-addr", "127.0.0.1:0"},
			func(k string) string { return d.env[k] }, strings.NewReader(""), d.out, d.errOut)
	}()
	urlRE := regexp.MustCompile(`National window \(پنجرهٔ ملی\):\s+(http://\S+)/ `)
	nixRE := regexp.MustCompile(`Information exchange \(مرکز تبادل\):\s+(https://\S+)/r1/`)
	regRE := regexp.MustCompile(`registries \(پایگاه‌ها\):\s+(https://\S+) `)
	agencyRE := regexp.MustCompile(`Agency window \(درگاه دستگاه، نمایشی\):\s+(http://\S+)/ `)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := agencyRE.FindStringSubmatch(d.out.String()); m != nil {
			d.agency = m[1]
		}
		if m := urlRE.FindStringSubmatch(d.out.String()); m != nil {
			d.window = m[1]
		}
		if m := nixRE.FindStringSubmatch(d.out.String()); m != nil {
			d.gateway = m[1]
		}
		if m := regRE.FindStringSubmatch(d.out.String()); m != nil {
			d.reg = m[1]
		}
		if d.window != "" && d.gateway != "" && d.reg != "" && d.agency != "" {
			return d
		}
		select {
		case code := <-d.done:
			t.Fatalf("demo exited early with %d\n%s\n%s", code, d.out.String(), d.errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("demo did not print its URLs:\n%s\n%s", d.out.String(), d.errOut.String())
	return nil
}

// shutdown interrupts the demo and checks it stops cleanly.
func (d *runningDemo) shutdown(t *testing.T) {
	t.Helper()
	d.stop()
	select {
	case code := <-d.done:
		if code != 0 {
			t.Errorf("demo exit %d after interrupt\n%s", code, d.errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop after interrupt")
	}
}

func TestDemo(t *testing.T) {
	if sqldbtest.Backend() == "postgres" {
		t.Log("the demo always uses the embedded SQLite; running it on SQLite")
	}
	d := startDemo(t)
	ctx := context.Background()
	window, gateway, reg, env, out := d.window, d.gateway, d.reg, d.env, d.out
	if !strings.Contains(out.String(), window+"/oauth2/console") || !strings.Contains(out.String(), d.agency+"/") {
		t.Errorf("the demo does not print the console and the agency's window:\n%s", out.String())
	}
	// The OIDC provider's own lines, logged through slog's default, come
	// in the demo's logger's format, not the standard log package's.
	if e := d.errOut.String(); !strings.Contains(e, `msg="registered route" endpoint=/oauth2/token`) {
		t.Errorf("the OIDC provider's lines do not follow the configured logger:\n%s", e)
	}
	if want := "(as an overseer: " + demoOverseer + ", the ceo persona)"; !strings.Contains(out.String(), want) {
		t.Errorf("the demo does not name its overseer (%s):\n%s", want, out.String())
	}
	if got := overseersNote([]string{"0012345679", "0021122334"}); got != "0012345679, 0021122334" {
		t.Errorf("the banner names configured overseers %q", got)
	}
	for _, p := range registry.Personas() {
		if !strings.Contains(out.String(), p.NationalCode+p.FIDA) {
			t.Errorf("persona %s not printed", p.Key)
		}
	}

	// The home page is the service catalog, seeded on the first start;
	// the developers' page shows the gateway.
	res, err := http.Get(window + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `dir="rtl"`) || !strings.Contains(string(body), "پرکاربردترین خدمات") {
		t.Errorf("window home: %d, rtl and the catalog expected", res.StatusCode)
	}
	res, err = http.Get(window + "/developers")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), gateway) {
		t.Errorf("developers' page: %d, the gateway's URL expected", res.StatusCode)
	}
	// A police service starts at the demo's traffic police agency.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var police string
	func() {
		res, err := http.Get(window + "/api/v1/services?agency=police&electronic=yes&limit=1")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var got struct{ Results []struct{ ID string } }
		if err := json.NewDecoder(res.Body).Decode(&got); err != nil || len(got.Results) == 0 {
			t.Fatalf("police services: %v %+v", err, got)
		}
		police = got.Results[0].ID
	}()
	res, err = noFollow.Get(window + "/services/" + police + "/start")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, d.agency) {
		t.Errorf("start %s: %d to %q, want the demo agency %s", police, res.StatusCode, loc, d.agency)
	}

	// Through the exchange with the certificate the demo left for people
	// to use, as an agency's code would call it.
	certs := filepath.Join(env["PANJEREH_DATA_DIR"], "certs", "portal")
	c, err := nix.New(gateway, "IR/GOV/ito/portal", certs)
	if err != nil {
		t.Fatal(err)
	}
	p := registry.Personas()[0]
	var got map[string]any
	resp, err := c.JSON(ctx, nix.Call{Service: "IR/GOV/sabteahval/registry/identity", Subject: p.NationalCode, TrackingCode: "DEMO-1",
		Body: map[string]string{"nin": p.NationalCode, "birthDate": strings.ReplaceAll(p.BirthDate, "/", "")}}, &got)
	if err != nil || got["nin"] != p.NationalCode || resp.MessageID == "" {
		t.Errorf("identity inquiry through the exchange: %v %v", got, err)
	}
	_, err = c.Do(ctx, nix.Call{Service: "IR/GOV/police/registry/persons", Path: p.NationalCode + "/driving-licences"})
	if err != nil {
		t.Errorf("licences through the exchange: %v", err)
	}
	_, err = c.Do(ctx, nix.Call{Service: "IR/GOV/sabteahval/registry/identity", Body: map[string]string{"nin": "0012345678", "birthDate": "13700512"}})
	var nerr *nix.Error
	if !errors.As(err, &nerr) || nerr.Status != 400 || nerr.DetailFa == "" {
		t.Errorf("a malformed national code through the exchange: %v", err)
	}
	_, err = c.Do(ctx, nix.Call{Service: "IR/GOV/sabteahval/registry/photo"})
	if !errors.Is(err, nix.ErrNotFound) {
		t.Errorf("an unknown service: %v", err)
	}

	// A persona registers at the window, which checks them with the
	// registries through the exchange, reads the code from the
	// development SMS sink and logs in.
	demoRegisterAndLogin(t, window, registry.Personas()[0])
	demoRegisterOthers(t, window)

	// The registries answer nobody but the gateway.
	direct, err := nix.LoadTLS(certs)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: direct}}
	res, err = hc.Post(reg+"/registry/sabteahval/identity", "application/json", strings.NewReader(`{}`))
	if err == nil {
		res.Body.Close()
		if res.StatusCode != 401 && res.StatusCode != 403 {
			t.Errorf("a direct call to a registry: %d", res.StatusCode)
		}
	}

	d.shutdown(t)
	if !strings.Contains(d.errOut.String(), "stopped") {
		t.Errorf("no clean-stop log line:\n%s", d.errOut.String())
	}

	// The registration and login are in the audit log, whose chain and
	// seals verify with the key the demo left.
	var vout, verr syncBuffer
	if code := Main(context.Background(), []string{"audit", "verify"}, func(k string) string { return env[k] },
		strings.NewReader(""), &vout, &verr); code != 0 || !strings.Contains(vout.String(), "ok") {
		t.Errorf("audit verify: exit %d\n%s\n%s", code, vout.String(), verr.String())
	}
}

// demoRegisterAndLogin registers p at the running window and logs in with
// the code the development sink shows.
func demoRegisterAndLogin(t *testing.T, window string, p registry.Persona) {
	t.Helper()
	get, body := demoRegister(t, window, url.Values{"kind": {"natural"}, "nationalCode": {p.NationalCode},
		"birthDate": {p.BirthDate}, "mobile": {p.Mobiles[0]}}, p.Mobiles[0])
	if !strings.Contains(body, p.FirstName) || !strings.Contains(body, "سامانهٔ شاهکار") {
		t.Fatalf("account after login:\n%s", body)
	}
	demoPrivacyPages(t, get)
}

// demoRegisterOthers registers the foreign national and the ceo
// persona's company at the running window, through the exchange and the
// simulated registries as a person would: the foreigners' registry and
// Shahkar by FIDA (A1), the company's own legal residence.
func demoRegisterOthers(t *testing.T, window string) {
	t.Helper()
	var foreigner, ceo registry.Persona
	for _, p := range registry.Personas() {
		switch {
		case p.FIDA != "":
			foreigner = p
		case p.LegalID != "":
			ceo = p
		}
	}
	_, body := demoRegister(t, window, url.Values{"kind": {"foreign"}, "foreignId": {foreigner.FIDA},
		"birthDate": {foreigner.BirthDate}, "mobile": {foreigner.Mobiles[0]}}, foreigner.Mobiles[0])
	// The Persian account page writes identifiers in Persian digits.
	if !strings.Contains(body, foreigner.FirstName) || !strings.Contains(body, iran.ToPersianDigits(foreigner.FIDA)) {
		t.Errorf("the foreign national's account:\n%s", body)
	}
	// The bureau gives the postal code, the Post its province and city.
	if !strings.Contains(body, "شرکت ملی پست (نشانی کد پستی)") {
		t.Errorf("the foreign national's account has no address from the Post:\n%s", body)
	}
	_, body = demoRegister(t, window, url.Values{"kind": {"legal"}, "legalId": {ceo.LegalID}, "nationalCode": {ceo.NationalCode},
		"birthDate": {ceo.BirthDate}, "mobile": {ceo.Mobiles[0]}}, ceo.Mobiles[0])
	const company = "1513745678" // the company's office (docs/demo-personas.md)
	if !strings.Contains(body, "شرکت پارس نوین") || !strings.Contains(body, iran.ToPersianDigits(company)) ||
		strings.Contains(body, iran.ToPersianDigits(ceo.PostalCode)) || strings.Contains(body, ceo.PostalCode) {
		t.Errorf("the company's account shows its legal residence %q, not its manager's home %s:\n%s", company, ceo.PostalCode, body)
	}
}

// demoRegister posts form to the running window's registration, logs in
// with the code the development sink shows for mobile, and returns a
// getter in that browser and the account page it lands on.
func demoRegister(t *testing.T, window string, form url.Values, mobile string) (func(string) (int, string), string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	get := func(path string) (int, string) {
		res, err := hc.Get(window + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, string(b)
	}
	post := func(path string, form url.Values) (int, string, string) {
		u, _ := url.Parse(window)
		for _, c := range jar.Cookies(u) {
			if c.Name == "csrf" {
				form.Set(web.CSRFField, c.Value)
			}
		}
		res, err := hc.PostForm(window+path, form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, res.Request.URL.RequestURI(), string(b)
	}
	get("/register")
	status, at, body := post("/register", form)
	if status != 200 || !strings.HasPrefix(at, "/login/code?c=") {
		t.Fatalf("register %s: %d at %s\n%s", form.Get("kind"), status, at, body)
	}
	challenge := strings.TrimPrefix(at, "/login/code?c=")
	var code string
	for range 100 {
		_, js := get("/dev/sms.json?to=" + mobile)
		var list struct{ Messages []struct{ Code string } }
		if err := json.Unmarshal([]byte(js), &list); err != nil {
			t.Fatalf("/dev/sms.json: %v\n%s", err, js)
		}
		if len(list.Messages) > 0 && list.Messages[0].Code != "" {
			code = list.Messages[0].Code
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code == "" {
		t.Fatal("no code in the development SMS sink")
	}
	status, at, body = post("/login/code", url.Values{"c": {challenge}, "code": {code}})
	if status != 200 || at != "/account" {
		t.Fatalf("login: %d at %s\n%s", status, at, body)
	}
	return get, body
}

// demoPrivacyPages checks a natural person's privacy pages just after
// their registration.
func demoPrivacyPages(t *testing.T, get func(string) (int, string)) {
	t.Helper()
	var body string
	// The registration's inquiries are what the person sees on "who
	// looked at my data": the window asked the civil registry and Shahkar.
	var seen bool
	for range 100 {
		if _, body = get("/account/accesses"); strings.Contains(body, "IR/GOV/sabteahval/registry/identity") &&
			strings.Contains(body, "IR/GOV/sazmantanzim/shahkar/ServiceIDmatching") {
			seen = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !seen {
		t.Errorf("the registration's inquiries are not on the accesses page:\n%s", body)
	}
	// The services are named in words, and so are the answers.
	for _, want := range []string{"استعلام هویت، سازمان ثبت احوال کشور", "شاهکار: تطابق کد ملی و شماره همراه", "پاسخ داده شد"} {
		if !strings.Contains(body, want) {
			t.Errorf("the accesses page lacks %q:\n%s", want, body)
		}
	}
	// They carry one tracking code, the registration's, in Persian digits.
	tracking := func(service string) string {
		m := regexp.MustCompile(regexp.QuoteMeta(service) + `</bdi></small></td><td><bdi dir="ltr">([۰-۹]{16})</bdi>`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return m[1]
	}
	if id, sk := tracking("IR/GOV/sabteahval/registry/identity"), tracking("IR/GOV/sazmantanzim/shahkar/ServiceIDmatching"); id == "" || id != sk {
		t.Errorf("the registration's inquiries' tracking codes: %q and %q, want one and the same", id, sk)
	}
	// Events recorded with the change they report join the chain within
	// a second.
	seen = false
	for range 150 {
		if _, body = get("/account/activity"); strings.Contains(body, "ارسال رمز یک‌بارمصرف") && strings.Contains(body, "<td>ورود</td>") {
			seen = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !seen {
		t.Errorf("the activity page lacks the code sent and the login:\n%s", body)
	}
	if _, body = get("/account/connections"); !strings.Contains(body, "هنوز به دستگاهی اجازه نداده‌اید") {
		t.Errorf("connections page:\n%s", body)
	}
}

// TestCLIActor: the CLI's changes of rights are audited with the user the
// process runs as, which setting $USER does not change.
func TestCLIActor(t *testing.T) {
	t.Setenv("USER", "president")
	got := cliActor()
	if uid := strconv.Itoa(os.Getuid()); !strings.Contains(got, uid) || strings.Contains(got, "president") {
		t.Errorf("cliActor() = %q, want the process's user %s", got, uid)
	}
}

// TestServeFailureAsJSON: with JSON logs, a server that cannot start says
// why in a JSON line, as every other line it writes; with text logs, in a
// line for a person.
func TestServeFailureAsJSON(t *testing.T) {
	env := map[string]string{"PANJEREH_DATA_DIR": t.TempDir(), "PANJEREH_SMS": "dev"}
	args := []string{"serve", "window", "--addr", "127.0.0.1:0"}
	code, _, errOut := run(t, env, "", append(args, "--log-format", "json")...)
	if code != 1 || !strings.Contains(errOut, `"msg":"panjereh serve failed"`) || !strings.Contains(errOut, "ca issue") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON line: %s", line)
		}
	}
	code, _, errOut = run(t, env, "", append(args, "--log-level", "error")...)
	if code != 1 || !strings.HasPrefix(errOut, "panjereh serve: ") {
		t.Errorf("text logs: exit %d, stderr:\n%s", code, errOut)
	}
}

// TestServeGatewayLogInUse: a second gateway on a data directory whose
// message log another process has open is refused before the database
// is opened or migrated.
func TestServeGatewayLogInUse(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	if _, err := ensureCA(cfg); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	first, err := msglog.Open(gatewayLogDir(cfg), msglog.Options{Signer: key})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	code, _, errOut := run(t, map[string]string{"PANJEREH_DATA_DIR": dir}, "", "serve", "exchange", "--exchange-addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "another gateway running on the same data directory") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "panjereh.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused start made the database: %v", err)
	}
}

// TestServeRefusedBeforeWriting: a start refused for what can be known
// without the database (no way to send login codes, an address in use,
// the platform CA missing) is refused before anything is migrated or
// written in the data directory; the demo's too.
func TestServeRefusedBeforeWriting(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, tc := range []struct {
		name string
		sms  string
		args []string
		want string
	}{
		{"no SMS", "", []string{"window", "--addr", "127.0.0.1:0"}, "sms: set PANJEREH_SMS"},
		{"address in use", "dev", []string{"window", "--addr", taken.Addr().String()}, "window: listen on " + taken.Addr().String()},
		{"address in use after another", "dev", []string{"exchange", "window", "--exchange-addr", "127.0.0.1:0", "--addr", taken.Addr().String()},
			"window: listen on " + taken.Addr().String()},
		{"no CA", "dev", []string{"exchange", "--exchange-addr", "127.0.0.1:0"}, "the exchange needs the platform CA: copy DATA-DIR/ca"},
		{"no window certificate", "dev", []string{"window", "--addr", "127.0.0.1:0"}, "the window's exchange certificate (issue one with `panjereh ca issue"},
		{"demo, address in use", "", []string{"--registry-addr", "127.0.0.1:0", "--exchange-addr", "127.0.0.1:0", "--addr", taken.Addr().String()},
			"panjereh demo: window: listen on " + taken.Addr().String()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			command := "serve"
			if strings.HasPrefix(tc.name, "demo") {
				command = "demo"
			}
			code, _, errOut := run(t, map[string]string{"PANJEREH_DATA_DIR": dir, "PANJEREH_SMS": tc.sms}, "", append([]string{command}, tc.args...)...)
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("the refused start wrote %d entries in the data directory, the first %s", len(ents), ents[0].Name())
			}
		})
	}
}

// TestSMPPLimitsAgree: the settings are checked against the limits the
// SMPP client has.
func TestSMPPLimitsAgree(t *testing.T) {
	if config.SMPPMaxSystemID != smpp.MaxSystemID || config.SMPPMaxPassword != smpp.MaxPassword {
		t.Errorf("config's SMPP limits %d and %d, the client's %d and %d",
			config.SMPPMaxSystemID, config.SMPPMaxPassword, smpp.MaxSystemID, smpp.MaxPassword)
	}
}

// TestSMPPLimits: an SMPP system ID or password longer than a bind can
// carry refuses the window's start with the other settings' problems
// (config.Validate), before anything is written, not at the operator's
// first refusal.
func TestSMPPLimits(t *testing.T) {
	env := map[string]string{"PANJEREH_DATA_DIR": t.TempDir(), "PANJEREH_SMS": "smpp", "PANJEREH_SMPP_ADDR": "127.0.0.1:2775",
		"PANJEREH_SMPP_SYSTEM_ID": "panjereh4040abcd", "PANJEREH_SMPP_PASSWORD": "1234"}
	code, _, errOut := run(t, env, "", "serve", "window", "--addr", "127.0.0.1:0", "--log-format", "xml")
	if code != 2 || !strings.Contains(errOut, "smpp-system-id: 16 octets") || !strings.Contains(errOut, "log-format:") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if ents, _ := os.ReadDir(env["PANJEREH_DATA_DIR"]); len(ents) != 0 {
		t.Errorf("the refused start wrote %d entries in the data directory, the first %s", len(ents), ents[0].Name())
	}
}

// TestProxyWarnings: trusting every address as a proxy is warned of at
// start, and so is an https window that trusts no proxy; the load
// balancers' networks, and an http window alone, are not.
func TestProxyWarnings(t *testing.T) {
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32")}
	if w := proxyWarnings("https://my.gov.example", lb); w != nil {
		t.Errorf("warnings for private networks: %q", w)
	}
	if w := proxyWarnings("http://127.0.0.1:8080", nil); w != nil {
		t.Errorf("warnings for a window on plain HTTP alone: %q", w)
	}
	if w := proxyWarnings("https://my.gov.example", nil); len(w) != 1 || !strings.Contains(w[0], "without Secure") {
		t.Errorf("an https window that trusts no proxy: warnings %q", w)
	}
	w := proxyWarnings("", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")})
	if len(w) != 2 || !strings.Contains(w[0], "0.0.0.0/0 trusts every client") || !strings.Contains(w[1], "::/0") {
		t.Errorf("warnings %q", w)
	}
}
