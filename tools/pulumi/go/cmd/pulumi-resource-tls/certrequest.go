package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// certRequest is tls:index/certRequest:CertRequest: a PKCS#10 request for privateKeyPem with
// the given subject and SANs; any input change makes a new request.
type certRequest struct{}

func (certRequest) Check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	return news.Copy(), refuseUnimplemented(provider.Props(news), nil)
}

func (certRequest) Diff(olds, _, news resource.PropertyMap) plugin.DiffResult {
	return provider.DiffInputs(olds, news, nil)
}

func (certRequest) Create(_ context.Context, in resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	out := in.Copy()
	if preview {
		out["certRequestPem"] = resource.MakeComputed(resource.NewStringProperty(""))
		out["keyAlgorithm"] = resource.MakeComputed(resource.NewStringProperty(""))
		return "", out, nil
	}
	p := provider.Props(in)
	key, alg, err := parsePrivateKey(p.String("privateKeyPem"))
	if err != nil {
		return "", nil, err
	}
	tmpl := &x509.CertificateRequest{Subject: subjectOf(p)}
	if tmpl.DNSNames, tmpl.IPAddresses, tmpl.URIs, err = sansOf(p); err != nil {
		return "", nil, err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return "", nil, err
	}
	csrPEM := pemString("CERTIFICATE REQUEST", der)
	out["certRequestPem"] = resource.NewStringProperty(csrPEM)
	out["keyAlgorithm"] = resource.NewStringProperty(alg)
	return hashID(der), out, nil
}

func (certRequest) Update(_ context.Context, _ string, olds, _ resource.PropertyMap, _ bool) (resource.PropertyMap, error) {
	return olds, nil
}

func (certRequest) Delete(context.Context, string, resource.PropertyMap) error { return nil }
