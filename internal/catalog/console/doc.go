// Package console is the agencies' console of the service catalog (D1,
// D4): agency staff create and edit their agency's service records with
// full validation and a preview, announce outages, and see which records
// have not been reviewed for over a year; the ministry grants and revokes
// staff rights. Every change goes through catalog.Store, which versions
// and audits it.
//
// The pages are server-rendered, work without JavaScript, and are in
// Persian first with English, like every page of the window.
package console
