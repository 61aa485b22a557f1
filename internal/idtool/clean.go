package idtool

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/panjereh/panjereh/internal/iran"
)

const cleanUsage = `usage: panjereh ids clean --column NAME:KIND [--column NAME:KIND]... [--delimiter ,] < in.csv > out.csv

Reads a CSV file with a header row from standard input and writes it to
standard output with the named columns normalised. Cells that are invalid are
left as they were and reported on standard error with their row and line;
a summary line ends the report. Columns are matched to the header ignoring
the differences between Arabic and Persian letters and digits. The file is
streamed, so its size does not matter.

Kinds: ` + "%s" + `, and text (Persian text
normalisation, never invalid).

Exit status: 0 when all cells are valid, 1 when some are invalid, 2 for a
usage error or input that cannot be read.
`

// kindText is a column kind of clean alone: Persian text, normalised with
// iran.NormalizeText.
const kindText = "text"

// column is one --column flag: a header name and what its cells hold.
type column struct {
	name  string
	kind  iran.Kind // kindText for text columns
	index []int     // matching header positions, filled once the header is read
}

// columnsFlag collects repeated --column flags.
type columnsFlag []*column

func (c *columnsFlag) String() string {
	var parts []string
	for _, col := range *c {
		parts = append(parts, col.name+":"+string(col.kind))
	}
	return strings.Join(parts, " ")
}

func (c *columnsFlag) Set(s string) error {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return errors.New("want NAME:KIND")
	}
	name, kindName := strings.TrimSpace(s[:i]), s[i+1:]
	if name == "" {
		return errors.New("empty column name")
	}
	kind := iran.Kind(kindText)
	if strings.TrimSpace(strings.ToLower(kindName)) != kindText {
		k, err := iran.ParseKind(kindName)
		if err != nil {
			return err
		}
		kind = k
	}
	*c = append(*c, &column{name: name, kind: kind})
	return nil
}

// cleaner normalises the cells of one input and keeps the counts of the
// summary line.
type cleaner struct {
	r         *csv.Reader
	report    io.Writer
	skipEmpty bool

	rows, normalised, changed, invalid, empty int
}

// Clean implements `panjereh ids clean --column NAME:KIND [--column ...]
// [--delimiter ,] < in.csv > out.csv`. args are the arguments after
// "clean".
//
// It reads CSV with a header row from stdin and writes the same CSV to
// stdout with those columns normalised; invalid cells are left as they
// were. A byte order mark at the start of the input is dropped. Every
// invalid cell is reported on stderr as
// "row N (line L), column NAME: VALUE: reason (English / Persian)", N being
// the 1-based data row (the header is not counted) and L the line of the
// input where the cell starts, and a summary line of rows, cells normalised
// and cells invalid ends the report.
//
// Records are streamed one at a time, so any number of rows runs in
// constant memory. An unknown column name or kind is a usage error (status
// 2), as is input that is not CSV; otherwise the status is 0 when all cells
// were valid and 1 when some were invalid.
func Clean(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	var cols columnsFlag
	fs.Var(&cols, "column", "a `NAME:KIND` column to normalise; repeat for more columns")
	delimiter := fs.String("delimiter", ",", "the field `separator`: one character, or \"tab\"")
	skipEmpty := fs.Bool("skip-empty", false, "leave empty cells alone instead of reporting them as invalid")
	usage := fmt.Sprintf(cleanUsage, kindList())
	rest, status, done := parseFlags(fs, usage, args, stdout, stderr)
	if done {
		return status
	}
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "clean: "+format+"\n\n", a...)
		printUsage(fs, usage, stderr)
		return exitUsage
	}
	if len(rest) > 0 {
		return usageError("unexpected argument %q; the CSV is read from standard input", rest[0])
	}
	if len(cols) == 0 {
		return usageError("no --column given")
	}
	comma, err := parseDelimiter(*delimiter)
	if err != nil {
		return usageError("%v", err)
	}

	in := bufio.NewReaderSize(stdin, 64<<10)
	if bom, _ := in.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
		_, _ = in.Discard(3)
	}
	r := csv.NewReader(in)
	r.Comma = comma
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return usageError("the input is empty; it must start with a header row")
	}
	if err != nil {
		fmt.Fprintf(stderr, "clean: reading the header: %v\n", err)
		return exitUsage
	}
	header = append([]string(nil), header...)
	if err := matchColumns(cols, header); err != nil {
		return usageError("%v", err)
	}

	w := csv.NewWriter(stdout)
	w.Comma = comma
	report := bufio.NewWriter(stderr)
	defer report.Flush()
	if err := w.Write(header); err != nil {
		fmt.Fprintf(stderr, "clean: writing: %v\n", err)
		return exitUsage
	}
	st := &cleaner{r: r, report: report, skipEmpty: *skipEmpty}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			w.Flush()
			fmt.Fprintf(report, "clean: reading row %d: %v\n", st.rows+1, err)
			return exitUsage
		}
		st.rows++
		for _, col := range cols {
			for _, i := range col.index {
				st.cell(rec, i, col)
			}
		}
		if err := w.Write(rec); err != nil {
			fmt.Fprintf(report, "clean: writing: %v\n", err)
			return exitUsage
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		fmt.Fprintf(report, "clean: writing: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(report, "clean: %d rows, %d cells normalised (%d changed), %d cells invalid",
		st.rows, st.normalised, st.changed, st.invalid)
	if *skipEmpty {
		fmt.Fprintf(report, ", %d empty cells skipped", st.empty)
	}
	fmt.Fprintln(report)
	if st.invalid > 0 {
		return exitInvalid
	}
	return exitOK
}

// cell normalises rec[i] in place or reports why it cannot.
func (st *cleaner) cell(rec []string, i int, col *column) {
	row := st.rows
	if i >= len(rec) {
		st.invalid++
		line, _ := st.r.FieldPos(0)
		fmt.Fprintf(st.report, "row %d (line %d), column %s: the row has only %d fields / این سطر فقط %s ستون دارد\n",
			row, line, col.name, len(rec), iran.ToPersianDigits(fmt.Sprint(len(rec))))
		return
	}
	v := rec[i]
	if st.skipEmpty && strings.TrimSpace(v) == "" {
		st.empty++
		return
	}
	var out string
	if col.kind == kindText {
		out = iran.NormalizeText(v)
	} else {
		var err error
		out, err = iran.Normalize(col.kind, v)
		if err != nil {
			st.invalid++
			line, _ := st.r.FieldPos(i)
			fmt.Fprintf(st.report, "row %d (line %d), column %s: %q: %s\n", row, line, col.name, v, reason(err))
			return
		}
	}
	st.normalised++
	if out != v {
		st.changed++
		rec[i] = out
	}
}

// matchColumns finds each column in the header. Names are compared folded,
// so "كد ملي" in the file matches "کد ملی" on the command line.
func matchColumns(cols []*column, header []string) error {
	for _, col := range cols {
		want := iran.Fold(col.name)
		for i, h := range header {
			if iran.Fold(h) == want {
				col.index = append(col.index, i)
			}
		}
		if len(col.index) == 0 {
			return fmt.Errorf("column %q is not in the header (columns: %s)", col.name, strings.Join(header, ", "))
		}
	}
	return nil
}

// parseDelimiter reads the --delimiter flag.
func parseDelimiter(s string) (rune, error) {
	switch s {
	case "tab", `\t`:
		return '\t', nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || size != len(s) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return 0, fmt.Errorf("invalid --delimiter %q: want one character other than a quote or a line break", s)
	}
	return r, nil
}
