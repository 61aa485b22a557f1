package pki

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// Certificate is an issued certificate as the registry records it.
type Certificate struct {
	Serial    string
	Member    MemberID
	NotBefore time.Time
	NotAfter  time.Time
	IssuedAt  time.Time
	// RevokedAt is zero while the certificate is not revoked.
	RevokedAt    time.Time
	RevokeReason string
	// PEM is the certificate itself.
	PEM []byte
}

// Revoked reports whether c has been revoked.
func (c Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

// Store keeps the registry of issued certificates and their revocation in
// the database.
type Store struct {
	DB *sqldb.DB
}

// RecordIssued records a certificate the CA has just issued. The member,
// serial and validity are read from the certificate itself so that the
// record cannot disagree with it.
func (s *Store) RecordIssued(ctx context.Context, certPEM []byte, now time.Time) (Certificate, error) {
	cert, err := ParseCertificatePEM(certPEM)
	if err != nil {
		return Certificate{}, fmt.Errorf("pki: record issued certificate: %w", err)
	}
	member, err := CertificateMember(cert)
	if err != nil {
		return Certificate{}, fmt.Errorf("pki: record issued certificate: %w", err)
	}
	c := Certificate{
		Serial:    Serial(cert.SerialNumber),
		Member:    member,
		NotBefore: cert.NotBefore.UTC(),
		NotAfter:  cert.NotAfter.UTC(),
		IssuedAt:  now.UTC(),
		PEM:       certPEM,
	}
	_, err = s.DB.Write.ExecContext(ctx, `INSERT INTO nix_certificates
		(serial, member_id, not_before, not_after, issued_at, cert_pem) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.Serial, c.Member.String(), c.NotBefore, c.NotAfter, c.IssuedAt, string(c.PEM))
	if sqldb.IsUniqueViolation(err) {
		return Certificate{}, fmt.Errorf("pki: record issued certificate %s: already recorded", c.Serial)
	}
	if err != nil {
		return Certificate{}, fmt.Errorf("pki: record issued certificate %s: %w", c.Serial, err)
	}
	return c, nil
}

// Revoke revokes one certificate, when target is a serial, or every
// certificate of a member, when target is INSTANCE/CLASS/CODE. It returns
// how many certificates it newly revoked: a certificate already revoked
// keeps its first revocation time and reason. Revoking what was never
// issued returns a wrapped sqldb.ErrNotFound.
func (s *Store) Revoke(ctx context.Context, target, reason string, now time.Time) (int, error) {
	col, key := "serial", strings.ToLower(target)
	if strings.Contains(target, "/") {
		m, err := ParseMemberID(target)
		if err != nil {
			return 0, fmt.Errorf("pki: revoke: %w", err)
		}
		col, key = "member_id", m.String()
	}
	var n int64
	err := s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE nix_certificates SET revoked_at = $1, revoke_reason = $2
			WHERE `+col+` = $3 AND revoked_at IS NULL`, now.UTC(), reason, key)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		var exists int
		return sqldb.ScanOne(ctx, tx, `SELECT 1 FROM nix_certificates WHERE `+col+` = $1 LIMIT 1`, []any{key}, &exists)
	})
	if err != nil {
		return 0, fmt.Errorf("pki: revoke %s: %w", target, err)
	}
	return int(n), nil
}

// List returns the certificates issued to member, newest first, or every
// certificate when member is the zero MemberID.
func (s *Store) List(ctx context.Context, member MemberID) ([]Certificate, error) {
	q := `SELECT serial, member_id, not_before, not_after, issued_at, revoked_at, revoke_reason, cert_pem
		FROM nix_certificates`
	var args []any
	if !member.IsZero() {
		q += ` WHERE member_id = $1`
		args = append(args, member.String())
	}
	rows, err := s.DB.Read.QueryContext(ctx, q+` ORDER BY issued_at DESC, serial`, args...)
	if err != nil {
		return nil, fmt.Errorf("pki: list certificates: %w", err)
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		var (
			c       Certificate
			id, pem string
			revoked sql.NullTime
		)
		if err := rows.Scan(&c.Serial, &id, &c.NotBefore, &c.NotAfter, &c.IssuedAt, &revoked, &c.RevokeReason, &pem); err != nil {
			return nil, fmt.Errorf("pki: list certificates: %w", err)
		}
		if c.Member, err = ParseMemberID(id); err != nil {
			return nil, fmt.Errorf("pki: list certificates: %w", err)
		}
		if revoked.Valid {
			c.RevokedAt = revoked.Time.UTC()
		}
		c.NotBefore, c.NotAfter, c.IssuedAt = c.NotBefore.UTC(), c.NotAfter.UTC(), c.IssuedAt.UTC()
		c.PEM = []byte(pem)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pki: list certificates: %w", err)
	}
	return out, nil
}

// RevokedSerials returns the serials of the revoked certificates that have
// not yet expired at now; expired ones are refused anyway, which keeps the
// set the gateway holds small.
func (s *Store) RevokedSerials(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.DB.Read.QueryContext(ctx,
		`SELECT serial FROM nix_certificates WHERE revoked_at IS NOT NULL AND not_after > $1`, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("pki: revoked serials: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sn string
		if err := rows.Scan(&sn); err != nil {
			return nil, fmt.Errorf("pki: revoked serials: %w", err)
		}
		out = append(out, sn)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pki: revoked serials: %w", err)
	}
	return out, nil
}
