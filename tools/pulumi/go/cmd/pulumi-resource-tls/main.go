// Command pulumi-resource-tls is this project's own build of the `tls` provider plugin that
// @pulumi/tls requests. The upstream provider (a bridge of terraform-provider-tls) is not served
// by the Go module proxy these machines reach, so the resources the project uses are
// implemented here with Go's crypto packages, following the @pulumi/tls schema: PrivateKey,
// SelfSignedCert, CertRequest and LocallySignedCert. The version is stamped at build time to the
// one the npm SDK asks for.
package main

import (
	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var version = "0.0.0-dev" // set with -ldflags "-X main.version=..."

func main() {
	provider.Main(&provider.Provider{
		Name:    "tls",
		Version: version,
		Resources: map[tokens.Type]provider.Resource{
			"tls:index/privateKey:PrivateKey":               privateKey{},
			"tls:index/selfSignedCert:SelfSignedCert":       certificate{selfSigned: true},
			"tls:index/locallySignedCert:LocallySignedCert": certificate{},
			"tls:index/certRequest:CertRequest":             certRequest{},
		},
	})
}
