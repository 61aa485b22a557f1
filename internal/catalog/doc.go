// Package catalog is the national window's service catalog (requirements
// D1–D8): every government service's identity record and guide, the
// agencies that offer them, the licences database, Persian and English
// search, the public pages, the agencies' console and the open-data
// downloads.
//
// The catalog's content is kept as reviewed YAML files under data/,
// embedded in the binary and loaded into the database by `panjereh seed`
// (and by the demo on first start). Agencies then keep their own records
// current through the console; every change is a new version.
package catalog
