package main

import (
	"context"
	"crypto/x509"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// privateKey is tls:index/privateKey:PrivateKey: a new key on create, replaced when any input
// changes; the key lives only in the (encrypted) state.
type privateKey struct{}

var keyOutputs = []string{
	"privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh", "publicKeyPem",
	"publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256",
}

func (privateKey) Check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	out := news.Copy()
	provider.Default(out, "rsaBits", resource.NewNumberProperty(2048))
	provider.Default(out, "ecdsaCurve", resource.NewStringProperty("P224"))
	var failures []plugin.CheckFailure
	p := provider.Props(out)
	if !p.Unknown("algorithm") {
		switch p.String("algorithm") {
		case "RSA", "ECDSA", "ED25519":
		default:
			failures = append(failures, plugin.CheckFailure{
				Property: "algorithm", Reason: "algorithm must be one of RSA, ECDSA, ED25519",
			})
		}
	}
	if !p.Unknown("ecdsaCurve") {
		if _, err := ellipticCurve(p.String("ecdsaCurve")); err != nil {
			failures = append(failures, plugin.CheckFailure{Property: "ecdsaCurve", Reason: err.Error()})
		}
	}
	return out, failures
}

func (privateKey) Diff(olds, _, news resource.PropertyMap) plugin.DiffResult {
	return provider.DiffInputs(olds, news, nil)
}

func (privateKey) Create(_ context.Context, in resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	out := in.Copy()
	if preview {
		for _, k := range keyOutputs {
			out[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
		}
		return "", out, nil
	}
	p := provider.Props(in)
	key, err := generateKey(p.String("algorithm"), p.Int("rsaBits", 2048), p.String("ecdsaCurve"))
	if err != nil {
		return "", nil, err
	}
	pemText, err := privateKeyPEM(key)
	if err != nil {
		return "", nil, err
	}
	pkcs8, err := privateKeyPKCS8(key)
	if err != nil {
		return "", nil, err
	}
	pub, err := publicKeyOutputs(key.Public())
	if err != nil {
		return "", nil, err
	}
	out["privateKeyPem"] = resource.MakeSecret(resource.NewStringProperty(pemText))
	out["privateKeyPemPkcs8"] = resource.MakeSecret(resource.NewStringProperty(pkcs8))
	out["privateKeyOpenssh"] = resource.MakeSecret(resource.NewStringProperty(privateKeyOpenSSH(key)))
	for k, v := range pub {
		out[resource.PropertyKey(k)] = resource.NewStringProperty(v)
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return "", nil, err
	}
	return hashID(der), out, nil
}

func (privateKey) Update(_ context.Context, _ string, olds, _ resource.PropertyMap, _ bool) (resource.PropertyMap, error) {
	return olds, nil // every input replaces; nothing to update in place
}

func (privateKey) Delete(context.Context, string, resource.PropertyMap) error { return nil }
