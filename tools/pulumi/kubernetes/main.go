// Command pulumi-resource-kubernetes serves the upstream kubernetes provider (pkg/provider of
// the module required in go.mod). The provider needs its package schema and terraform mapping
// embedded; tools/pulumi/build.sh writes schema-embed.json (the module's schema.json with the
// version set) and terraform-mapping-embed.json next to this file in a build copy before
// `go build`; neither file is kept in the repository.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
