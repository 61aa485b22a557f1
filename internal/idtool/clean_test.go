package idtool

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/iran"
)

func TestClean(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		in         string
		wantOut    string
		wantErr    []string // lines expected on stderr, in order
		wantStatus int
	}{
		{
			name:    "persian digits and separators",
			args:    []string{"--column", "code:national-code", "--column", "mobile:mobile"},
			in:      "name,code,mobile\nعلی,۰۴۹۹۳۷۰۸۹۹,+98 912 345 6789\nسارا,0499370899,09351234567\n",
			wantOut: "name,code,mobile\nعلی,0499370899,09123456789\nسارا,0499370899,09351234567\n",
			wantErr: []string{"clean: 2 rows, 4 cells normalised (2 changed), 0 cells invalid"},
		},
		{
			name:    "arabic yeh in the header and a text column",
			args:    []string{"--column", "کد ملی:national-code", "--column", "نام:text"},
			in:      "كد ملي,نام\n٠٤٩٩٣٧٠٨٩٩,  علي   كريمي \n",
			wantOut: "كد ملي,نام\n0499370899,علی کریمی\n",
			wantErr: []string{"clean: 1 rows, 2 cells normalised (2 changed), 0 cells invalid"},
		},
		{
			name: "mixed valid and invalid",
			args: []string{"--column", "postal:postal-code", "--column", "sheba:sheba"},
			in:   "postal,sheba\n13145-12345,IR062960000000100324200001\n13045-12345,IR072960000000100324200001\n,ir06 2960 0000 0010 0324 2000 01\n",
			wantOut: "postal,sheba\n1314512345,IR062960000000100324200001\n13045-12345,IR072960000000100324200001\n" +
				",IR062960000000100324200001\n",
			wantErr: []string{
				`row 2 (line 3), column postal: "13045-12345": the first five digits of a postal code contain no 0 or 2, but digit 3 is 0 / در پنج رقم اول کد پستی رقم ۰ یا ۲ نمی‌آید، اما رقم سوم آن ۰ است.`,
				`row 2 (line 3), column sheba: "IR072960000000100324200001": the check digits of the Sheba number do not match; a digit may be mistyped / رقم‌های کنترل شماره شبا درست نیست؛ احتمالاً یکی از رقم‌ها اشتباه وارد شده است.`,
				`row 3 (line 4), column postal: "": no postal code was given / کد پستی وارد نشده است.`,
				"clean: 3 rows, 3 cells normalised (2 changed), 3 cells invalid",
			},
			wantStatus: 1,
		},
		{
			name:    "skip empty",
			args:    []string{"--column", "postal:postal-code", "--skip-empty"},
			in:      "postal\n\n 13145 12345\n\" \"\n",
			wantOut: "postal\n1314512345\n\" \"\n",
			wantErr: []string{"clean: 2 rows, 1 cells normalised (1 changed), 0 cells invalid, 1 empty cells skipped"},
		},
		{
			name:    "quoted fields with commas and newlines",
			args:    []string{"--column", "id:legal-id"},
			in:      "note,id\n\"Tehran, Vanak\",۱۰۳۸۰۲۸۴۷۹۰\n\"two\nlines\",\"103 802 847 90\"\n\"x\",\"1038028479\"\n",
			wantOut: "note,id\n\"Tehran, Vanak\",10380284790\n\"two\nlines\",10380284790\nx,1038028479\n",
			wantErr: []string{
				`row 3 (line 5), column id: "1038028479": a legal ID must have 11 digits; 10 were given / شناسه ملی باید ۱۱ رقم باشد؛ ۱۰ رقم وارد شده است.`,
				"clean: 3 rows, 2 cells normalised (2 changed), 1 cells invalid",
			},
			wantStatus: 1,
		},
		{
			name:    "byte order mark stripped",
			args:    []string{"--column", "code:national-code"},
			in:      "\uFEFFcode\r\n0499370899\r\n",
			wantOut: "code\n0499370899\n",
			wantErr: []string{"clean: 1 rows, 1 cells normalised (0 changed), 0 cells invalid"},
		},
		{
			name:    "semicolons and short rows",
			args:    []string{"--column", "mobile:mobile", "--delimiter", ";"},
			in:      "a;mobile\n1;9123456789\n2\n",
			wantOut: "a;mobile\n1;09123456789\n2\n",
			wantErr: []string{
				"row 2 (line 3), column mobile: the row has only 1 fields / این سطر فقط ۱ ستون دارد",
				"clean: 2 rows, 1 cells normalised (1 changed), 1 cells invalid",
			},
			wantStatus: 1,
		},
		{
			name:    "tab delimiter",
			args:    []string{"--delimiter", "tab", "--column", "m:mobile"},
			in:      "m\tn\n۰۹۱۲۳۴۵۶۷۸۹\tx\n",
			wantOut: "m\tn\n09123456789\tx\n",
			wantErr: []string{"clean: 1 rows, 1 cells normalised (1 changed), 0 cells invalid"},
		},
		{
			name:    "header only",
			args:    []string{"--column", "code:national-code"},
			in:      "code\n",
			wantOut: "code\n",
			wantErr: []string{"clean: 0 rows, 0 cells normalised (0 changed), 0 cells invalid"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := Clean(tc.args, strings.NewReader(tc.in), &stdout, &stderr)
			if status != tc.wantStatus {
				t.Errorf("status %d, want %d", status, tc.wantStatus)
			}
			if diff := cmp.Diff(tc.wantOut, stdout.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			gotErr := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			if diff := cmp.Diff(tc.wantErr, gotErr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCleanUsageErrors(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		in       string
		wantText string
	}{
		{name: "missing column", args: []string{"--column", "code:national-code"}, in: "id,name\n1,2\n", wantText: `column "code" is not in the header (columns: id, name)`},
		{name: "unknown kind", args: []string{"--column", "code:passport"}, in: "code\n", wantText: `unknown identifier kind "passport"`},
		{name: "column without kind", args: []string{"--column", "code"}, in: "code\n", wantText: "want NAME:KIND"},
		{name: "no columns", in: "code\n", wantText: "no --column given"},
		{name: "empty input", args: []string{"--column", "code:mobile"}, in: "", wantText: "the input is empty"},
		{name: "bad delimiter", args: []string{"--column", "code:mobile", "--delimiter", "ab"}, in: "code\n", wantText: "invalid --delimiter"},
		{name: "positional argument", args: []string{"--column", "code:mobile", "in.csv"}, in: "code\n", wantText: "the CSV is read from standard input"},
		{name: "malformed csv", args: []string{"--column", "code:mobile"}, in: "code\n\"09123456789\n", wantText: "reading row 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if status := Clean(tc.args, strings.NewReader(tc.in), &stdout, &stderr); status != 2 {
				t.Errorf("status %d, want 2", status)
			}
			if !strings.Contains(stderr.String(), tc.wantText) {
				t.Errorf("stderr does not say %q:\n%s", tc.wantText, stderr.String())
			}
		})
	}
}

func TestCleanHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := Clean([]string{"-h"}, strings.NewReader(""), &stdout, &stderr); status != 0 {
		t.Errorf("status %d, want 0", status)
	}
	if !strings.Contains(stdout.String(), "usage: panjereh ids clean") || stderr.Len() != 0 {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}

// generateCSV writes a header and n rows, every tenth with an invalid
// national code and every third with Persian digits. It returns how many
// rows are invalid and how many valid ones need a change.
func generateCSV(w io.Writer, n int) (invalid, changed int, err error) {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "row,name,national_code,mobile")
	for i := 0; i < n; i++ {
		first9 := fmt.Sprintf("%09d", (i*7919+13)%1_000_000_000)
		code := first9 + fmt.Sprint(iran.NationalCodeCheckDigit(first9))
		if i%10 == 9 {
			code = first9 + fmt.Sprint((iran.NationalCodeCheckDigit(first9)+1)%10)
			invalid++
		}
		if i%3 == 0 {
			code = iran.ToPersianDigits(code)
			if i%10 != 9 {
				changed++
			}
		}
		fmt.Fprintf(bw, "%d,\"کاربر %d\",%s,0912%07d\n", i, i, code, i%10_000_000)
	}
	return invalid, changed, bw.Flush()
}

// TestCleanStreams pushes 200,000 rows through a pipe, so that the whole
// file never exists in memory, and counts the rows that come out.
func TestCleanStreams(t *testing.T) {
	const n = 200_000
	pr, pw := io.Pipe()
	counts := make(chan [2]int, 1)
	go func() {
		invalid, changed, err := generateCSV(pw, n)
		counts <- [2]int{invalid, changed}
		pw.CloseWithError(err)
	}()
	out := &lineCounter{}
	var stderr bytes.Buffer
	status := Clean([]string{"--column", "national_code:national-code", "--column", "mobile:mobile"}, pr, out, &stderr)
	if status != 1 {
		t.Errorf("status %d, want 1", status)
	}
	if out.lines != n+1 {
		t.Errorf("%d lines out, want %d", out.lines, n+1)
	}
	c := <-counts
	invalid, changed := c[0], c[1]
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if len(lines) != invalid+1 {
		t.Errorf("%d report lines, want %d", len(lines), invalid+1)
	}
	want := fmt.Sprintf("clean: %d rows, %d cells normalised (%d changed), %d cells invalid", n, 2*n-invalid, changed, invalid)
	if got := lines[len(lines)-1]; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

// lineCounter counts the lines written to it and keeps nothing.
type lineCounter struct{ lines int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

func TestCleanOutputIsCSV(t *testing.T) {
	var in bytes.Buffer
	if _, _, err := generateCSV(&in, 1000); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	Clean([]string{"--column", "national_code:national-code"}, &in, &out, io.Discard)
	records, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1001 || records[1][1] != "کاربر 0" {
		t.Errorf("got %d records, first %q", len(records), records[1])
	}
}

func BenchmarkClean(b *testing.B) {
	const n = 100_000
	var in bytes.Buffer
	if _, _, err := generateCSV(&in, n); err != nil {
		b.Fatal(err)
	}
	data := in.Bytes()
	args := []string{"--column", "national_code:national-code", "--column", "mobile:mobile"}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		Clean(args, bytes.NewReader(data), io.Discard, io.Discard)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
