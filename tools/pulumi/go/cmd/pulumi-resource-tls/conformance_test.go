package main

// Runs the tls facts of testdata/upstream-facts.json against this plugin.

import (
	"context"
	"crypto/sha1" // #nosec G505 -- recomputing upstream's ids
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"aks-rotate-certs/tools/pulumi/go/internal/facts"
	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var resources = map[tokens.Type]provider.Resource{
	"tls:index/privateKey:PrivateKey":               privateKey{},
	"tls:index/selfSignedCert:SelfSignedCert":       certificate{selfSigned: true},
	"tls:index/locallySignedCert:LocallySignedCert": certificate{},
	"tls:index/certRequest:CertRequest":             certRequest{},
}

// setClock makes the plugin's clock read t for the rest of the test.
func setClock(t *testing.T, at time.Time) {
	saved := now
	now = func() time.Time { return at }
	t.Cleanup(func() { now = saved })
}

func pemType(t *testing.T, text string) string {
	t.Helper()
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		t.Fatalf("not PEM: %.40q", text)
	}
	return block.Type
}

func TestConformancePEMTypes(t *testing.T) {
	for _, row := range facts.Load(t, "tls", "pem") {
		var f struct {
			Algorithm, EcdsaCurve string
			Types                 map[string]string
		}
		row.Decode(t, &f)
		key := newKey(t, map[string]any{"algorithm": f.Algorithm, "ecdsaCurve": f.EcdsaCurve})
		outs := key.Copy()
		cert, _ := selfSigned(t, str(t, key, "privateKeyPem"), nil)
		outs["certPem"] = cert["certPem"]
		_, csr, err := certRequest{}.Create(context.Background(), props(map[string]any{
			"privateKeyPem": str(t, key, "privateKeyPem"), "subject": map[string]any{"commonName": "x"},
		}), false)
		if err != nil {
			t.Fatal(err)
		}
		outs["certRequestPem"] = csr["certRequestPem"]
		for output, want := range f.Types {
			if got := pemType(t, str(t, outs, output)); got != want {
				t.Errorf("%s: %s is %q, upstream %q", row.ID, output, got, want)
			}
		}
	}
}

func sha1Hex(b []byte) string {
	sum := sha1.Sum([]byte(strings.TrimSpace(string(b)))) // #nosec G401
	return hex.EncodeToString(sum[:])
}

func TestConformanceIDsAndSerial(t *testing.T) {
	key := newKey(t, map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P256"})
	for _, row := range facts.Load(t, "tls", "id") {
		var f struct {
			Resource, Of string
			SerialBits   int
		}
		row.Decode(t, &f)
		var id, want string
		var err error
		switch f.Of {
		case "publicKeyDer":
			in, _ := privateKey{}.Check(props(map[string]any{"algorithm": "ED25519"}))
			var out resource.PropertyMap
			id, out, err = privateKey{}.Create(context.Background(), in, false)
			block, _ := pem.Decode([]byte(str(t, out, "publicKeyPem")))
			want = sha1Hex(block.Bytes)
		case "csrDer":
			var out resource.PropertyMap
			id, out, err = certRequest{}.Create(context.Background(), props(map[string]any{
				"privateKeyPem": str(t, key, "privateKeyPem"), "subject": map[string]any{"commonName": "x"},
			}), false)
			block, _ := pem.Decode([]byte(str(t, out, "certRequestPem")))
			want = sha1Hex(block.Bytes)
		case "serialDecimal":
			var out resource.PropertyMap
			id, out, err = certificate{selfSigned: true}.Create(context.Background(), selfSignedInputs(t, key), false)
			serial := parseCertPEM(t, str(t, out, "certPem")).SerialNumber
			if serial.Sign() < 0 || serial.Cmp(new(big.Int).Lsh(big.NewInt(1), uint(f.SerialBits))) >= 0 {
				t.Errorf("%s: serial %v out of range", row.ID, serial)
			}
			want = serial.String()
		}
		if err != nil || id != want {
			t.Errorf("%s: id %q (%v), upstream %q", row.ID, id, err, want)
		}
	}
}

func selfSignedInputs(t *testing.T, key resource.PropertyMap) resource.PropertyMap {
	t.Helper()
	in, failures := certificate{selfSigned: true}.Check(props(map[string]any{
		"privateKeyPem": str(t, key, "privateKeyPem"), "validityPeriodHours": 10,
		"subject": map[string]any{"commonName": "x"}, "allowedUses": []any{"digital_signature"},
	}))
	if len(failures) > 0 {
		t.Fatal(failures)
	}
	return in
}

func parseCertPEM(t *testing.T, text string) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		t.Fatal("no certificate")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func issueAt(t *testing.T, at time.Time, hours, early int) resource.PropertyMap {
	t.Helper()
	setClock(t, at)
	key := newKey(t, map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P256"})
	in := selfSignedInputs(t, key)
	in["validityPeriodHours"] = resource.NewNumberProperty(float64(hours))
	in["earlyRenewalHours"] = resource.NewNumberProperty(float64(early))
	_, out, err := certificate{selfSigned: true}.Create(context.Background(), in, false)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestConformanceValidityTimes(t *testing.T) {
	for _, row := range facts.Load(t, "tls", "validityTime") {
		var f struct {
			Clock, Start, End   string
			ValidityPeriodHours int
		}
		row.Decode(t, &f)
		at, err := time.Parse(time.RFC3339Nano, f.Clock)
		if err != nil {
			t.Fatal(err)
		}
		out := issueAt(t, at, f.ValidityPeriodHours, 0)
		if s, e := str(t, out, "validityStartTime"), str(t, out, "validityEndTime"); s != f.Start || e != f.End {
			t.Errorf("%s: %s .. %s, upstream %s .. %s", row.ID, s, e, f.Start, f.End)
		}
	}
}

func TestConformanceReadyForRenewal(t *testing.T) {
	issued := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, row := range facts.Load(t, "tls", "renewal") {
		var f struct {
			ValidityPeriodHours, EarlyRenewalHours int
			ElapsedHours                           float64
			Ready                                  bool
		}
		row.Decode(t, &f)
		out := issueAt(t, issued, f.ValidityPeriodHours, f.EarlyRenewalHours)
		setClock(t, issued.Add(time.Duration(f.ElapsedHours*float64(time.Hour))))
		c := certificate{selfSigned: true}
		d := c.Diff(out, out, out)
		planned := len(d.ReplaceKeys) == 1 && d.ReplaceKeys[0] == "readyForRenewal"
		refreshed := c.Refresh(out)["readyForRenewal"].BoolValue()
		if planned != f.Ready || refreshed != f.Ready {
			t.Errorf("%s: plan replaces %v, refresh says %v; upstream ready = %v", row.ID, planned, refreshed, f.Ready)
		}
	}
}

// twoValues gives an old and a different new value of an input of the right shape.
func twoValues(input string) (resource.PropertyValue, resource.PropertyValue) {
	switch input {
	case "rsaBits", "validityPeriodHours", "earlyRenewalHours", "maxPathLength":
		return resource.NewNumberProperty(1), resource.NewNumberProperty(2)
	case "isCaCertificate", "setSubjectKeyId", "setAuthorityKeyId":
		return resource.NewBoolProperty(false), resource.NewBoolProperty(true)
	case "dnsNames", "ipAddresses", "uris", "allowedUses":
		return resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("a")}),
			resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("b")})
	case "subject":
		return resource.NewObjectProperty(resource.PropertyMap{"commonName": resource.NewStringProperty("a")}),
			resource.NewObjectProperty(resource.PropertyMap{"commonName": resource.NewStringProperty("b")})
	}
	return resource.NewStringProperty("-----BEGIN X-----\na\n-----END X-----\n"),
		resource.NewStringProperty("-----BEGIN X-----\nb\n-----END X-----\n")
}

func TestConformanceDiff(t *testing.T) {
	for _, row := range facts.Load(t, "tls", "diff") {
		var f struct{ Resource, Input, Effect string }
		row.Decode(t, &f)
		o, n := twoValues(f.Input)
		olds := resource.PropertyMap{resource.PropertyKey(f.Input): o}
		news := resource.PropertyMap{resource.PropertyKey(f.Input): n}
		d := resources[tokens.Type(f.Resource)].Diff(olds, olds, news)
		got := "update"
		if len(d.ReplaceKeys) > 0 {
			got = "replace"
		}
		if len(d.ChangedKeys) != 1 || got != f.Effect {
			t.Errorf("%s: a change is %s, upstream: %s", row.ID, got, f.Effect)
		}
	}
}

func TestConformanceDefaults(t *testing.T) {
	for _, row := range facts.Load(t, "tls", "defaults") {
		var f struct {
			Resource         string
			Inputs, Defaults map[string]any
			Absent           []string
		}
		row.Decode(t, &f)
		out, _ := resources[tokens.Type(f.Resource)].Check(resource.NewPropertyMapFromMap(f.Inputs))
		for k, v := range f.Defaults {
			if !out[resource.PropertyKey(k)].DeepEquals(resource.NewPropertyValue(v)) {
				t.Errorf("%s: %s = %v, upstream default %v", row.ID, k, out[resource.PropertyKey(k)], v)
			}
		}
		for _, k := range f.Absent {
			if _, ok := out[resource.PropertyKey(k)]; ok {
				t.Errorf("%s: %s is not in upstream's schema for %s", row.ID, k, f.Resource)
			}
		}
	}
}
