package exchange_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/nix"
)

// TestGatewayProcess is the gateway of TestKillGatewayUnderLoad, run in a
// child process; it does nothing in a normal test run.
func TestGatewayProcess(t *testing.T) {
	dir := os.Getenv("PANJEREH_TEST_GATEWAY_DIR")
	if dir == "" {
		t.Skip("runs only as the child of TestKillGatewayUnderLoad")
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(dir, "gw.db"))
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pki.LoadCA(filepath.Join(dir, "ca"))
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := os.ReadFile(filepath.Join(dir, "gateway.key"))
	blk, _ := pem.Decode(keyPEM)
	key, err := x509.ParseECPrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	log, err := msglog.Open(filepath.Join(dir, "log"), msglog.Options{Signer: key})
	if err != nil {
		t.Fatal(err)
	}
	gw := &exchange.Gateway{
		Store:       &exchange.Store{DB: db},
		Auth:        exchange.CertAuth{Authenticator: &pki.Authenticator{CA: ca.Cert, Revoked: pki.NewRevocationCache(&pki.Store{DB: db}, pki.CacheOptions{})}},
		AuthProblem: pki.ProblemFor,
		Log:         log,
		CacheTTL:    time.Second,
	}
	h, err := gw.Handler()
	if err != nil {
		t.Fatal(err)
	}
	certPEM, kPEM, err := ca.IssueServer([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := tls.X509KeyPair(certPEM, kPEM)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("LISTENING %s\n", ln.Addr())
	http.Serve(tls.NewListener(ln, pki.ServerTLSConfig(ca.Cert, cert)), h)
}

// TestKillGatewayUnderLoad kills the gateway with SIGKILL while callers
// hammer it: every answer a caller received whole must have its record in
// the message log, and the log must verify after the crash (B3, K3).
func TestKillGatewayUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(dir, "gw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"name":"علی","nin":"0012345679"}`)
	}))
	defer provider.Close()
	st := &exchange.Store{DB: db}
	now := time.Now()
	for _, m := range []string{window, civil} {
		if err := st.AddMember(ctx, exchange.Member{ID: m, NameFa: "x", NameEn: "x"}, now); err != nil {
			t.Fatal(err)
		}
	}
	st.AddSubsystem(ctx, mustSub(t, window+"/portal"), now)
	st.AddSubsystem(ctx, mustSub(t, civil+"/civil"), now)
	if err := st.Publish(ctx, exchange.Service{ID: mustSvc(t, identity), TitleFa: "x", TitleEn: "x", TargetURL: provider.URL}, now); err != nil {
		t.Fatal(err)
	}
	if err := st.Grant(ctx, "test", mustSub(t, window+"/portal"), mustSvc(t, identity), nil, now); err != nil {
		t.Fatal(err)
	}
	ca, err := pki.InitCA(filepath.Join(dir, "ca"), "IR", now)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, "gateway.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600)
	id, _ := pki.ParseMemberID(window)
	certPEM, keyPEM, _, err := ca.IssueMember(id, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := pki.WriteMemberFiles(filepath.Join(dir, "client"), certPEM, keyPEM, ca.CertPEM); err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := nix.LoadTLS(filepath.Join(dir, "client"))
	if err != nil {
		t.Fatal(err)
	}

	child := exec.Command(os.Args[0], "-test.run=^TestGatewayProcess$", "-test.v")
	child.Env = append(os.Environ(), "PANJEREH_TEST_GATEWAY_DIR="+dir)
	out, _ := child.StdoutPipe()
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	addr := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("the gateway process did not start")
	}
	go io.Copy(io.Discard, out)

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg, MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var received []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("GET", "https://"+addr+"/r1/"+identity, nil)
				req.Header.Set(nix.HeaderClient, window+"/portal")
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				// Only an answer received whole counts as received.
				if err == nil && res.StatusCode == 200 && strings.HasSuffix(string(body), "}") {
					mu.Lock()
					received = append(received, res.Header.Get(nix.HeaderMessageID))
					mu.Unlock()
				}
			}
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(received)
		mu.Unlock()
		if n >= 300 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	close(stop)
	wg.Wait()
	if len(received) < 50 {
		t.Fatalf("only %d answers before the kill", len(received))
	}

	logDir := filepath.Join(dir, "log")
	rep, err := msglog.Verify([]string{logDir}, &key.PublicKey, msglog.VerifyOptions{})
	if err != nil || rep.Problem != nil {
		t.Fatalf("the log does not verify after the crash: %+v %v", rep.Problem, err)
	}
	logged := map[string]bool{}
	msglog.Scan([]string{logDir}, func(r msglog.Record) error { logged[r.MessageID] = true; return nil })
	for _, id := range received {
		if !logged[id] {
			t.Fatalf("a caller received the answer of message %s, which is not in the log", id)
		}
	}
	t.Logf("%d answers received before SIGKILL, %d records in the log, all received ones present", len(received), rep.Records)

	// The gateway restarts on the same log and the chain goes on.
	relog, err := msglog.Open(logDir, msglog.Options{Signer: key})
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	if _, err := relog.Append(ctx, msglog.Record{MessageID: "after", Client: window + "/portal", Service: identity, Status: 200}); err != nil {
		t.Fatal(err)
	}
	relog.Close()
	if rep, err := msglog.Verify([]string{logDir}, &key.PublicKey, msglog.VerifyOptions{}); err != nil || rep.Problem != nil {
		t.Fatalf("after restart: %+v %v", rep.Problem, err)
	}
}
