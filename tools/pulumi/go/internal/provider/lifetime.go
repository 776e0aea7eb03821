package provider

import (
	"context"
	"sync"
	"time"
)

// lifetime bounds every operation the way upstream's pulumi-go-provider does: by the
// resource's customTimeouts (the engine sends them as seconds in Create/Update/Delete; 0 means
// none) and by the engine's SignalCancellation, which ends all operations in flight.
type lifetime struct {
	once   sync.Once
	root   context.Context
	cancel context.CancelFunc
}

func (l *lifetime) init() {
	l.once.Do(func() { l.root, l.cancel = context.WithCancel(context.Background()) })
}

// bound derives an operation's context from the request's, cut by timeoutSeconds and by
// cancellation of the whole provider.
func (l *lifetime) bound(ctx context.Context, timeoutSeconds float64) (context.Context, context.CancelFunc) {
	l.init()
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(l.root, cancel)
	if timeoutSeconds > 0 {
		var cancelTimeout context.CancelFunc
		ctx, cancelTimeout = context.WithTimeout(ctx, time.Duration(timeoutSeconds*float64(time.Second)))
		return ctx, func() { cancelTimeout(); stop(); cancel() }
	}
	return ctx, func() { stop(); cancel() }
}

// cancelAll ends every operation in flight and every later one.
func (l *lifetime) cancelAll() {
	l.init()
	l.cancel()
}

type nameKey struct{}

// withResourceName passes the resource's name (the last part of its URN) to Create, which
// upstream's command provider uses as the prefix of a Command's id.
func withResourceName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, nameKey{}, name)
}

// ResourceName is the name of the resource being created, or "" outside a Create.
func ResourceName(ctx context.Context) string {
	s, _ := ctx.Value(nameKey{}).(string)
	return s
}

// WithResourceNameForTest is the context a Create sees for a resource named name.
func WithResourceNameForTest(name string) context.Context {
	return withResourceName(context.Background(), name)
}
