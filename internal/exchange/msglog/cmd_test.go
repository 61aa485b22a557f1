package msglog

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestVerifyMain(t *testing.T) {
	src, key, archives := tamperFixture(t)
	keyDir := t.TempDir()
	pubPath := filepath.Join(keyDir, "gateway-pub.pem")
	var pemBuf bytes.Buffer
	if err := WritePublicKeyPEM(&pemBuf, &key.PublicKey); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubPath, pemBuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	otherPath := filepath.Join(keyDir, "other.pem")
	pemBuf.Reset()
	if err := WritePublicKeyPEM(&pemBuf, &newKey(t).PublicKey); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(otherPath, pemBuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	gapped := copyDir(t, src)
	if err := os.Remove(filepath.Join(gapped, filepath.Base(archives[1].path))); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{"ok with key", []string{"--key", pubPath, src}, 0, []string{"150 records (seq 1..150)", "signatures checked", "\nok\n"}, ""},
		{"ok without key", []string{src}, 0, []string{"signatures NOT checked (no --key)", "\nok\n"}, ""},
		{"files listed one by one", append([]string{"--key", pubPath, filepath.Join(src, liveName)}, archivePaths(archives)...), 0, []string{"\nok\n"}, ""},
		{"wrong key", []string{"--key", otherPath, src}, 1, []string{"problem: ", "bad-signature"}, ""},
		{"missing archive", []string{"--key", pubPath, gapped}, 1, []string{"problem: ", "seq " + itoa(archives[1].first) + ": removed"}, ""},
		{"no paths", nil, 2, nil, "usage:"},
		{"unknown flag", []string{"--frobnicate", src}, 2, nil, "flag provided but not defined"},
		{"missing path", []string{filepath.Join(src, "nope")}, 2, nil, "no such file"},
		{"bad key file", []string{"--key", filepath.Join(src, liveName), src}, 2, nil, "key:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := VerifyMain(tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tc.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout %q does not contain %q", stdout.String(), w)
				}
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

func archivePaths(as []archive) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.path)
	}
	return out
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
