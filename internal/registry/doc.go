// Package registry simulates the base registries of requirements C1–C6 and
// the agency registries later services consult: the civil registry, Shahkar
// (mobile ownership), the Post's postal-code addresses, legal residence,
// legal persons, driving licences, vehicles, passports, third-party
// insurance, education certificates and foreign nationals.
//
// Seed fills the registry tables with a synthetic but realistic population,
// deterministic for a given number of persons, seed and reference date, and
// always including the fixed demo personas of Personas. Rows are generated
// on the fly and streamed through sqldb.BulkInsert, so memory stays flat at
// any size; secondary indexes are created after the load, which is faster
// than maintaining them row by row.
//
// Handler serves the registries as JSON over HTTP under /registry/, in the
// shapes of the real national services (Shahkar's ServiceIDmatching, the
// civil registry's identity inquiry, the Post's address by postal code);
// the exchange is what normally reaches it. RunLoad is a small load
// generator for the registry benchmark.
package registry
