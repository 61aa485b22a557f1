package pki

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/nix"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func mustCA(t *testing.T, now time.Time) *CA {
	t.Helper()
	ca, err := InitCA(filepath.Join(t.TempDir(), "ca"), "IR", now)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %v, want %v", filepath.Base(path), got, want)
	}
}

func TestInitCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	ca, err := InitCA(dir, "IR", t0)
	if err != nil {
		t.Fatal(err)
	}
	checkMode(t, filepath.Join(dir, CAKeyFile), 0o600)
	if !ca.Cert.IsCA || ca.Cert.NotAfter.Sub(t0) != CAValidity {
		t.Errorf("CA certificate: IsCA %v, valid until %v", ca.Cert.IsCA, ca.Cert.NotAfter)
	}

	t.Run("refuses to overwrite", func(t *testing.T) {
		before, _ := os.ReadFile(filepath.Join(dir, CAKeyFile))
		if _, err := InitCA(dir, "IR", t0); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("second InitCA error = %v, want already exists", err)
		}
		after, _ := os.ReadFile(filepath.Join(dir, CAKeyFile))
		if string(before) != string(after) {
			t.Error("the CA key changed")
		}
	})
	t.Run("refuses a bad instance", func(t *testing.T) {
		if _, err := InitCA(t.TempDir(), "iran", t0); err == nil {
			t.Fatal("InitCA accepted instance iran")
		}
	})
	t.Run("loads what it wrote", func(t *testing.T) {
		got, err := LoadCA(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Cert.Equal(ca.Cert) || got.Instance != "IR" {
			t.Errorf("LoadCA = %v %s, want the CA InitCA made", got.Cert.Subject, got.Instance)
		}
		// The loaded key signs certificates the original verifies.
		certPEM, _, _, err := got.IssueMember(MemberID{"IR", "GOV", "1"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := ParseCertificatePEM(certPEM)
		if err := cert.CheckSignatureFrom(ca.Cert); err != nil {
			t.Error(err)
		}
	})
	t.Run("load refuses a key others can read", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no Unix modes")
		}
		d := filepath.Join(t.TempDir(), "ca")
		if _, err := InitCA(d, "IR", t0); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(d, CAKeyFile), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadCA(d); err == nil {
			t.Fatal("LoadCA accepted a world-readable key")
		}
	})
}

func TestIssueMember(t *testing.T) {
	ca := mustCA(t, t0)
	member := MemberID{"IR", "GOV", "10380284790"}
	certPEM, keyPEM, serial, err := ca.IssueMember(member, t0)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ParseCertificatePEM(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Serial, Country, Org, CN string
		URIs                     []string
		ExtKeyUsage              []x509.ExtKeyUsage
		IsCA                     bool
		Validity                 time.Duration
		SerialBits               bool
	}
	got := summary{
		Serial: Serial(cert.SerialNumber), Country: cert.Subject.Country[0], Org: cert.Subject.Organization[0],
		CN: cert.Subject.CommonName, ExtKeyUsage: cert.ExtKeyUsage, IsCA: cert.IsCA,
		Validity: cert.NotAfter.Sub(t0), SerialBits: cert.SerialNumber.BitLen() <= 128 && cert.SerialNumber.Sign() > 0,
	}
	for _, u := range cert.URIs {
		got.URIs = append(got.URIs, u.String())
	}
	want := summary{
		Serial: serial, Country: "IR", Org: "GOV", CN: "10380284790",
		URIs:        []string{"nix:member:IR/GOV/10380284790"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		Validity:    MemberValidity, SerialBits: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("member certificate (-want +got):\n%s", diff)
	}
	if id, err := CertificateMember(cert); err != nil || id != member {
		t.Errorf("CertificateMember = %v, %v; want %v", id, err, member)
	}

	t.Run("serials differ", func(t *testing.T) {
		_, _, again, err := ca.IssueMember(member, t0)
		if err != nil || again == serial {
			t.Fatalf("second serial %q (err %v), first %q", again, err, serial)
		}
	})
	t.Run("refuses another instance", func(t *testing.T) {
		if _, _, _, err := ca.IssueMember(MemberID{"AF", "GOV", "1"}, t0); err == nil {
			t.Fatal("issued a certificate for instance AF")
		}
	})
	t.Run("refuses an invalid member", func(t *testing.T) {
		if _, _, _, err := ca.IssueMember(MemberID{"IR", "GOV", "a b"}, t0); err == nil {
			t.Fatal("issued a certificate for code 'a b'")
		}
	})
	t.Run("member files", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "member")
		if err := WriteMemberFiles(dir, certPEM, keyPEM, ca.CertPEM); err != nil {
			t.Fatal(err)
		}
		checkMode(t, filepath.Join(dir, MemberKeyFile), 0o600)
		checkMode(t, filepath.Join(dir, MemberCertFile), 0o644)
		// Renewing in place replaces the files.
		cert2, key2, _, err := ca.IssueMember(member, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteMemberFiles(dir, cert2, key2, ca.CertPEM); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, MemberKeyFile)); string(b) != string(key2) {
			t.Error("member.key was not replaced")
		}
		checkMode(t, filepath.Join(dir, MemberKeyFile), 0o600)
		if _, err := nix.LoadTLS(dir); err != nil {
			t.Error(err)
		}
	})
}

func TestIssueServer(t *testing.T) {
	ca := mustCA(t, t0)
	certPEM, _, err := ca.IssueServer([]string{"127.0.0.1", "nix.panjereh.ir"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := ParseCertificatePEM(certPEM)
	if len(cert.IPAddresses) != 1 || cert.IPAddresses[0].String() != "127.0.0.1" {
		t.Errorf("IP SANs = %v", cert.IPAddresses)
	}
	if diff := cmp.Diff([]string{"nix.panjereh.ir"}, cert.DNSNames); diff != "" {
		t.Errorf("DNS SANs (-want +got):\n%s", diff)
	}
	if _, _, err := ca.IssueServer(nil, t0); err == nil {
		t.Error("IssueServer accepted no hosts")
	}
}
