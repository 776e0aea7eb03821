package provider

import (
	"context"
	"fmt"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Resource is one resource type. Inputs arrive with secrets already unwrapped (the provider
// tells the engine it does not accept secrets, so the engine re-marks outputs that echo a
// secret input, and the SDK marks its additionalSecretOutputs).
type Resource interface {
	// Check validates new inputs and fills in defaults.
	Check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure)
	// Diff decides between no change, an in-place update and a replacement.
	Diff(oldInputs, oldOutputs, news resource.PropertyMap) plugin.DiffResult
	// Create makes the resource; with preview it must not touch anything and returns
	// unknown values for what it cannot know yet.
	Create(ctx context.Context, inputs resource.PropertyMap, preview bool) (string, resource.PropertyMap, error)
	// Update changes the resource in place (only for diffs without replace keys).
	Update(ctx context.Context, id string, oldOutputs, news resource.PropertyMap, preview bool) (resource.PropertyMap, error)
	// Delete removes the resource.
	Delete(ctx context.Context, id string, outputs resource.PropertyMap) error
}

// Provider serves Resources by type token.
type Provider struct {
	plugin.UnimplementedProvider

	Name, Version string
	Resources     map[tokens.Type]Resource

	life lifetime
}

func (p *Provider) resource(t tokens.Type) (Resource, error) {
	r, ok := p.Resources[t]
	if !ok {
		return nil, fmt.Errorf("%s %s (this project's own build) does not implement %s", p.Name, p.Version, t)
	}
	return r, nil
}

func (p *Provider) Close() error { return nil }

// SignalCancellation ends the operations in flight (a dial retry loop, a running command), as
// upstream does when the engine is interrupted.
func (p *Provider) SignalCancellation(context.Context) error {
	p.life.cancelAll()
	return nil
}

func (p *Provider) Handshake(context.Context, plugin.ProviderHandshakeRequest) (*plugin.ProviderHandshakeResponse, error) {
	return &plugin.ProviderHandshakeResponse{}, nil // no secrets, no resource references
}

func (p *Provider) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v, err := semver.ParseTolerant(p.Version)
	if err != nil {
		return plugin.PluginInfo{}, err
	}
	return plugin.PluginInfo{Version: &v}, nil
}

func (p *Provider) GetSchema(context.Context, plugin.GetSchemaRequest) (plugin.GetSchemaResponse, error) {
	return plugin.GetSchemaResponse{
		Schema: []byte(fmt.Sprintf(`{"name":%q,"version":%q}`, p.Name, p.Version)),
	}, nil
}

func (p *Provider) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	return plugin.CheckConfigResponse{Properties: req.News}, nil
}

func (p *Provider) DiffConfig(context.Context, plugin.DiffConfigRequest) (plugin.DiffConfigResponse, error) {
	return plugin.DiffResult{Changes: plugin.DiffNone}, nil
}

func (p *Provider) Configure(context.Context, plugin.ConfigureRequest) (plugin.ConfigureResponse, error) {
	return plugin.ConfigureResponse{}, nil
}

func (p *Provider) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	r, err := p.resource(req.Type)
	if err != nil {
		return plugin.CheckResponse{}, err
	}
	props, failures := r.Check(req.News)
	return plugin.CheckResponse{Properties: props, Failures: failures}, nil
}

func (p *Provider) Diff(_ context.Context, req plugin.DiffRequest) (plugin.DiffResponse, error) {
	r, err := p.resource(req.Type)
	if err != nil {
		return plugin.DiffResult{}, err
	}
	return r.Diff(req.OldInputs, req.OldOutputs, req.NewInputs), nil
}

func (p *Provider) Create(ctx context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	r, err := p.resource(req.Type)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	ctx, done := p.life.bound(withResourceName(ctx, req.Name), req.Timeout)
	defer done()
	id, outs, err := r.Create(ctx, req.Properties, req.Preview)
	if err != nil {
		return plugin.CreateResponse{Status: resource.StatusOK}, err
	}
	return plugin.CreateResponse{ID: resource.ID(id), Properties: outs, Status: resource.StatusOK}, nil
}

// Refresher is a Resource whose state changes on `pulumi refresh` without anything being read
// from elsewhere (a certificate's readyForRenewal).
type Refresher interface {
	Refresh(outputs resource.PropertyMap) resource.PropertyMap
}

func (p *Provider) Read(_ context.Context, req plugin.ReadRequest) (plugin.ReadResponse, error) {
	// Nothing these resources make can be read back from elsewhere: the state is the truth.
	outs := req.State
	if r, ok := p.Resources[req.Type].(Refresher); ok && outs != nil {
		outs = r.Refresh(outs)
	}
	return plugin.ReadResponse{
		ReadResult: plugin.ReadResult{ID: req.ID, Inputs: req.Inputs, Outputs: outs},
		Status:     resource.StatusOK,
	}, nil
}

func (p *Provider) Update(ctx context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	r, err := p.resource(req.Type)
	if err != nil {
		return plugin.UpdateResponse{}, err
	}
	ctx, done := p.life.bound(ctx, req.Timeout)
	defer done()
	outs, err := r.Update(ctx, string(req.ID), req.OldOutputs, req.NewInputs, req.Preview)
	if err != nil {
		return plugin.UpdateResponse{Status: resource.StatusOK}, err
	}
	return plugin.UpdateResponse{Properties: outs, Status: resource.StatusOK}, nil
}

func (p *Provider) Delete(ctx context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	r, err := p.resource(req.Type)
	if err != nil {
		return plugin.DeleteResponse{}, err
	}
	ctx, done := p.life.bound(ctx, req.Timeout)
	defer done()
	return plugin.DeleteResponse{Status: resource.StatusOK}, r.Delete(ctx, string(req.ID), req.Outputs)
}

func (p *Provider) GetMapping(context.Context, plugin.GetMappingRequest) (plugin.GetMappingResponse, error) {
	return plugin.GetMappingResponse{}, nil
}

func (p *Provider) GetMappings(context.Context, plugin.GetMappingsRequest) (plugin.GetMappingsResponse, error) {
	return plugin.GetMappingsResponse{}, nil
}
