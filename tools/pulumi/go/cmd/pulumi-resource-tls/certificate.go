package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"time"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// certificate is tls:index/selfSignedCert:SelfSignedCert (selfSigned) and
// tls:index/locallySignedCert:LocallySignedCert. Every input but earlyRenewalHours replaces
// the certificate; once the renewal window (validityEndTime - earlyRenewalHours) is reached,
// the next diff plans a replacement through readyForRenewal, as upstream does.
type certificate struct{ selfSigned bool }

var now = time.Now

func (c certificate) Check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	out := news.Copy()
	provider.Default(out, "earlyRenewalHours", resource.NewNumberProperty(0))
	provider.Default(out, "isCaCertificate", resource.NewBoolProperty(false))
	provider.Default(out, "setSubjectKeyId", resource.NewBoolProperty(false))
	if c.selfSigned {
		// Only SelfSignedCert has setAuthorityKeyId in upstream's schema.
		provider.Default(out, "setAuthorityKeyId", resource.NewBoolProperty(false))
	}
	var failures []plugin.CheckFailure
	p := provider.Props(out)
	if !p.Unknown("allowedUses") {
		if _, _, err := usagesOf(p.Strings("allowedUses")); err != nil {
			failures = append(failures, plugin.CheckFailure{Property: "allowedUses", Reason: err.Error()})
		}
	}
	failures = refuseUnimplemented(p, failures)
	if !p.Unknown("validityPeriodHours") && p.Int("validityPeriodHours", 0) <= 0 {
		failures = append(failures, plugin.CheckFailure{
			Property: "validityPeriodHours", Reason: "validityPeriodHours must be a positive number of hours",
		})
	}
	return out, failures
}

func (c certificate) Diff(olds, oldOutputs, news resource.PropertyMap) plugin.DiffResult {
	if !c.selfSigned {
		// Builds before this one stored setAuthorityKeyId: false on LocallySignedCerts, whose
		// schema lacks it; without this its disappearance would replace every such certificate.
		olds = provider.WithoutFormerDefault(olds, news, "setAuthorityKeyId", resource.NewBoolProperty(false))
	}
	d := provider.DiffInputs(olds, news, map[string]bool{"earlyRenewalHours": true})
	if readyForRenewal(provider.Props(oldOutputs), provider.Props(news).Int("earlyRenewalHours", 0)) {
		d.Changes = plugin.DiffSome
		d.ReplaceKeys = append(d.ReplaceKeys, "readyForRenewal")
		d.ChangedKeys = append(d.ChangedKeys, "readyForRenewal")
		d.DetailedDiff["readyForRenewal"] = plugin.PropertyDiff{Kind: plugin.DiffUpdateReplace}
	}
	return d
}

// readyForRenewal is true once the renewal window of an issued certificate has opened.
func readyForRenewal(outs provider.Props, earlyRenewalHours int) bool {
	end, err := time.Parse(time.RFC3339, outs.String("validityEndTime"))
	if err != nil {
		return false
	}
	return !now().Before(end.Add(-time.Duration(earlyRenewalHours) * time.Hour))
}

// Refresh marks the state readyForRenewal once the window has opened, as upstream's Read does
// (terraform-provider-tls common_cert.go, modifyStateIfCertificateReadyForRenewal).
func (c certificate) Refresh(outs resource.PropertyMap) resource.PropertyMap {
	p := provider.Props(outs)
	if !readyForRenewal(p, p.Int("earlyRenewalHours", 0)) {
		return outs
	}
	out := outs.Copy()
	out["readyForRenewal"] = resource.NewBoolProperty(true)
	return out
}

func (c certificate) Create(_ context.Context, in resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	out := in.Copy()
	computed := []string{"certPem", "validityStartTime", "validityEndTime", "readyForRenewal"}
	if c.selfSigned {
		computed = append(computed, "keyAlgorithm")
	} else {
		computed = append(computed, "caKeyAlgorithm")
	}
	if preview {
		for _, k := range computed {
			out[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
		}
		return "", out, nil
	}
	certPEM, cert, validity, err := c.issue(provider.Props(in))
	if err != nil {
		return "", nil, err
	}
	out["certPem"] = resource.NewStringProperty(certPEM)
	out["validityStartTime"] = resource.NewStringProperty(timeText(validity.start))
	out["validityEndTime"] = resource.NewStringProperty(timeText(validity.end))
	out["readyForRenewal"] = resource.NewBoolProperty(false)
	if c.selfSigned {
		out["keyAlgorithm"] = resource.NewStringProperty(algorithmOf(cert.PublicKey))
	} else {
		out["caKeyAlgorithm"] = resource.NewStringProperty(algorithmOf(signerPublic(in)))
	}
	return cert.SerialNumber.String(), out, nil
}

func signerPublic(in resource.PropertyMap) crypto.PublicKey {
	k, _, err := parsePrivateKey(provider.Props(in).String("caPrivateKeyPem"))
	if err != nil {
		return nil
	}
	return k.Public()
}

// validity is the certificate's window as upstream reports it: the clock's reading, not the
// whole seconds the certificate encodes.
type validity struct{ start, end time.Time }

// timeText is upstream's encoding of validityStartTime/validityEndTime (time.MarshalText:
// RFC 3339 with nanoseconds, in the plugin's time zone).
func timeText(t time.Time) string {
	b, _ := t.MarshalText()
	return string(b)
}

// issue builds and signs the certificate: self-signed with privateKeyPem, or from
// certRequestPem signed by caPrivateKeyPem/caCertPem (terraform-provider-tls common_cert.go,
// createCertificate).
func (c certificate) issue(p provider.Props) (string, *x509.Certificate, validity, error) {
	var v validity
	ku, eku, err := usagesOf(p.Strings("allowedUses"))
	if err != nil {
		return "", nil, v, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return "", nil, v, err
	}
	v.start = now()
	v.end = v.start.Add(time.Duration(p.Int("validityPeriodHours", 0)) * time.Hour)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		NotBefore:             v.start,
		NotAfter:              v.end,
		KeyUsage:              ku,
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		IsCA:                  p.Bool("isCaCertificate"),
	}
	// As upstream: a non-negative maxPathLength is set as is (0 then means "no limit" to Go's
	// encoder, MaxPathLenZero staying false).
	if n := p.Int("maxPathLength", -1); p.Has("maxPathLength") && n >= 0 {
		tmpl.MaxPathLen = n
	}
	certPEM, cert, err := c.sign(p, tmpl)
	return certPEM, cert, v, err
}

// sign completes the template with the subject, key ids and issuer, and signs it.
func (c certificate) sign(p provider.Props, tmpl *x509.Certificate) (string, *x509.Certificate, error) {

	var pub crypto.PublicKey
	var signer crypto.Signer
	parent := tmpl
	if c.selfSigned {
		key, _, err := parsePrivateKey(p.String("privateKeyPem"))
		if err != nil {
			return "", nil, err
		}
		signer, pub = key, key.Public()
		tmpl.Subject = subjectOf(p)
		if tmpl.DNSNames, tmpl.IPAddresses, tmpl.URIs, err = sansOf(p); err != nil {
			return "", nil, err
		}
	} else {
		csr, err := parseCSR(p.String("certRequestPem"))
		if err != nil {
			return "", nil, err
		}
		ca, err := parseCert(p.String("caCertPem"))
		if err != nil {
			return "", nil, err
		}
		key, _, err := parsePrivateKey(p.String("caPrivateKeyPem"))
		if err != nil {
			return "", nil, err
		}
		signer, pub, parent = key, csr.PublicKey, ca
		tmpl.Subject = csr.Subject
		tmpl.DNSNames, tmpl.IPAddresses, tmpl.URIs = csr.DNSNames, csr.IPAddresses, csr.URIs
	}
	if tmpl.IsCA && reflect.DeepEqual(tmpl.Subject, pkix.Name{}) {
		return "", nil, errors.New("invalid certificate subject: must contain at least one distinguished name " +
			"when creating a certificate authority (CA)")
	}
	if tmpl.IsCA || p.Bool("setSubjectKeyId") {
		skid, err := subjectKeyID(pub)
		if err != nil {
			return "", nil, fmt.Errorf("failed to generate subject key identifier: %w", err)
		}
		tmpl.SubjectKeyId = skid
	}
	// A locally signed certificate gets the CA's subject key id as authority key id from Go's
	// encoder; a self-signed one only on request, from its own (upstream requires one).
	if c.selfSigned && p.Bool("setAuthorityKeyId") {
		if len(tmpl.SubjectKeyId) == 0 {
			return "", nil, errors.New("invalid certificate authority: could not determine authority key identifier")
		}
		tmpl.AuthorityKeyId = tmpl.SubjectKeyId
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return "", nil, fmt.Errorf("signing certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", nil, err
	}
	return pemString("CERTIFICATE", der), cert, nil
}

func parseCSR(text string) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("certRequestPem is not PEM")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parsing certRequestPem: %w", err)
	}
	return csr, csr.CheckSignature()
}

func parseCert(text string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("caCertPem is not PEM")
	}
	return x509.ParseCertificate(block.Bytes)
}

func (c certificate) Update(_ context.Context, _ string, olds, news resource.PropertyMap, _ bool) (resource.PropertyMap, error) {
	// Only earlyRenewalHours updates in place: keep the issued certificate.
	out := olds.Copy()
	out["earlyRenewalHours"] = news["earlyRenewalHours"]
	return out, nil
}

func (certificate) Delete(context.Context, string, resource.PropertyMap) error { return nil }
