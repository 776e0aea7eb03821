package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// waits is a resource whose Create blocks until its context ends, reporting why.
type waits struct{}

func (waits) Check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	return news, nil
}

func (waits) Diff(_, _, _ resource.PropertyMap) plugin.DiffResult { return plugin.DiffResult{} }

func (waits) Update(context.Context, string, resource.PropertyMap, resource.PropertyMap, bool) (resource.PropertyMap, error) {
	return nil, nil
}

func (waits) Delete(context.Context, string, resource.PropertyMap) error { return nil }

func (waits) Create(ctx context.Context, _ resource.PropertyMap, _ bool) (string, resource.PropertyMap, error) {
	<-ctx.Done()
	return "", nil, ctx.Err()
}

// The resource's customTimeouts (seconds in the request) cut an operation, as upstream.
func TestCreateIsCutByTheRequestTimeout(t *testing.T) {
	p := &Provider{Name: "test", Version: "1.0.0", Resources: map[tokens.Type]Resource{"test:index:Waits": waits{}}}
	start := time.Now()
	_, err := p.Create(context.Background(), plugin.CreateRequest{Type: "test:index:Waits", Timeout: 0.2})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

func TestSignalCancellationEndsOperationsInFlight(t *testing.T) {
	p := &Provider{Name: "test", Version: "1.0.0", Resources: map[tokens.Type]Resource{"test:index:Waits": waits{}}}
	done := make(chan error, 1)
	go func() {
		_, err := p.Create(context.Background(), plugin.CreateRequest{Type: "test:index:Waits"})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	_ = p.SignalCancellation(context.Background())
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("cancellation did not end the operation")
	}
}

func TestIdentityFunction(t *testing.T) {
	p := &Provider{Name: "tls", Version: "5.6.1"}
	r, err := p.Invoke(context.Background(), plugin.InvokeRequest{Tok: IdentityToken("tls")})
	if err != nil || r.Properties["pluginSet"].StringValue() != PluginSet || r.Properties["version"].StringValue() != "5.6.1" {
		t.Fatalf("%v %v", r, err)
	}
	if _, err := p.Invoke(context.Background(), plugin.InvokeRequest{Tok: "tls:index/getPublicKey:getPublicKey"}); err == nil {
		t.Fatal("other functions are not implemented")
	}
}
