package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadCursor is returned, wrapped, for a cursor the log did not issue.
var ErrBadCursor = errors.New("audit: bad cursor")

// Page is one page of entries, newest first. Next is the cursor of the
// following page, empty on the last one.
type Page struct {
	Entries []Entry
	Next    string
}

// Filter selects entries for operators. Zero fields select everything.
type Filter struct {
	Kinds   []Kind
	Actor   string
	Subject string
	// Since and Until bound the events' Time: Since <= Time < Until.
	Since, Until time.Time
	// Cursor is a Page.Next from the previous call; empty for the first
	// page.
	Cursor string
	// Limit is the page size: 50 when zero, at most 500.
	Limit int
}

// ForSubject returns a person's own security activity — the events whose
// Subject is nationalCode — newest first, limit at a time (20 when zero,
// at most 100). Pass the previous Page.Next as cursor for the next page.
// Events written with RecordTx appear once they are chained, within about
// a second.
func (l *Log) ForSubject(ctx context.Context, nationalCode, cursor string, limit int) (Page, error) {
	if limit <= 0 {
		limit = 20
	}
	return l.List(ctx, Filter{Subject: nationalCode, Cursor: cursor, Limit: min(limit, 100)})
}

// List returns the entries f selects, newest first.
func (l *Log) List(ctx context.Context, f Filter) (Page, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Cursor != "" {
		before, err := strconv.ParseInt(f.Cursor, 36, 64)
		if err != nil || before <= 0 {
			return Page{}, fmt.Errorf("%w %q", ErrBadCursor, f.Cursor)
		}
		where = append(where, "seq < "+arg(before))
	}
	if f.Subject != "" {
		where = append(where, "subject = "+arg(f.Subject))
	}
	if f.Actor != "" {
		where = append(where, "actor = "+arg(f.Actor))
	}
	if len(f.Kinds) > 0 {
		ps := make([]string, len(f.Kinds))
		for i, k := range f.Kinds {
			ps[i] = arg(string(k))
		}
		where = append(where, "kind IN ("+strings.Join(ps, ", ")+")")
	}
	if !f.Since.IsZero() {
		where = append(where, "at >= "+arg(f.Since.UTC()))
	}
	if !f.Until.IsZero() {
		where = append(where, "at < "+arg(f.Until.UTC()))
	}
	q := `SELECT seq, at, kind, actor, subject, ip, user_agent, details FROM audit_entries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT " + arg(limit+1)
	rs, err := l.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return Page{}, fmt.Errorf("audit: list: %w", err)
	}
	defer rs.Close()
	var p Page
	for rs.Next() {
		var e Entry
		var kind, details string
		if err := rs.Scan(&e.Seq, &e.Time, &kind, &e.Actor, &e.Subject, &e.IP, &e.UserAgent, &details); err != nil {
			return Page{}, fmt.Errorf("audit: list: %w", err)
		}
		e.Kind = Kind(kind)
		if err := jsonDetails(details, &e.Details); err != nil {
			return Page{}, fmt.Errorf("audit: list: entry %d: %w", e.Seq, err)
		}
		p.Entries = append(p.Entries, e)
	}
	if err := rs.Err(); err != nil {
		return Page{}, fmt.Errorf("audit: list: %w", err)
	}
	if len(p.Entries) > limit {
		p.Entries = p.Entries[:limit]
		p.Next = strconv.FormatInt(p.Entries[limit-1].Seq, 36)
	}
	return p, nil
}
