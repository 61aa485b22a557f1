// Package idtool implements the `panjereh ids` subcommands, which check and
// clean Iranian identifiers from the command line:
//
//	panjereh ids check [--kind KIND] VALUE...
//	panjereh ids clean --column NAME:KIND [--column NAME:KIND]... [--delimiter ,] < in.csv > out.csv
//
// check validates single values, guessing their kind when it is not given;
// clean normalises whole columns of a CSV file as a stream, so that files of
// millions of rows run in constant memory. The rules themselves live in
// package iran; this package only reads arguments, formats results and
// chooses exit statuses: 0 when everything was valid, 1 when something was
// invalid, 2 for usage errors and input that cannot be read.
package idtool
