package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// SMS sends a one-time code. The message is enqueued with q, the caller's
// transaction, so it goes out only if the challenge is stored; it must not
// be delivered after expires.
type SMS interface {
	SendCode(ctx context.Context, q sqldb.Querier, mobile, text string, expires time.Time) error
}

// Notices is an SMS sender that can also send a notice, a message that is
// not a code, in the caller's transaction; the window's outbox is one.
type Notices interface {
	SendNotice(ctx context.Context, q sqldb.Querier, mobile, text string) error
}

// AuditEvent is one entry for the audit log; Details never hold secrets.
type AuditEvent struct {
	Kind      string
	Actor     string
	Subject   string
	IP        string
	UserAgent string
	Details   map[string]string
}

// Auditor records security events (K3). RecordTx records one as part of
// tx, so that it commits, or not, with the change it reports, and no
// request waits for a commit of its own.
type Auditor interface {
	Record(ctx context.Context, e AuditEvent) error
	RecordTx(ctx context.Context, tx *sqldb.Tx, e AuditEvent) error
}

// Audit event kinds identity records.
const (
	EventRegistration = "registration"
	EventRegisterFail = "registration-refused"
	EventOTPSent      = "otp-sent"
	EventOTPFailed    = "otp-failed"
	EventLogin        = "login"
	EventLoginFailed  = "login-failed"
	EventLogout       = "logout"
	EventSessionEnded = "session-ended"
	EventMobileChange = "mobile-changed"
	EventMobileRefuse = "mobile-change-refused"
	EventNotEntitled  = "account-not-entitled"
)

// ActorSystem is the actor of events no person caused, such as the
// registries' answer that an account is no longer its holder's.
const ActorSystem = "system"

// Policy holds the limits of codes and sessions.
type Policy struct {
	CodeDigits  int           // 5 or 6
	CodeTTL     time.Duration // at most 2 minutes (A2)
	MaxAttempts int           // wrong codes before a code is burnt
	ResendAfter time.Duration // cooldown between codes to one account
	// Codes sent per mobile, per login identifier and per IP address, and
	// registration or login attempts per IP address.
	PerMobile, PerLogin, PerIP Limit
	// PerRegistration is the registration attempts per identifier,
	// counted apart from its codes (PerLogin), and PerRegistrationDaily
	// the same over a day: a refused registration says which check
	// failed (A1), so the day's limit bounds how fast anyone can learn a
	// person's birth date or mobile by trying.
	PerRegistration, PerRegistrationDaily Limit
	// PerMobileDaily is the codes sent per mobile over a longer window
	// than PerMobile's, so that nobody can have the window send one
	// number a code every few minutes all day long (F3).
	PerMobileDaily Limit
	// WrongCodes is the wrong codes an account may have entered, over all
	// its codes, before its codes stop until the window ends: each code
	// allows MaxAttempts, and new codes keep coming within PerLogin, so
	// without it a guesser could try thousands of codes a day.
	WrongCodes Limit
	// DeviceTTL is how long a browser is a known device for a login
	// identifier after a login with it (device.go): its codes are
	// counted under limits of its own. 0 remembers no device.
	DeviceTTL time.Duration
	// SessionIdle ends a session unused this long; SessionMax ends any
	// session this long after login. A service may ask for a longer idle
	// time, up to SessionMax (A7).
	SessionIdle, SessionMax time.Duration
}

// DefaultPolicy is the policy of the national window.
func DefaultPolicy() Policy {
	return Policy{
		CodeDigits: 6, CodeTTL: 2 * time.Minute, MaxAttempts: 5, ResendAfter: time.Minute,
		PerMobile: Limit{Max: 5, Window: 15 * time.Minute}, PerLogin: Limit{Max: 5, Window: 15 * time.Minute},
		PerIP: Limit{Max: 30, Window: 15 * time.Minute}, PerRegistration: Limit{Max: 5, Window: 15 * time.Minute},
		PerMobileDaily: Limit{Max: 20, Window: 24 * time.Hour}, PerRegistrationDaily: Limit{Max: 10, Window: 24 * time.Hour},
		WrongCodes:  Limit{Max: 20, Window: 24 * time.Hour},
		DeviceTTL:   90 * 24 * time.Hour,
		SessionIdle: 30 * time.Minute, SessionMax: 12 * time.Hour,
	}
}

// Service is the behaviour of registration, login and sessions. Set its
// fields, then use it; it is safe for concurrent use.
type Service struct {
	DB         *sqldb.DB
	Registries Registries
	SMS        SMS
	Audit      Auditor // nil: nothing is audited
	// Secret keys the hash of one-time codes; every node needs the same
	// one, at least 32 bytes.
	Secret []byte
	Policy Policy
	// Overseers are national codes whose accounts get RoleOverseer.
	Overseers []string
	// OnSessionEnd is told when a session ends, for back-channel logout.
	OnSessionEnd func(ctx context.Context, sessionID string)
	// OnAccountNotEntitled is told, in the transaction that ends its
	// sessions, when the registries say an account is no longer its
	// holder's (RecheckAccounts), to revoke what agencies hold for it;
	// its error undoes the ending, to be tried again.
	OnAccountNotEntitled func(ctx context.Context, tx *sqldb.Tx, accountID string) error
	// OnAccountReplaced is told, in the transaction that makes the
	// change, when a legal person's account passes to a new signatory, to
	// withdraw what agencies hold for it; its error undoes the change.
	OnAccountReplaced func(ctx context.Context, tx *sqldb.Tx, accountID string) error
	Logger            *slog.Logger
	Now               func() time.Time
}

// withRoles adds the roles the configuration gives the account: a
// natural person listed in Overseers is an overseer, whenever they were
// registered.
func (s *Service) withRoles(a Account) Account {
	if a.Kind != KindNatural || a.HasRole(RoleOverseer) {
		return a
	}
	for _, code := range s.Overseers {
		if code == a.NationalCode {
			a.Roles = append(a.Roles, RoleOverseer)
		}
	}
	return a
}

// Client is where a request came from.
type Client struct {
	IP, UserAgent string
	// Devices is the browser's device cookie (device.go), if any.
	Devices string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// auditTx records an event in tx; an event that cannot be recorded fails
// the change it reports.
func (s *Service) auditTx(ctx context.Context, tx *sqldb.Tx, kind, actor, subject string, cl Client, details map[string]string) error {
	if s.Audit == nil {
		return nil
	}
	e := AuditEvent{Kind: kind, Actor: actor, Subject: subject, IP: cl.IP, UserAgent: clip(cl.UserAgent, 256), Details: details}
	if err := s.Audit.RecordTx(ctx, tx, e); err != nil {
		return fmt.Errorf("identity: audit %s: %w", kind, err)
	}
	return nil
}

func (s *Service) audit(ctx context.Context, kind, actor, subject string, cl Client, details map[string]string) {
	if s.Audit == nil {
		return
	}
	e := AuditEvent{Kind: kind, Actor: actor, Subject: subject, IP: cl.IP, UserAgent: clip(cl.UserAgent, 256), Details: details}
	if err := s.Audit.Record(ctx, e); err != nil {
		s.logger().ErrorContext(ctx, "identity: audit", "kind", kind, "err", err)
	}
}

// RegisterInput is what a person types to register.
type RegisterInput struct {
	Kind         Kind
	NationalCode string // a natural person's, or a legal person's signatory's
	LegalID      string // legal persons
	ForeignID    string // foreign nationals: the 12-digit FIDA
	BirthDate    string // Jalali, e.g. 1370/05/12, or Gregorian (iran.ParseDate)
	Mobile       string
}

// Challenge is a one-time code on its way, as the person may see it.
type Challenge struct {
	ID           string
	Purpose      string
	MaskedMobile string
	Sent         time.Time
	Expires      time.Time
	ResendAt     time.Time
	// Earlier is set when the code was sent in answer to an earlier
	// request, and none was sent now (StartLogin or ChangeMobile within
	// the cooldown).
	Earlier bool
}

// Challenge purposes.
const (
	PurposeLogin  = "login"
	PurposeMobile = "mobile"
)

// Register checks a person against the registries, creates the account
// and sends the first login code to the verified mobile (A1, A3, A9).
func (s *Service) Register(ctx context.Context, in RegisterInput, cl Client) (Account, Challenge, error) {
	now := s.now()
	a, err := s.checkRegistration(ctx, in, cl, now)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code != CodeInvalid && e.Code != CodeRateLimited {
			s.audit(ctx, EventRegisterFail, "", registrationSubject(in), cl, map[string]string{"reason": e.Code, "kind": string(in.Kind)})
		}
		return Account{}, Challenge{}, err
	}
	var ch Challenge
	err = s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if a.formerSignatory != "" {
			if err := s.replaceSignatory(ctx, tx, a, now); err != nil {
				return err
			}
		} else if err := insertAccount(ctx, tx, a); err != nil {
			if sqldb.IsUniqueViolation(err) {
				return alreadyRegistered()
			}
			return err
		}
		// The first code starts the cooldown like any other, and counts
		// among the identifier's codes (PerLogin), as a login's does; not
		// among the mobile's, which is yet to be proved.
		cooldown := s.cooldown(a, PurposeLogin)
		over, err := hit(ctx, tx, s.DB.Dialect == sqldb.Postgres, []counter{cooldown, {key: "login:" + a.LoginID, l: s.Policy.PerLogin}}, "", now)
		if err != nil {
			return err
		}
		for _, o := range over {
			if o.key != cooldown.key {
				return rateLimited(o.wait)
			}
		}
		if ch, err = s.newChallenge(ctx, tx, a, PurposeLogin, a.Mobile, "", now); err != nil {
			return err
		}
		details := map[string]string{"kind": string(a.Kind), "account": a.ID}
		if a.formerSignatory != "" {
			details["replaced"] = "signatory"
		}
		if err := s.auditTx(ctx, tx, EventRegistration, a.personID(), a.LoginID, cl, details); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, EventOTPSent, a.personID(), a.LoginID, cl, map[string]string{"purpose": PurposeLogin, "mobile": MaskMobile(a.Mobile)})
	})
	if err != nil {
		return Account{}, Challenge{}, err
	}
	return a, ch, nil
}

// replaceSignatory gives a legal person's account, registered by a
// signatory who is no longer one, to a (the new signatory's details and
// mobile), in tx: the former signatory's open codes are burnt and wrong
// codes forgotten, their sessions end (and with them the agencies'
// sessions, by back-channel logout), the marks their browsers hold stop
// being known devices (the account's update time is now), and the
// agencies' consents and tokens for the account are withdrawn
// (OnAccountReplaced), so that nothing the former signatory started goes
// on. The new signatory's tenure starts (Tenure): the account's security
// activity shows them nothing from before it.
func (s *Service) replaceSignatory(ctx context.Context, tx *sqldb.Tx, a Account, now time.Time) error {
	src, err := json.Marshal(a.Source)
	if err != nil {
		return err
	}
	// The tenure starts when the account passes, not when the
	// registration began: what the former signatory did while the
	// registries were being asked is still theirs.
	since := s.now()
	// The open codes first, in the order a code's answer locks them (its
	// challenge, then the account), so that the two cannot deadlock.
	if err := tx.Queue(ctx, `UPDATE identity_challenges SET attempts = $2 WHERE account_id = $1 AND consumed_at IS NULL`,
		a.ID, s.Policy.MaxAttempts); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE identity_accounts SET national_code = $3, mobile = $4, birth_date = $5, first_name = $6,
last_name = $7, father_name = $8, gender = $9, company_name = $10, signatory_role = $11, source = $12, updated_at = $13,
postal_code = $14, province = $15, city = $16, codes_locked_until = NULL, signatory_since = $17 WHERE id = $1 AND national_code = $2`,
		a.ID, a.formerSignatory, a.NationalCode, a.Mobile, a.BirthDate.Format(time.DateOnly), a.FirstName, a.LastName, a.FatherName,
		a.Gender, a.CompanyName, a.SignatoryRole, string(src), now, a.PostalCode, a.Province, a.City, since)
	if err != nil {
		return fmt.Errorf("identity: replace signatory: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return alreadyRegistered() // another registration took it over first
	}
	// The former signatory's wrong codes are not the new one's: the
	// account's, and all its known devices' together (each device's own
	// is never read again, its mark being stale).
	if err := tx.Queue(ctx, `DELETE FROM identity_limits WHERE key IN ($1, $2)`, wrongKey(a.ID, ""), wrongKey(a.ID, allDevices)); err != nil {
		return err
	}
	// The sessions are the former signatory's, the request that ends them
	// the new one's: their ends are audited as the former's without the
	// new one's address and browser, which the registration beside them
	// records.
	if err := s.endAccountSessions(ctx, tx, a.ID, a.formerSignatory, a.LoginID, endSignatoryChanged, Client{}, now); err != nil {
		return err
	}
	if s.OnAccountReplaced != nil {
		if err := s.OnAccountReplaced(ctx, tx, a.ID); err != nil {
			return fmt.Errorf("identity: withdraw what agencies hold for the account: %w", err)
		}
	}
	return nil
}

// endAccountSessions ends, in tx, every open session of account id,
// for reason, each audited with actor (whose sessions they were) and
// subject, and tells OnSessionEnd of each once tx commits.
func (s *Service) endAccountSessions(ctx context.Context, tx *sqldb.Tx, id, actor, subject, reason string, cl Client, now time.Time) error {
	ended, err := ids(ctx, tx, `UPDATE identity_sessions SET ended_at = $2, end_reason = $3 WHERE account_id = $1 AND ended_at IS NULL
RETURNING id`, id, now, reason)
	if err != nil {
		return fmt.Errorf("identity: end the account's sessions: %w", err)
	}
	for _, sid := range ended {
		if err := s.auditTx(ctx, tx, EventSessionEnded, actor, subject, cl, map[string]string{"session": sid, "reason": reason}); err != nil {
			return err
		}
	}
	if s.OnSessionEnd != nil {
		tx.AfterCommit(func() {
			for _, sid := range ended {
				s.OnSessionEnd(ctx, sid)
			}
		})
	}
	return nil
}

// endSignatoryChanged is the end reason of the sessions of a legal
// person's former signatory.
const endSignatoryChanged = "signatory-changed"

func registrationSubject(in RegisterInput) string {
	switch in.Kind {
	case KindLegal:
		return iran.ToASCIIDigits(strings.TrimSpace(in.LegalID))
	case KindForeign:
		return iran.ToASCIIDigits(strings.TrimSpace(in.ForeignID))
	}
	return iran.ToASCIIDigits(strings.TrimSpace(in.NationalCode))
}

func alreadyRegistered() *Error {
	return newError(http.StatusConflict, CodeAlreadyRegistered, "",
		"با این شناسه پیش‌تر ثبت‌نام شده است؛ وارد شوید.", "an account with this identifier already exists; please log in")
}

// checkRegistration validates the input, applies the rate limits and asks
// the registries; it returns the account to create.
func (s *Service) checkRegistration(ctx context.Context, in RegisterInput, cl Client, now time.Time) (Account, error) {
	ctx = tracked(ctx)
	var errs []*Error
	field := func(name string, norm func(string) (string, error), v string) string {
		out, err := norm(v)
		if err != nil {
			errs = append(errs, invalidField(name, err))
		}
		return out
	}
	a := Account{ID: newID(), Kind: in.Kind, Source: map[string]string{}, Created: now, Updated: now}
	switch in.Kind {
	case KindNatural:
		a.NationalCode = field("nationalCode", iran.NormalizeNationalCode, in.NationalCode)
		a.LoginID = a.NationalCode
	case KindLegal:
		a.LegalID = field("legalId", iran.NormalizeLegalID, in.LegalID)
		a.NationalCode = field("nationalCode", iran.NormalizeNationalCode, in.NationalCode)
		a.LoginID = a.LegalID
	case KindForeign:
		a.ForeignID = field("foreignId", iran.NormalizeFIDA, in.ForeignID)
		a.LoginID = a.ForeignID
	default:
		return a, newError(http.StatusUnprocessableEntity, CodeInvalid, "kind", "نوع ثبت‌نام را انتخاب کنید.", "choose what kind of account to register")
	}
	birth, err := iran.ParseDate(in.BirthDate)
	if err != nil {
		errs = append(errs, invalidField("birthDate", err))
	}
	a.Mobile = field("mobile", iran.NormalizeMobile, in.Mobile)
	if len(errs) > 0 {
		errs[0].Also = errs[1:]
		return a, errs[0]
	}
	if err := s.limit(ctx, s.DB.Write, cl, a.LoginID, now); err != nil {
		return a, err
	}
	// A legal person has one account. A current signatory may register
	// it again once the signatory it was registered by is no longer one,
	// which the legal-persons registry decides below; it keeps its ID.
	prior, err := accountBy(ctx, s.DB.Read, "login_id", a.LoginID)
	switch {
	case err == nil && (in.Kind != KindLegal || prior.Kind != KindLegal || prior.NationalCode == a.NationalCode):
		return a, alreadyRegistered()
	case err == nil:
		a.ID, a.Created, a.Roles, a.formerSignatory = prior.ID, prior.Created, prior.Roles, prior.NationalCode
	case !errors.Is(err, sqldb.ErrNotFound):
		return a, err
	}

	reg := s.Registries
	postal := "" // a foreign national's, from the bureau
	switch in.Kind {
	case KindLegal:
		c, err := reg.LegalPerson(ctx, a.LegalID)
		switch {
		case errors.Is(err, ErrNoRecord):
			return a, newError(http.StatusUnprocessableEntity, CodeNotFound, "legalId",
				"شخص حقوقی با این شناسهٔ ملی در ثبت شرکت‌ها یافت نشد.", "no legal person with this national ID is registered")
		case err != nil:
			return a, registryDown(err)
		case c.Status != "active":
			return a, newError(http.StatusUnprocessableEntity, CodeCompanyInactive, "legalId",
				"این شخص حقوقی فعال نیست (منحل یا در حال تصفیه است).", "this legal person is not active (dissolved or in liquidation)")
		}
		var sig *Signatory
		for i := range c.Signatories {
			if c.Signatories[i].NationalCode == a.NationalCode && c.Signatories[i].Current {
				sig = &c.Signatories[i]
			}
		}
		if sig == nil {
			return a, newError(http.StatusUnprocessableEntity, CodeNotSignatory, "nationalCode",
				"این کد ملی در شمار صاحبان امضای کنونی این شخص حقوقی نیست.", "this national code is not among the legal person's current signatories")
		}
		if a.formerSignatory != "" && currentSignatory(c, a.formerSignatory) {
			return a, alreadyRegistered() // by a signatory who still is one
		}
		a.CompanyName, a.SignatoryRole = c.Name, sig.Role
		a.Source["companyName"], a.Source["signatoryRole"] = "legal-persons", "legal-persons"
		fallthrough
	case KindNatural:
		p, err := reg.Person(ctx, a.NationalCode, birth)
		if err := personErr(err, p); err != nil {
			return a, err
		}
		a.FirstName, a.LastName, a.FatherName, a.Gender = p.FirstName, p.LastName, p.FatherName, genderName(p.Gender)
		a.BirthDate = jalaliTime(p.BirthDate)
		for _, k := range []string{"firstName", "lastName", "fatherName", "gender", "birthDate", "nationalCode"} {
			a.Source[k] = "civil-registry"
		}
	case KindForeign:
		f, err := reg.Foreigner(ctx, a.ForeignID)
		postal = f.PostalCode
		switch {
		case errors.Is(err, ErrNoRecord):
			return a, newError(http.StatusUnprocessableEntity, CodeNotFound, "foreignId",
				"تبعهٔ خارجی با این شناسهٔ فراگیر یافت نشد.", "no foreign national with this identifier (FIDA) is registered")
		case err != nil:
			return a, registryDown(err)
		case f.BirthDate != birth:
			return a, foreignBirthMismatch()
		case !f.PermitExpires.IsZero() && f.PermitExpires.Before(now):
			return a, newError(http.StatusUnprocessableEntity, CodePermitExpired, "foreignId",
				"پروانهٔ اقامت شما منقضی شده است.", "your residence permit has expired")
		}
		a.FirstName, a.LastName, a.FatherName, a.Gender = f.FirstName, f.LastName, f.FatherName, genderName(f.Gender)
		a.BirthDate = jalaliTime(f.BirthDate)
		for _, k := range []string{"firstName", "lastName", "fatherName", "gender", "birthDate", "foreignId"} {
			a.Source[k] = "foreign-nationals"
		}
	}
	owner := a.NationalCode
	if in.Kind == KindForeign {
		owner = a.ForeignID
	}
	ok, err := reg.MobileMatches(ctx, a.Mobile, owner)
	if err != nil {
		return a, registryDown(err)
	}
	if !ok {
		return a, mobileNotOwner()
	}
	a.Source["mobile"] = "shahkar"
	if in.Kind == KindForeign {
		s.foreignResidence(ctx, &a, postal)
	} else {
		s.legalResidence(ctx, &a)
	}
	return a, nil
}

// legalResidence adds to a the legal residence (C5) the civil registry
// gives, its postal code and the Post's province and city for it, if it
// can be asked. A company's legal residence is its own, not its
// signatory's home, and its source the registration office's, not the
// civil registry's.
func (s *Service) legalResidence(ctx context.Context, a *Account) {
	resident, source := a.NationalCode, "residence"
	if a.Kind == KindLegal {
		resident, source = a.LegalID, "company-residence"
	}
	rb, ok := s.Registries.(ResidenceBook)
	if !ok {
		return
	}
	addr, err := rb.Residence(ctx, resident, a.NationalCode)
	switch {
	case err == nil:
		a.PostalCode, a.Province, a.City = addr.PostalCode, addr.Province, addr.City
		for _, k := range []string{"postalCode", "province", "city"} {
			a.Source[k] = source
		}
	case !errors.Is(err, ErrNoRecord):
		s.logger().WarnContext(ctx, "identity: legal residence not available; registering without it", "err", err)
	}
}

// foreignResidence adds to a, a foreign national's account, the
// residence whose postal code the foreign-nationals bureau gave (postal,
// empty if none), and the Post's province and city for it if the Post
// can be asked: each with the registry it came from.
func (s *Service) foreignResidence(ctx context.Context, a *Account, postal string) {
	if postal == "" {
		return
	}
	code, err := iran.NormalizePostalCode(postal)
	if err != nil {
		s.logger().WarnContext(ctx, "identity: the foreign-nationals bureau's postal code is not valid; registering without it", "err", err)
		return
	}
	a.PostalCode, a.Source["postalCode"] = code, "foreign-nationals"
	pb, ok := s.Registries.(PostBook)
	if !ok {
		return
	}
	addr, err := pb.PostalAddress(ctx, code, a.ForeignID)
	switch {
	case err == nil:
		a.Province, a.City = addr.Province, addr.City
		a.Source["province"], a.Source["city"] = "post", "post"
	case !errors.Is(err, ErrNoRecord):
		s.logger().WarnContext(ctx, "identity: the Post's address of a foreign national's postal code not available; registering without it", "err", err)
	}
}

func mobileNotOwner() *Error {
	return newError(http.StatusUnprocessableEntity, CodeMobileNotOwner, "mobile",
		"این شمارهٔ همراه در سامانهٔ شاهکار به نام شما ثبت نشده است. شماره‌ای را وارد کنید که سیم‌کارت آن به نام خودتان است.",
		"this mobile number is not registered to you in Shahkar; enter a number whose SIM card is in your own name")
}

func birthMismatch() *Error {
	return newError(http.StatusUnprocessableEntity, CodeBirthDateMismatch, "birthDate",
		"تاریخ تولد با اطلاعات ثبت احوال مطابقت ندارد.", "the birth date does not match the civil registry")
}

// foreignBirthMismatch is birthMismatch for a foreign national, whose
// birth date the foreign-nationals bureau keeps, not the civil registry.
func foreignBirthMismatch() *Error {
	return newError(http.StatusUnprocessableEntity, CodeBirthDateMismatch, "birthDate",
		"تاریخ تولد با اطلاعات ادارهٔ کل امور اتباع و مهاجرین خارجی مطابقت ندارد.",
		"the birth date does not match the records of the Bureau for Aliens and Foreign Immigrants' Affairs")
}

func personErr(err error, p Person) error {
	switch {
	case errors.Is(err, ErrNoRecord):
		return newError(http.StatusUnprocessableEntity, CodeNotFound, "nationalCode",
			"این کد ملی در ثبت احوال یافت نشد.", "this national code is not in the civil registry")
	case errors.Is(err, ErrBirthDateMismatch):
		return birthMismatch()
	case err != nil:
		return registryDown(err)
	case p.Deceased:
		return newError(http.StatusUnprocessableEntity, CodeDeceased, "nationalCode",
			"بنا بر اعلام ثبت احوال، دارندهٔ این کد ملی درگذشته است؛ ثبت‌نام ممکن نیست.",
			"the civil registry records the holder of this national code as deceased; registration is not possible")
	}
	return nil
}

func genderName(g int) string {
	switch g {
	case 1:
		return "MALE"
	case 2:
		return "FEMALE"
	}
	return ""
}

func jalaliTime(d iran.JalaliDate) time.Time {
	t, _ := iran.FromJalali(d.Year, d.Month, d.Day, time.UTC)
	return t
}

// normalizeLoginID tells the identifier kinds apart by length: 10 digits
// a national code, 11 a legal ID, 12 a FIDA.
func normalizeLoginID(s string) (string, error) {
	v := iran.ToASCIIDigits(strings.Join(strings.Fields(s), ""))
	// The kind is told by the number of digits, whatever separators the
	// person typed between them ("001-234567-9" is a national code).
	digits := 0
	for i := 0; i < len(v); i++ {
		if '0' <= v[i] && v[i] <= '9' {
			digits++
		}
	}
	switch {
	case digits == 11:
		return iran.NormalizeLegalID(v)
	case digits == 12:
		return iran.NormalizeFIDA(v)
	case digits > 12:
		// Longer than any of the three: the national code's reason would
		// tell a FIDA's holder that ten digits are wanted.
		return "", &iran.ValidationError{Kind: kindLoginID, Code: iran.CodeLength,
			Fa: fmt.Sprintf("شناسه بیش از اندازه بلند است: کد ملی ۱۰ رقم، شناسهٔ ملی شخص حقوقی ۱۱ رقم و شناسهٔ فراگیر اتباع خارجی ۱۲ رقم است؛ %s رقم وارد شده است.",
				iran.ToPersianDigits(strconv.Itoa(digits))),
			En: fmt.Sprintf("the identifier is too long: a national code has 10 digits, a legal national ID 11 and a foreign national identifier (FIDA) 12; %d were given", digits)}
	}
	return iran.NormalizeNationalCode(v)
}

// kindLoginID names the login form's identifier, which is any of three
// kinds, in its validation errors.
const kindLoginID iran.Kind = "login-id"

// limit applies with q the per-IP limit and, for a registration with
// login identifier register (empty otherwise), the limits of
// registration attempts per identifier, a quarter hour's and a day's.
// Those are counted apart from the codes sent
// for the identifier (PerLogin), so that registrations refused, for a
// mistyped birth date say, do not stop its logins.
func (s *Service) limit(ctx context.Context, q sqldb.Querier, cl Client, register string, now time.Time) error {
	p := s.Policy
	return s.count(ctx, q, []counter{{key: ipKey(cl.IP), l: p.PerIP}, {key: "register:" + register, l: p.PerRegistration},
		{key: "register-day:" + register, l: p.PerRegistrationDaily}}, "", now)
}

// cooldown is the counter that lets one code a minute go to an account
// for a purpose.
func (s *Service) cooldown(a Account, purpose string) counter {
	return counter{key: "cooldown:" + a.ID + ":" + purpose, l: s.cooldownLimit()}
}

// cooldownLimit is the cooldown's limit: one code per ResendAfter.
func (s *Service) cooldownLimit() Limit { return Limit{Max: 1, Window: s.Policy.ResendAfter} }

// codeCounters are the counters of a code sent for login identifier
// login to an account's mobile for purpose: the client's (its IP address,
// or its known device), the identifier's, the mobile's (over a quarter
// of an hour and over a day) and the cooldown's; from a known device, each of them the device's own, and
// the identifier's codes from all its known devices together (whose
// wrong codes checkDevice reads). of makes the counter whose key ends
// in the account's column's value then suffix: the value itself when the
// account is at hand, or read from the account by hit.
func (s *Service) codeCounters(cl Client, login, device, purpose string, of func(key, column, suffix string, l Limit) counter) []counter {
	p, sfx := s.Policy, deviceSuffix(device)
	client := counter{key: ipKey(cl.IP), l: p.PerIP}
	if device != "" {
		client = counter{key: "device:" + device, l: p.PerIP}
	}
	cs := []counter{client, {key: "login:" + login + sfx, l: p.PerLogin}, of("mobile:", "mobile", sfx, p.PerMobile),
		of("mobile-day:", "mobile", sfx, p.PerMobileDaily),
		of("cooldown:", "id", ":"+purpose+sfx, s.cooldownLimit())}
	if device != "" {
		cs = append(cs, counter{key: "login:" + login + allDevices, l: Limit{Max: allDevicesCodes * p.PerLogin.Max, Window: p.PerLogin.Window}})
	}
	return cs
}

// count counts counters with q, reading the account with login identifier
// login for those keyed by it (hit), and returns the error for those over
// their limits.
func (s *Service) count(ctx context.Context, q sqldb.Querier, counters []counter, login string, now time.Time) error {
	over, err := hit(ctx, q, s.DB.Dialect == sqldb.Postgres, counters, login, now)
	if err != nil {
		return err
	}
	return overLimits(over)
}

// overLimits is the error for counters over their limits, if any: a
// cooldown's, or being rate limited until the last window ends.
func overLimits(over []exceeded) error {
	var wait time.Duration
	for _, o := range over {
		if strings.HasPrefix(o.key, "cooldown:") {
			fa, en := waitFor(o.wait)
			return &Error{Status: http.StatusTooManyRequests, Code: CodeCooldown, RetryAfter: o.wait.Round(time.Second),
				Fa: "کد پیشین هنوز تازه است؛ " + fa + " دوباره درخواست کنید.",
				En: "a code was just sent; you can ask for another " + en}
		}
		wait = max(wait, o.wait)
	}
	if wait > 0 {
		return rateLimited(wait)
	}
	return nil
}

// newChallenge stores a one-time code for a and enqueues its SMS, in tx.
// A code asked for from a known device carries the device's nonce.
func (s *Service) newChallenge(ctx context.Context, tx sqldb.Querier, a Account, purpose, mobile, device string, now time.Time) (Challenge, error) {
	code, err := newCode(s.Policy.CodeDigits)
	if err != nil {
		return Challenge{}, err
	}
	id := newID()
	exp := now.Add(s.Policy.CodeTTL)
	if err := sqldb.Queue(ctx, tx, `INSERT INTO identity_challenges
(id, account_id, purpose, mobile, code_hash, attempts, expires_at, created_at, device) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)`,
		id, a.ID, purpose, mobile, codeHash(s.Secret, id, code), exp, now, device); err != nil {
		return Challenge{}, fmt.Errorf("identity: store code: %w", err)
	}
	text := codeText(purpose, code)
	if err := s.SMS.SendCode(ctx, tx, mobile, text, exp); err != nil {
		return Challenge{}, fmt.Errorf("identity: send code: %w", err)
	}
	return Challenge{ID: id, Purpose: purpose, MaskedMobile: MaskMobile(mobile), Sent: now, Expires: exp, ResendAt: now.Add(s.Policy.ResendAfter)}, nil
}

// sendCode is newChallenge with its audit event, for a code sent to an
// account already registered.
func (s *Service) sendCode(ctx context.Context, tx *sqldb.Tx, a Account, purpose, mobile, device string, cl Client, now time.Time) (Challenge, error) {
	ch, err := s.newChallenge(ctx, tx, a, purpose, mobile, device, now)
	if err != nil {
		return Challenge{}, err
	}
	details := map[string]string{"purpose": purpose, "mobile": MaskMobile(mobile)}
	if device != "" {
		details["device"] = "known"
	}
	return ch, s.auditTx(ctx, tx, EventOTPSent, a.personID(), a.LoginID, cl, details)
}

// StartLogin sends a login code to the account's verified mobile (A2).
func (s *Service) StartLogin(ctx context.Context, loginID string, cl Client) (Challenge, error) {
	id, err := normalizeLoginID(loginID)
	if err != nil {
		return Challenge{}, invalidField("loginId", err)
	}
	now := s.now()
	device, issued := s.knownDevice(cl.Devices, id, now)
	if device != "" {
		// A known device's request reads its account first: a mark older
		// than the account's last change is not a known device's, and
		// one whose wrong codes have stopped it gets no code.
		a, err := accountBy(ctx, s.DB.Read, "login_id", id)
		switch {
		case errors.Is(err, sqldb.ErrNotFound) || err == nil && staleMark(issued, a):
			device = ""
		case err != nil:
			return Challenge{}, err
		default:
			if err := s.checkDevice(ctx, a, device, now); err != nil {
				return Challenge{}, err
			}
		}
	}
	var ch Challenge
	var a Account
	registered, recheck := false, false
	err = s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		// As in sendChallenge, whose counters this counts too, but reading
		// the account and counting in one round trip: the counters of the
		// account's mobile and of its cooldown take their keys from the
		// account in the counting statement itself.
		tx.RelaxDurability()
		err := tx.QueueQuery(ctx, accountQuery("login_id"), []any{id},
			func(scan func(...any) error) error {
				var err error
				a, err = scanAccount(scanner(scan))
				registered = err == nil
				return err
			})
		if err != nil {
			return err
		}
		// The cooldown is always counted, so the counting statement always
		// goes, and the account's query with it.
		counters := s.codeCounters(cl, id, device, PurposeLogin, func(key, column, suffix string, l Limit) counter {
			return counter{key: key, column: column, suffix: suffix, l: l}
		})
		if err := s.count(ctx, tx, counters, id, now); err != nil || !registered {
			return err // an unknown identifier's counts commit
		}
		if device == "" && now.Before(a.CodesLocked) {
			return codesLocked(a.CodesLocked, now)
		}
		if a.Kind != KindNatural {
			// The counts commit; the registries are asked outside any
			// transaction, and the code goes in one of its own.
			recheck = true
			return nil
		}
		ch, err = s.sendCode(ctx, tx, a, PurposeLogin, a.Mobile, device, cl, now)
		return err
	})
	if err == nil && recheck {
		ch, err = s.sendEntitled(ctx, a, PurposeLogin, a.Mobile, device, cl, now)
	}
	if registered && hasCode(err, CodeCooldown) {
		if c, ok := s.earlier(ctx, a, PurposeLogin, a.Mobile, device, now); ok {
			return c, nil
		}
	}
	if err != nil {
		return Challenge{}, err
	}
	if !registered {
		return Challenge{}, newError(http.StatusNotFound, CodeNotRegistered, "loginId",
			"با این شناسه حسابی ثبت نشده است؛ نخست ثبت‌نام کنید.", "no account is registered with this identifier; please register first")
	}
	if ch.ID == "" {
		// The account was read only at the commit, after the transaction
		// had decided on no code: the counting statement did not go.
		return Challenge{}, errors.New("identity: login: the account was not read before the code was to be sent")
	}
	return ch, nil
}

// earlier is, for a code asked for again within the cooldown, the code
// sent for purpose to mobile by the request that started the cooldown,
// if it can still be answered: the person may have it on their phone
// without its page (they registered, went back, or pressed twice), and
// is shown the page for it rather than told to wait for a new one. It is
// the code asked for from the same known device, or from none, as the
// cooldown is; a mobile change's only if the account has not changed
// since. No code is sent, and nothing is counted. Whoever asks learns no
// more than a new code's page would tell them, and gets no more tries:
// the code's wrong answers are counted as before, against the code and
// the account.
func (s *Service) earlier(ctx context.Context, a Account, purpose, mobile, device string, now time.Time) (Challenge, bool) {
	if device == "" && now.Before(a.CodesLocked) {
		return Challenge{}, false
	}
	c, err := openChallenge(ctx, s.DB.Read, a.ID, purpose, mobile, device, s.Policy.MaxAttempts, now)
	if err != nil {
		if !errors.Is(err, sqldb.ErrNotFound) {
			s.logger().Error("identity: look for an earlier code", "err", err)
		}
		return Challenge{}, false
	}
	if purpose == PurposeMobile && c.Created.Before(a.Updated) {
		return Challenge{}, false
	}
	ch := s.pending(c)
	ch.Earlier = true
	return ch, true
}

// scanner lets a row's Scan function stand for a row.
type scanner func(dest ...any) error

func (f scanner) Scan(dest ...any) error { return f(dest...) }

// sendChallenge applies the cooldown and the limits, then sends a code,
// all in one transaction: one commit per code. A known device's code is
// counted under the device's limits, and the account's lock after too
// many wrong codes does not stop it.
func (s *Service) sendChallenge(ctx context.Context, a Account, purpose, mobile, device string, cl Client, now time.Time) (Challenge, error) {
	if device == "" && now.Before(a.CodesLocked) {
		return Challenge{}, codesLocked(a.CodesLocked, now)
	}
	if err := s.checkDevice(ctx, a, device, now); err != nil {
		return Challenge{}, err
	}
	// A login code for a legal person's or a foreign national's account
	// waits for the registries, asked once the counts have committed.
	recheck := purpose == PurposeLogin && a.Kind != KindNatural
	var ch Challenge
	err := s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		// A code lost in a crash costs the person a new one. The SMS
		// dispatcher claims the message with a durable commit before
		// handing it to the operator, which makes the code durable too.
		tx.RelaxDurability()
		counters := s.codeCounters(cl, a.LoginID, device, purpose, func(key, column, suffix string, l Limit) counter {
			v := a.ID
			if column == "mobile" {
				v = mobile
			}
			return counter{key: key + v + suffix, l: l}
		})
		if err := s.count(ctx, tx, counters, "", now); err != nil || recheck {
			return err
		}
		var err error
		ch, err = s.sendCode(ctx, tx, a, purpose, mobile, device, cl, now)
		return err
	})
	if err == nil && recheck {
		ch, err = s.sendEntitled(ctx, a, purpose, mobile, device, cl, now)
	}
	if err != nil {
		return Challenge{}, err
	}
	return ch, nil
}

// sendEntitled sends a's code, in a transaction of its own, once the
// registries say the account is still its holder's (entitled); the
// request's counts have committed before.
func (s *Service) sendEntitled(ctx context.Context, a Account, purpose, mobile, device string, cl Client, now time.Time) (Challenge, error) {
	if err := s.entitled(ctx, a, cl, now); err != nil {
		return Challenge{}, err
	}
	var ch Challenge
	err := s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		tx.RelaxDurability()
		var err error
		ch, err = s.sendCode(ctx, tx, a, purpose, mobile, device, cl, now)
		return err
	})
	return ch, err
}

// Resend sends a new code for the same purpose as challenge id, once the
// cooldown has passed: a login code to the account's mobile as it is now,
// a mobile change's to the number being verified. A challenge already
// answered, or a mobile change's once the account's mobile has moved on,
// sends nothing. A login code asked for from a known device is sent
// again as the device's only to a browser that still carries its mark;
// a legal person's or a foreign national's only while the registries
// say the account is still its holder's, as at StartLogin.
func (s *Service) Resend(ctx context.Context, id string, cl Client) (Challenge, error) {
	c, err := loadChallenge(ctx, s.DB.Read, id)
	if err != nil || c.Consumed.Valid {
		return Challenge{}, codeExpired(err)
	}
	a, err := accountBy(ctx, s.DB.Read, "id", c.AccountID)
	if err != nil {
		return Challenge{}, err
	}
	now := s.now()
	mobile := c.Mobile
	if c.Purpose == PurposeLogin {
		mobile = a.Mobile
	} else if c.Created.Before(a.Updated) {
		return Challenge{}, codeExpired(errors.New("the account changed after the challenge"))
	}
	return s.sendChallenge(ctx, a, c.Purpose, mobile, s.deviceOf(c, a, cl, now), cl, now)
}

// PendingChallenge returns a challenge that can still be answered, for the
// code entry page.
func (s *Service) PendingChallenge(ctx context.Context, id string) (Challenge, error) {
	c, err := loadChallenge(ctx, s.DB.Read, id)
	if err != nil || c.Consumed.Valid || !s.now().Before(c.Expires) || c.Attempts >= s.Policy.MaxAttempts {
		return Challenge{}, codeExpired(err)
	}
	return s.pending(c), nil
}

// pending is c, which can still be answered, as the person sees it.
func (s *Service) pending(c challenge) Challenge {
	return Challenge{ID: c.ID, Purpose: c.Purpose, MaskedMobile: MaskMobile(c.Mobile), Sent: c.Created, Expires: c.Expires,
		ResendAt: c.Created.Add(s.Policy.ResendAfter)}
}

func codeExpired(err error) *Error {
	return &Error{Status: http.StatusGone, Code: CodeCodeExpired, Field: "code", Err: err,
		Fa: "این کد دیگر معتبر نیست؛ کد تازه‌ای درخواست کنید.", En: "this code is no longer valid; please ask for a new one"}
}

// answer checks code against challenge id in one transaction, which
// holds the challenge locked while it decides. A right code consumes the
// challenge and act runs in the same transaction, with the challenge and
// its account; of two requests racing with the same right code only one
// gets that far. prefetch, if set, queues reads ahead of the challenge's
// (LoginOptions.Prefetch). A wrong code is counted and committed; the
// MaxAttempts-th burns the challenge. On PostgreSQL, the reading of the
// challenge goes with BEGIN, and the writes with COMMIT: two round trips.
func (s *Service) answer(ctx context.Context, id, code, purpose string, cl Client, now time.Time, prefetch func(tx *sqldb.Tx, account, challengeID string) error,
	act func(tx *sqldb.Tx, c challenge) error) (challenge, error) {
	var c challenge
	var wrong error
	err := s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if prefetch != nil {
			if err := prefetch(tx, challengeAccountSQL, id); err != nil {
				return err
			}
		}
		var err error
		c, err = loadChallengeAccount(ctx, tx, id, s.DB.Dialect == sqldb.Postgres)
		if errors.Is(err, sqldb.ErrNotFound) || err == nil && c.Purpose != purpose {
			return codeExpired(err)
		} else if err != nil {
			return err
		}
		device := s.deviceOf(c, c.account, cl, now)
		switch {
		case c.Consumed.Valid || !now.Before(c.Expires):
			return codeExpired(nil)
		case c.Purpose == PurposeLogin && c.Mobile != c.account.Mobile:
			// Sent to a number that is no longer the account's (A2): whoever
			// holds the old SIM cannot log in with it.
			return codeExpired(errors.New("login code sent to a former mobile"))
		case c.Attempts >= s.Policy.MaxAttempts:
			return tooManyAttempts()
		case device == "" && now.Before(c.account.CodesLocked):
			return codesLocked(c.account.CodesLocked, now)
		}
		if !codeMatches(s.Secret, c.ID, iran.ToASCIIDigits(strings.TrimSpace(code)), c.Hash) {
			wrong = s.wrongCode(c.Attempts + 1)
			if err := tx.Queue(ctx, `UPDATE identity_challenges SET attempts = attempts + 1 WHERE id = $1`, id); err != nil {
				return err
			}
			return s.countWrongCode(ctx, tx, c, device, now, &wrong)
		}
		if err := tx.Queue(ctx, `UPDATE identity_challenges SET consumed_at = $2 WHERE id = $1`, c.ID, now); err != nil {
			return err
		}
		return act(tx, c)
	})
	if err == nil {
		err = wrong
	}
	return c, err
}

// countWrongCode counts a wrong code against its account, across all its
// codes; past Policy.WrongCodes the account's codes stop until the
// window ends: its open challenges are burnt, and *wrong becomes the
// error that says so. A wrong code for a known device's challenge, from
// that device, counts against the device and against all the account's
// known devices together instead, and stops only that device's codes
// (and, past the ceiling of them all, every device's new ones); the
// account's lock stops and burns only the codes of browsers that are not
// known devices.
func (s *Service) countWrongCode(ctx context.Context, tx *sqldb.Tx, c challenge, device string, now time.Time, wrong *error) error {
	over, err := hit(ctx, tx, s.DB.Dialect == sqldb.Postgres, s.wrongCounters(c.AccountID, device), "", now)
	if err != nil || len(over) == 0 {
		return err
	}
	until := now.Add(over[0].wait)
	if device == "" {
		if err := tx.Queue(ctx, `UPDATE identity_accounts SET codes_locked_until = $2 WHERE id = $1`, c.AccountID, until); err != nil {
			return err
		}
	}
	if err := tx.Queue(ctx, `UPDATE identity_challenges SET attempts = $2 WHERE account_id = $1 AND consumed_at IS NULL AND device = $3`,
		c.AccountID, s.Policy.MaxAttempts, device); err != nil {
		return err
	}
	*wrong = codesLocked(until, now)
	return nil
}

// wrongCode is the error for the n-th wrong code of a challenge.
func (s *Service) wrongCode(n int) error {
	if n >= s.Policy.MaxAttempts {
		return tooManyAttempts()
	}
	left := s.Policy.MaxAttempts - n
	en := fmt.Sprintf("the code is wrong; %d more tries are left", left)
	if left == 1 {
		en = "the code is wrong; 1 more try is left"
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: CodeCodeWrong, Field: "code",
		Fa: fmt.Sprintf("کد نادرست است. %s بار دیگر می‌توانید تلاش کنید.", iran.ToPersianDigits(fmt.Sprint(left))), En: en}
}

func tooManyAttempts() *Error {
	return newError(http.StatusUnprocessableEntity, CodeTooManyAttempts, "code",
		"کد بیش از اندازه نادرست وارد شد و باطل شد؛ کد تازه‌ای درخواست کنید.",
		"the code was entered wrongly too many times and is no longer valid; please ask for a new one")
}

// LoginOptions shape the session a login starts.
type LoginOptions struct {
	// Idle asks for a longer idle timeout, for a service expected to take
	// long (A7); it is kept within the policy's bounds.
	Idle time.Duration
	// Then, if set, runs in the login's transaction once the session is
	// made, with the session and its account; an error undoes the login.
	Then func(tx *sqldb.Tx, sess Session, acc Account) error
	// Prefetch, if set, runs in the login's transaction before the
	// challenge is read, to queue reads (sqldb.Tx.QueueQuery) whose
	// answers Then needs, so that they go to the database with the
	// challenge's reading rather than in a round trip of their own:
	// account is an SQL expression for the ID of the challenge's
	// account, in which $1 stands for the challenge's ID, challengeID.
	Prefetch func(tx *sqldb.Tx, account, challengeID string) error
	// Replaces is the session token the browser's cookie holds, if any,
	// which the new session's cookie replaces: that session, if still
	// open, ends with the login (EndReplaced), whoever's it is, so that
	// no session is left that no browser can end.
	Replaces string
}

// EndReplaced is the end reason of a session whose browser has logged
// in again, its cookie replaced by the new session's.
const EndReplaced = "replaced"

// Login checks the code of a login challenge and starts a session. It
// returns the session and the token for its cookie.
func (s *Service) Login(ctx context.Context, challengeID, code string, cl Client, opts LoginOptions) (Session, Account, string, error) {
	now := s.now()
	var sess Session
	var token string
	c, err := s.answer(ctx, challengeID, code, PurposeLogin, cl, now, opts.Prefetch, func(tx *sqldb.Tx, c challenge) error {
		// A login lost in a crash costs the person a new one; whatever
		// is built on it durably, such as tokens issued, carries it.
		tx.RelaxDurability()
		if opts.Replaces != "" {
			if err := s.endReplaced(ctx, tx, opts.Replaces, c.account, cl, now); err != nil {
				return err
			}
		}
		var err error
		if sess, token, err = s.createSession(ctx, tx, c.account, cl, opts, now); err != nil {
			return err
		}
		if err := s.auditTx(ctx, tx, EventLogin, c.account.personID(), c.account.LoginID, cl, map[string]string{"session": sess.ID, "acr": sess.ACR}); err != nil {
			return err
		}
		if opts.Then != nil {
			return opts.Then(tx, sess, s.withRoles(c.account))
		}
		return nil
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && c.AccountID != "" {
			s.audit(ctx, EventLoginFailed, "", c.account.LoginID, cl, map[string]string{"reason": e.Code})
		}
		return Session{}, Account{}, "", err
	}
	return sess, c.account, token, nil
}

// codeText is the SMS that carries a one-time code, in Persian and in
// English for those who do not read Persian. Each fits in one SMS of 70
// UCS-2 characters (a longer text is sent, and paid for, as two): every
// login sends one.
func codeText(purpose, code string) string {
	if purpose == PurposeMobile {
		return fmt.Sprintf("دولت من - کد تأیید همراه جدید: %s\nmy.gov.ir mobile code: %s", code, code)
	}
	return fmt.Sprintf("دولت من - کد ورود: %s\nبه کسی ندهید.\nmy.gov.ir login code: %s", code, code)
}
