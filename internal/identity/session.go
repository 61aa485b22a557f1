package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// Assurance levels (A5), as OpenID Connect acr values.
const (
	LoA1 = "loa1" // identity matched with the civil registry and Shahkar, SMS code
	LoA2 = "loa2" // plus a biometric match
	LoA3 = "loa3" // plus an electronic signature
)

// Session is a person's login at the national window.
type Session struct {
	ID        string
	AccountID string
	ACR       string
	AMR       []string // RFC 8176 methods
	AuthTime  time.Time
	Created   time.Time
	LastSeen  time.Time
	Idle      time.Duration
	Expires   time.Time // the absolute end
	IP        string
	UserAgent string
}

// IdleUntil is when the session ends unless used.
func (s Session) IdleUntil() time.Time { return s.LastSeen.Add(s.Idle) }

// touchEvery bounds how often a session's last use is written.
const touchEvery = time.Minute

// ErrNoSession is returned for a missing, ended or expired session.
var ErrNoSession = errors.New("identity: no valid session")

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Service) idleFor(want time.Duration) time.Duration {
	return min(max(want, s.Policy.SessionIdle), s.Policy.SessionMax)
}

func (s *Service) createSession(ctx context.Context, q sqldb.Querier, a Account, cl Client, opts LoginOptions, now time.Time) (Session, string, error) {
	token := newToken()
	sess := Session{ID: newID(), AccountID: a.ID, ACR: LoA1, AMR: []string{"otp", "sms"}, AuthTime: now, Created: now,
		LastSeen: now, Idle: s.idleFor(opts.Idle), Expires: now.Add(s.Policy.SessionMax), IP: cl.IP, UserAgent: clip(cl.UserAgent, 256)}
	err := sqldb.Queue(ctx, q, `INSERT INTO identity_sessions
(id, token_hash, account_id, acr, amr, auth_time, created_at, last_seen, idle, expires_at, ip, user_agent, end_reason, idle_until)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', $13)`,
		sess.ID, tokenHash(token), sess.AccountID, sess.ACR, strings.Join(sess.AMR, " "), sess.AuthTime, sess.Created,
		sess.LastSeen, int64(sess.Idle/time.Second), sess.Expires, sess.IP, sess.UserAgent, sess.IdleUntil())
	if err != nil {
		return Session{}, "", fmt.Errorf("identity: create session: %w", err)
	}
	if a.Kind != KindNatural {
		// The registries were asked before its code was sent; they are
		// asked again an hour on while it has a session (RecheckAccounts).
		if err := sqldb.Queue(ctx, q, `INSERT INTO identity_entitlement_due (account_id, due_at) VALUES ($1, $2)
ON CONFLICT (account_id) DO UPDATE SET due_at = excluded.due_at`, a.ID, now.Add(EntitlementRecheck)); err != nil {
			return Session{}, "", fmt.Errorf("identity: create session: %w", err)
		}
	}
	return sess, token, nil
}

const sessionCols = `id, account_id, acr, amr, auth_time, created_at, last_seen, idle, expires_at, ip, user_agent`

// sessionRow holds a session's columns while they are scanned.
type sessionRow struct {
	s    *Session
	amr  string
	idle int64
}

func newSessionRow(s *Session) *sessionRow { return &sessionRow{s: s} }

func (r *sessionRow) dest() []any {
	s := r.s
	return []any{&s.ID, &s.AccountID, &s.ACR, &r.amr, &s.AuthTime, &s.Created, &s.LastSeen, &r.idle, &s.Expires, &s.IP, &s.UserAgent}
}

func (r *sessionRow) finish() {
	s := r.s
	s.AMR = strings.Fields(r.amr)
	s.Idle = time.Duration(r.idle) * time.Second
	s.AuthTime, s.Created, s.LastSeen, s.Expires = s.AuthTime.UTC(), s.Created.UTC(), s.LastSeen.UTC(), s.Expires.UTC()
}

func scanSession(row interface{ Scan(...any) error }) (Session, error) {
	var s Session
	r := newSessionRow(&s)
	err := row.Scan(r.dest()...)
	r.finish()
	return s, err
}

// prefixed qualifies every column of a list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// scanJoined scans a row of session columns followed by account columns.
func scanJoined(row interface{ Scan(...any) error }, sess *Session, a *Account) error {
	sr, ar := newSessionRow(sess), newAccountRow(a)
	if err := row.Scan(append(sr.dest(), ar.dest()...)...); err != nil {
		return err
	}
	sr.finish()
	return ar.finish()
}

// authenticateSQL reads the live session of a cookie's token, with its
// account: the query of every page a person sees signed in.
var authenticateSQL = `SELECT ` + prefixed("s.", sessionCols) + `, ` + prefixed("a.", accountCols) + `
FROM identity_sessions s JOIN identity_accounts a ON a.id = s.account_id
WHERE s.token_hash = $1 AND s.ended_at IS NULL`

// Authenticate returns the live session a cookie token names, and its
// account, and records the use.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, Account, error) {
	if token == "" {
		return Session{}, Account{}, ErrNoSession
	}
	now := s.now()
	var sess Session
	var a Account
	err := scanJoined(s.DB.Read.QueryRowContext(ctx, authenticateSQL, tokenHash(token)), &sess, &a)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Account{}, ErrNoSession
	} else if err != nil {
		return Session{}, Account{}, err
	}
	switch {
	case !now.Before(sess.Expires):
		s.end(ctx, sess.ID, "expired", now)
		return Session{}, Account{}, ErrNoSession
	case !now.Before(sess.IdleUntil()):
		s.end(ctx, sess.ID, "idle", now)
		return Session{}, Account{}, ErrNoSession
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		if _, err := s.DB.Write.ExecContext(ctx, `UPDATE identity_sessions SET last_seen = $2, idle_until = $3 WHERE id = $1`,
			sess.ID, now, now.Add(sess.Idle)); err != nil {
			return Session{}, Account{}, err
		}
		sess.LastSeen = now
	}
	return sess, s.withRoles(a), nil
}

// ExtendIdle lets a session stay idle up to d (within the policy), for a
// service that takes long to complete (A7).
func (s *Service) ExtendIdle(ctx context.Context, sessionID string, d time.Duration) error {
	// The session was used a moment ago (it is asking), so its new idle
	// end counted from now is no earlier than from its last use.
	d = s.idleFor(d)
	_, err := s.DB.Write.ExecContext(ctx, `UPDATE identity_sessions SET idle = $2, idle_until = $3 WHERE id = $1 AND idle < $2 AND ended_at IS NULL`,
		sessionID, int64(d/time.Second), s.now().Add(d))
	return err
}

// sweepSQL finds up to $2 sessions not ended whose col is $1 or before.
// The sweep's indexes hold the sessions whose end reason is empty, which
// are those not ended (migration 00023).
func sweepSQL(col string) string {
	return `SELECT id FROM identity_sessions WHERE end_reason = '' AND ended_at IS NULL AND ` + col + ` <= $1 LIMIT $2`
}

// EndIdleSessions ends, at most limit of each, the sessions left to idle
// out and those past their absolute end, without waiting for their
// browser to come back, and tells OnSessionEnd of each, for the
// back-channel logout of the agencies they entered (A7). It returns how
// many it ended; the window runs it every minute.
func (s *Service) EndIdleSessions(ctx context.Context, limit int) (int, error) {
	now := s.now()
	ended := 0
	for _, sweep := range []struct{ col, reason string }{{"idle_until", "idle"}, {"expires_at", "expired"}} {
		due, err := ids(ctx, s.DB.Read, sweepSQL(sweep.col), now, limit)
		if err != nil {
			return ended, fmt.Errorf("identity: sessions to end: %w", err)
		}
		for _, id := range due {
			// Used again meanwhile, a session's idle end has moved: the
			// condition is checked again as it ends.
			ok, err := s.endIf(ctx, id, sweep.reason, " AND "+sweep.col+" <= $2", now)
			if err != nil {
				return ended, err
			}
			if ok {
				ended++
			}
		}
	}
	return ended, nil
}

// Sessions lists an account's live sessions, newest first.
func (s *Service) Sessions(ctx context.Context, accountID string) ([]Session, error) {
	now := s.now()
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+sessionCols+` FROM identity_sessions
WHERE account_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`, accountID, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		if now.Before(sess.IdleUntil()) {
			out = append(out, sess)
		}
	}
	return out, rows.Err()
}

// EndSession ends one of the account's sessions: a logout, or "end this
// session" on the sessions page. Ending a session that is already over is
// not an error.
func (s *Service) EndSession(ctx context.Context, accountID, sessionID, reason string, cl Client) error {
	now := s.now()
	if reason == "" {
		reason = "ended" // an ended session always has a reason (migration 00023)
	}
	res, err := s.DB.Write.ExecContext(ctx, endSQL+` AND account_id = $4`, sessionID, now, reason, accountID)
	if err != nil {
		return fmt.Errorf("identity: end session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	kind := EventSessionEnded
	if reason == "logout" {
		kind = EventLogout
	}
	if a, err := accountBy(ctx, s.DB.Read, "id", accountID); err == nil {
		s.audit(ctx, kind, a.personID(), a.LoginID, cl, map[string]string{"session": sessionID, "reason": reason})
	}
	if s.OnSessionEnd != nil {
		s.OnSessionEnd(ctx, sessionID)
	}
	return nil
}

// EndSessionByID ends a session whoever it belongs to: the end of an
// agency-initiated logout.
func (s *Service) EndSessionByID(ctx context.Context, sessionID, reason string, cl Client) error {
	var accountID string
	err := sqldb.ScanOne(ctx, s.DB.Read, `SELECT account_id FROM identity_sessions WHERE id = $1`, []any{sessionID}, &accountID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	return s.EndSession(ctx, accountID, sessionID, reason, cl)
}

// end closes an expired session found on use.
func (s *Service) end(ctx context.Context, sessionID, reason string, now time.Time) {
	if _, err := s.endIf(ctx, sessionID, reason, "", now); err != nil {
		s.logger().ErrorContext(ctx, "identity: end session", "err", err)
	}
}

// endSQL ends session $1 at $2 for reason $3, unless it has ended.
var endSQL = endSQLBy("id")

// endSQLBy ends the session whose column col is $1 at $2 for reason $3,
// unless it has ended.
func endSQLBy(col string) string {
	return `UPDATE identity_sessions SET ended_at = $2, end_reason = $3
WHERE ` + col + ` = $1 AND ended_at IS NULL`
}

// endIf ends a session not yet ended, on the further condition cond (SQL
// after AND, where $2 is now), tells OnSessionEnd, and reports whether it
// ended it.
func (s *Service) endIf(ctx context.Context, sessionID, reason, cond string, now time.Time) (bool, error) {
	res, err := s.DB.Write.ExecContext(ctx, endSQL+cond, sessionID, now, reason)
	if err != nil {
		return false, fmt.Errorf("identity: end session: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if s.OnSessionEnd != nil {
		s.OnSessionEnd(ctx, sessionID)
	}
	return true, nil
}

// endReplaced ends, in tx, the open session whose cookie token a login
// by a replaces in the browser, a's or another account's, audited as
// that account's and told to OnSessionEnd once tx commits, for the
// back-channel logout of the agencies it entered. A token of no open
// session, or of one past its idle or absolute end (which the sweep
// ends for that reason), ends nothing.
func (s *Service) endReplaced(ctx context.Context, tx *sqldb.Tx, token string, a Account, cl Client, now time.Time) error {
	var sid, owner string
	err := sqldb.ScanOne(ctx, tx, endSQLBy("token_hash")+` AND idle_until > $2 AND expires_at > $2 RETURNING id, account_id`,
		[]any{tokenHash(token), now, EndReplaced}, &sid, &owner)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil
	} else if err != nil {
		return fmt.Errorf("identity: end the replaced session: %w", err)
	}
	if owner != a.ID {
		if a, err = accountBy(ctx, tx, "id", owner); err != nil {
			return fmt.Errorf("identity: end the replaced session: %w", err)
		}
	}
	if err := s.auditTx(ctx, tx, EventSessionEnded, a.personID(), a.LoginID, cl, map[string]string{"session": sid, "reason": EndReplaced}); err != nil {
		return err
	}
	if s.OnSessionEnd != nil {
		tx.AfterCommit(func() { s.OnSessionEnd(ctx, sid) })
	}
	return nil
}

// Account returns an account by its ID.
func (s *Service) Account(ctx context.Context, id string) (Account, error) {
	a, err := accountBy(ctx, s.DB.Read, "id", id)
	return s.withRoles(a), err
}

// cookie names: the __Host- prefix needs a secure origin.
func cookieName(secure bool) string {
	if secure {
		return "__Host-pnj_session"
	}
	return "pnj_session"
}

// SetCookie writes the session cookie: HttpOnly, SameSite=Lax (the
// OpenID Connect redirect from an agency is a top-level navigation),
// Secure and __Host- on HTTPS, at the window or at a trusted proxy in
// front of it (web.Secure). It is a browser-session cookie, gone when the
// browser closes; the server enforces the idle and absolute timeouts.
func SetCookie(w http.ResponseWriter, r *http.Request, token string) {
	secure := web.Secure(r)
	http.SetCookie(w, &http.Cookie{Name: cookieName(secure), Value: token, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode})
}

// ClearCookie removes the session cookie.
func ClearCookie(w http.ResponseWriter, r *http.Request) {
	secure := web.Secure(r)
	http.SetCookie(w, &http.Cookie{Name: cookieName(secure), Value: "", Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// CookieToken is the session token a request carries, if any.
func CookieToken(r *http.Request) string {
	c, err := r.Cookie(cookieName(web.Secure(r)))
	if err != nil {
		return ""
	}
	return c.Value
}
