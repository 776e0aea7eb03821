// Command pulumi-resource-command is this project's own build of the `command` provider plugin
// that @pulumi/command requests. The upstream provider module is not served by the Go module
// proxy these machines reach, so the resources the project uses are implemented here with
// golang.org/x/crypto/ssh, following the @pulumi/command schema: remote.Command,
// remote.CopyToRemote and local.Command. The version is stamped at build time to the one the npm
// SDK asks for.
package main

import (
	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var version = "0.0.0-dev" // set with -ldflags "-X main.version=..."

func main() {
	provider.Main(&provider.Provider{
		Name:    "command",
		Version: version,
		Resources: map[tokens.Type]provider.Resource{
			"command:remote:Command":      command{runner: remoteRunner{}},
			"command:local:Command":       command{runner: localRunner{}},
			"command:remote:CopyToRemote": copyToRemote{},
		},
	})
}
