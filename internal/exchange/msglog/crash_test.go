package msglog

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

const helperEnv = "MSGLOG_HELPER_DIR"

// TestHelperProcess is the child of TestCrashDurability: it appends from
// several goroutines as fast as it can and prints every acknowledged seq,
// until it is killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process for TestCrashDurability")
	}
	data, err := os.ReadFile(filepath.Join(dir, "..", "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	k, err := x509.ParseECPrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	l, err := Open(dir, Options{Signer: k, RotateBytes: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				r, err := l.Append(context.Background(), testRecord(w*1_000_000+i))
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintln(out, r.Seq)
				out.Flush() // an acknowledgement leaves the process only after the fsync
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	base := t.TempDir()
	dir := filepath.Join(base, "log")
	key := newKey(t)
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[uint64]bool{}
	sc := bufio.NewScanner(stdout)
	killed := false
	for sc.Scan() {
		seq, err := strconv.ParseUint(sc.Text(), 10, 64)
		if err != nil {
			continue // a partial line cut by the kill
		}
		acked[seq] = true
		if len(acked) >= 3000 && !killed {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
				t.Fatal(err)
			}
			killed = true
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("child exited after %d acknowledgements without being killed", len(acked))
	}

	// The killed writer may have left a torn tail; Open truncates it.
	l := openLog(t, dir, Options{Signer: key})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	present := map[uint64]bool{}
	if err := Scan([]string{dir}, func(r Record) error { present[r.Seq] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	for seq := range acked {
		if !present[seq] {
			t.Errorf("acknowledged seq %d is missing after the crash", seq)
		}
	}
	rep := mustVerify(t, dir, &key.PublicKey)
	t.Logf("%d acknowledged, %d in the log (%d files) after SIGKILL", len(acked), rep.Records, rep.Files)
	if rep.Records < len(acked) {
		t.Errorf("log has %d records, fewer than the %d acknowledged", rep.Records, len(acked))
	}
}
