package provider

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// PluginSet names this project's own plugins. Upstream plugins know no such function, so a
// program can tell the two sets apart without touching any resource's state (see README:
// "Which plugin set made a stack").
const PluginSet = "aks-rotate-certs-own"

// IdentityToken is the function that answers which plugin set serves a package, e.g.
// "tls:index/aksPluginSet:aksPluginSet".
func IdentityToken(pkg string) tokens.ModuleMember {
	return tokens.ModuleMember(fmt.Sprintf("%s:index/aksPluginSet:aksPluginSet", pkg))
}

// Invoke answers only the identity function: this project uses none of upstream's functions.
func (p *Provider) Invoke(_ context.Context, req plugin.InvokeRequest) (plugin.InvokeResponse, error) {
	if req.Tok != IdentityToken(p.Name) {
		return plugin.InvokeResponse{}, fmt.Errorf(
			"%s %s (this project's own build) does not implement function %s", p.Name, p.Version, req.Tok)
	}
	return plugin.InvokeResponse{Properties: resource.PropertyMap{
		"pluginSet": resource.NewStringProperty(PluginSet),
		"package":   resource.NewStringProperty(p.Name),
		"version":   resource.NewStringProperty(p.Version),
	}}, nil
}
