package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha1" // #nosec G505 -- subject key ids are SHA-1 by RFC 5280 §4.2.1.2
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
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
	provider.Default(out, "setAuthorityKeyId", resource.NewBoolProperty(false))
	var failures []plugin.CheckFailure
	p := provider.Props(out)
	if !p.Unknown("allowedUses") {
		if _, _, err := usagesOf(p.Strings("allowedUses")); err != nil {
			failures = append(failures, plugin.CheckFailure{Property: "allowedUses", Reason: err.Error()})
		}
	}
	if !p.Unknown("validityPeriodHours") && p.Int("validityPeriodHours", 0) <= 0 {
		failures = append(failures, plugin.CheckFailure{
			Property: "validityPeriodHours", Reason: "validityPeriodHours must be a positive number of hours",
		})
	}
	return out, failures
}

func (c certificate) Diff(olds, oldOutputs, news resource.PropertyMap) plugin.DiffResult {
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
	certPEM, cert, err := c.issue(provider.Props(in))
	if err != nil {
		return "", nil, err
	}
	out["certPem"] = resource.NewStringProperty(certPEM)
	out["validityStartTime"] = resource.NewStringProperty(cert.NotBefore.UTC().Format(time.RFC3339))
	out["validityEndTime"] = resource.NewStringProperty(cert.NotAfter.UTC().Format(time.RFC3339))
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

// issue builds and signs the certificate: self-signed with privateKeyPem, or from
// certRequestPem signed by caPrivateKeyPem/caCertPem.
func (c certificate) issue(p provider.Props) (string, *x509.Certificate, error) {
	ku, eku, err := usagesOf(p.Strings("allowedUses"))
	if err != nil {
		return "", nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return "", nil, err
	}
	start := now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		NotBefore:             start,
		NotAfter:              start.Add(time.Duration(p.Int("validityPeriodHours", 0)) * time.Hour),
		KeyUsage:              ku,
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		IsCA:                  p.Bool("isCaCertificate"),
	}
	if tmpl.IsCA && p.Has("maxPathLength") {
		tmpl.MaxPathLen = p.Int("maxPathLength", -1)
		tmpl.MaxPathLenZero = tmpl.MaxPathLen == 0
	}

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
		if p.Bool("setAuthorityKeyId") {
			tmpl.AuthorityKeyId = ca.SubjectKeyId
		}
	}
	if p.Bool("setSubjectKeyId") {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", nil, err
		}
		sum := sha1.Sum(der) // #nosec G401 -- RFC 5280 key identifier method 1
		tmpl.SubjectKeyId = sum[:]
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
