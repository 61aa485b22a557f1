package idtool

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with the file testdata/name, or rewrites the file
// when -update is given.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		wantStatus int
	}{
		{name: "all valid inferred", args: []string{"0499370899", "10380284790", "13145-12345", "+98 912 345 6789", "ir06 2960 0000 0010 0324 2000 01"}, wantStatus: 0},
		{name: "persian digits", args: []string{"۰۴۹۹۳۷۰۸۹۹", "۰۹۳۵۱۲۳۴۵۶۷"}, wantStatus: 0},
		{name: "mixed", args: []string{"0499370899", "0499370898", "1111111111", "99370899", "09701234567", "IR072960000000100324200001"}, wantStatus: 1},
		{name: "unknown kind", args: []string{"hello", "12"}, wantStatus: 1},
		{name: "explicit kind", args: []string{"--kind", "postal-code", "1314512345", "1304512345"}, wantStatus: 1},
		{name: "kind after values", args: []string{"9123456789", "-kind=mobile"}, wantStatus: 0},
		{name: "control characters quoted", args: []string{"--kind", "mobile", "0912\t3456789"}, wantStatus: 0},
		{name: "double dash", args: []string{"--kind", "national-code", "--", "-0499370899"}, wantStatus: 0},
		{name: "no values", args: []string{"--kind", "mobile"}, wantStatus: 2},
		{name: "bad kind", args: []string{"--kind", "passport", "X1"}, wantStatus: 2},
		{name: "bad flag", args: []string{"--colour", "0499370899"}, wantStatus: 2},
		{name: "help", args: []string{"--help"}, wantStatus: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := Check(tc.args, &stdout, &stderr)
			if status != tc.wantStatus {
				t.Errorf("status %d, want %d\nstderr: %s", status, tc.wantStatus, stderr.String())
			}
			golden(t, filepath.Join("check", strings.ReplaceAll(tc.name, " ", "_")+".golden"),
				"stdout:\n"+stdout.String()+"stderr:\n"+stderr.String())
		})
	}
}

func TestDispatch(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		wantStatus int
	}{
		{name: "no command", wantStatus: 2},
		{name: "unknown command", args: []string{"frobnicate"}, wantStatus: 2},
		{name: "help", args: []string{"help"}, wantStatus: 0},
		{name: "check", args: []string{"check", "0499370899"}, wantStatus: 0},
		{name: "clean", args: []string{"clean", "--column", "id:national-code"}, wantStatus: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			stdin := bytes.NewBufferString("id\n0499370899\n")
			if got := Main(tc.args, stdin, &stdout, &stderr); got != tc.wantStatus {
				t.Errorf("status %d, want %d\nstderr: %s", got, tc.wantStatus, stderr.String())
			}
		})
	}
}
