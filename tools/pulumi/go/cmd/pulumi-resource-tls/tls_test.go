package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func str(t *testing.T, m resource.PropertyMap, k string) string {
	t.Helper()
	v := m[resource.PropertyKey(k)]
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		t.Fatalf("%s is not a string: %v", k, v)
	}
	return v.StringValue()
}

func newKey(t *testing.T, in map[string]any) resource.PropertyMap {
	t.Helper()
	checked, failures := privateKey{}.Check(props(in))
	if len(failures) > 0 {
		t.Fatalf("check failed: %v", failures)
	}
	_, out, err := privateKey{}.Create(context.Background(), checked, false)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPrivateKeyRSAEncodingsAndSecrets(t *testing.T) {
	out := newKey(t, map[string]any{"algorithm": "RSA"})
	if !strings.HasPrefix(str(t, out, "privateKeyPem"), "-----BEGIN RSA PRIVATE KEY-----") {
		t.Error("privateKeyPem must be PKCS#1 for RSA")
	}
	if !strings.HasPrefix(str(t, out, "privateKeyPemPkcs8"), "-----BEGIN PRIVATE KEY-----") {
		t.Error("privateKeyPemPkcs8 must be PKCS#8")
	}
	for _, k := range []string{"privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"} {
		if !out[resource.PropertyKey(k)].IsSecret() {
			t.Errorf("%s must be a secret", k)
		}
	}
	if !strings.HasPrefix(str(t, out, "publicKeyOpenssh"), "ssh-rsa ") ||
		!strings.HasPrefix(str(t, out, "publicKeyFingerprintSha256"), "SHA256:") {
		t.Error("SSH public outputs are wrong")
	}
	if out["rsaBits"].NumberValue() != 2048 {
		t.Error("rsaBits defaults to 2048")
	}
}

func TestPrivateKeyChecksAlgorithmAndDefaultsCurve(t *testing.T) {
	checked, failures := privateKey{}.Check(props(map[string]any{"algorithm": "DSA"}))
	if len(failures) != 1 || failures[0].Property != "algorithm" {
		t.Fatalf("want one failure on algorithm, got %v", failures)
	}
	if checked["ecdsaCurve"].StringValue() != "P224" {
		t.Error("ecdsaCurve defaults to P224, as upstream")
	}
}

func TestPreviewLeavesKeyUnknown(t *testing.T) {
	_, out, err := privateKey{}.Create(context.Background(), props(map[string]any{"algorithm": "ED25519"}), true)
	if err != nil || !out["privateKeyPem"].IsComputed() {
		t.Fatalf("preview must not make a key: %v %v", out, err)
	}
}

func selfSigned(t *testing.T, keyPem string, extra map[string]any) (resource.PropertyMap, *x509.Certificate) {
	t.Helper()
	in := map[string]any{
		"privateKeyPem":       keyPem,
		"subject":             map[string]any{"commonName": "ca.test", "organization": "lab"},
		"validityPeriodHours": 48,
		"allowedUses":         []any{"cert_signing", "digital_signature"},
		"isCaCertificate":     true,
		"setSubjectKeyId":     true,
	}
	for k, v := range extra {
		in[k] = v
	}
	checked, failures := certificate{selfSigned: true}.Check(props(in))
	if len(failures) > 0 {
		t.Fatal(failures)
	}
	_, out, err := certificate{selfSigned: true}.Create(context.Background(), checked, false)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(str(t, out, "certPem")))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return out, cert
}

func TestSelfSignedCAAndLocallySignedLeaf(t *testing.T) {
	caKey := newKey(t, map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P256"})
	caOut, ca := selfSigned(t, str(t, caKey, "privateKeyPem"), nil)
	if !ca.IsCA || ca.Subject.CommonName != "ca.test" || len(ca.SubjectKeyId) == 0 {
		t.Fatalf("CA fields wrong: %+v", ca)
	}
	if got := ca.NotAfter.Sub(ca.NotBefore); got != 48*time.Hour {
		t.Errorf("validity %v, want 48h", got)
	}

	leafKey := newKey(t, map[string]any{"algorithm": "RSA", "rsaBits": 2048})
	_, csrOut, err := certRequest{}.Create(context.Background(), props(map[string]any{
		"privateKeyPem": str(t, leafKey, "privateKeyPem"),
		"subject":       map[string]any{"commonName": "kube-apiserver"},
		"dnsNames":      []any{"kubernetes.default"},
		"ipAddresses":   []any{"10.240.0.4"},
	}), false)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := certificate{}.Check(props(map[string]any{
		"certRequestPem":      str(t, csrOut, "certRequestPem"),
		"caPrivateKeyPem":     str(t, caKey, "privateKeyPem"),
		"caCertPem":           str(t, caOut, "certPem"),
		"validityPeriodHours": 24,
		"allowedUses":         []any{"key_encipherment", "digital_signature", "server_auth"},
	}))
	_, leafOut, err := certificate{}.Create(context.Background(), in, false)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(str(t, leafOut, "certPem")))
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots: pool, DNSName: "kubernetes.default", KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}); err != nil {
		t.Fatalf("leaf does not verify against the CA: %v", err)
	}
	if leaf.IPAddresses[0].String() != "10.240.0.4" || str(t, leafOut, "caKeyAlgorithm") != "ECDSA" {
		t.Error("SANs or caKeyAlgorithm wrong")
	}
}

func TestCertificateDiff(t *testing.T) {
	key := newKey(t, map[string]any{"algorithm": "ED25519"})
	out, _ := selfSigned(t, str(t, key, "privateKeyPem"), map[string]any{"earlyRenewalHours": 1})
	c := certificate{selfSigned: true}
	olds := out.Copy()

	news := olds.Copy()
	news["earlyRenewalHours"] = resource.NewNumberProperty(2)
	if d := c.Diff(olds, out, news); d.Changes != plugin.DiffSome || len(d.ReplaceKeys) != 0 {
		t.Errorf("earlyRenewalHours updates in place: %+v", d)
	}
	news = olds.Copy()
	news["validityPeriodHours"] = resource.NewNumberProperty(72)
	if d := c.Diff(olds, out, news); len(d.ReplaceKeys) != 1 {
		t.Errorf("validityPeriodHours replaces: %+v", d)
	}
	if d := c.Diff(olds, out, olds.Copy()); d.Changes != plugin.DiffNone {
		t.Errorf("no change: %+v", d)
	}

	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Now().Add(47*time.Hour + 30*time.Minute) } // inside the 1h window
	if d := c.Diff(olds, out, olds.Copy()); len(d.ReplaceKeys) != 1 || d.ReplaceKeys[0] != "readyForRenewal" {
		t.Errorf("inside the renewal window the certificate is replaced: %+v", d)
	}
}

// A LocallySignedCert made by the build that stored setAuthorityKeyId: false is not replaced.
func TestFormerSetAuthorityKeyIDIsNoChange(t *testing.T) {
	olds := props(map[string]any{"validityPeriodHours": 1, "setAuthorityKeyId": false})
	d := certificate{}.Diff(olds, props(map[string]any{}), props(map[string]any{"validityPeriodHours": 1}))
	if d.Changes != plugin.DiffNone {
		t.Errorf("diff = %+v", d)
	}
}
