package main

import (
	"context"
	"testing"

	"aks-rotate-certs/tools/pulumi/go/internal/sdknames"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Every property name @pulumi/tls 5.6.1 sends or reads is known to this plugin.
func TestSDKNamesAreKnown(t *testing.T) {
	dir := sdknames.Dir("tls")
	types, err := sdknames.Resources(dir)
	if err != nil {
		t.Fatal(err)
	}
	for tok, names := range types {
		known, ok := properties[tok]
		if !ok {
			t.Errorf("the SDK has resource %s, which this plugin does not list", tok)
			continue
		}
		if _, served := resources[tokens.Type(tok)]; !served {
			t.Errorf("%s is listed but not served", tok)
		}
		if m := sdknames.Missing(names, known); len(m) > 0 {
			t.Errorf("%s: the SDK uses %v, unknown to this plugin", tok, m)
		}
	}
	ifaces, err := sdknames.Interfaces(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, iface := range []string{"CertRequestSubject", "SelfSignedCertSubject"} {
		if len(ifaces[iface]) == 0 {
			t.Fatalf("no interface %s in the SDK", iface)
		}
		if m := sdknames.Missing(ifaces[iface], properties["subject"]); len(m) > 0 {
			t.Errorf("%s: the SDK sends %v, unknown to this plugin", iface, m)
		}
	}
}

// Each Create writes no property outside the plugin's list (no setAuthorityKeyId on a
// LocallySignedCert, for one): the state keeps upstream's shape.
func TestCreateWritesOnlyKnownNames(t *testing.T) {
	caKey := newKey(t, map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P256"})
	caOut, _ := selfSigned(t, str(t, caKey, "privateKeyPem"), nil)
	leafKey := newKey(t, map[string]any{"algorithm": "ED25519"})
	_, csr, err := certRequest{}.Create(context.Background(), props(map[string]any{
		"privateKeyPem": str(t, leafKey, "privateKeyPem"), "subject": map[string]any{"commonName": "leaf"},
	}), false)
	if err != nil {
		t.Fatal(err)
	}
	in, failures := certificate{}.Check(props(map[string]any{
		"certRequestPem": str(t, csr, "certRequestPem"), "caCertPem": str(t, caOut, "certPem"),
		"caPrivateKeyPem": str(t, caKey, "privateKeyPem"), "validityPeriodHours": 1,
		"allowedUses": []any{"client_auth"},
	}))
	if len(failures) > 0 {
		t.Fatal(failures)
	}
	_, leaf, err := certificate{}.Create(context.Background(), in, false)
	if err != nil {
		t.Fatal(err)
	}
	for tok, out := range map[string]resource.PropertyMap{
		"tls:index/privateKey:PrivateKey":               leafKey,
		"tls:index/selfSignedCert:SelfSignedCert":       caOut,
		"tls:index/certRequest:CertRequest":             csr,
		"tls:index/locallySignedCert:LocallySignedCert": leaf,
	} {
		for k := range out {
			if !contains(properties[tok], string(k)) {
				t.Errorf("%s: state has %s, not in the schema", tok, k)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
