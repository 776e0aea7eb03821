package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/retry"
)

// unlimitedDials is dialErrorLimit's "retry without limit".
const unlimitedDials = -1

// waitFunc waits between attempts; tests inject a fake clock.
type waitFunc func(time.Duration) <-chan time.Time

// dialWithRetry follows upstream's schedule (pulumi-command v1.2.1 remote/connection.go,
// dialWithRetry): attempts until one succeeds or dialErrorLimit+1 have failed (limit -1: no
// limit), waiting 0.1 s after the first failure and 1.5 times longer after each next one, at
// most 5 s (the SDK's retry.Until defaults, which upstream uses). The context (the resource's
// customTimeouts, engine cancellation) cuts the whole loop; then its error is returned, as
// upstream does.
func dialWithRetry[T any](ctx context.Context, limit int, wait waitFunc, attempt func() (T, error)) (T, error) {
	var zero T
	r := retry.Retryer{After: wait}
	ok, data, err := r.Until(ctx, retry.Acceptor{
		Accept: func(try int, _ time.Duration) (bool, any, error) {
			result, err := attempt()
			if err == nil {
				return true, result, nil
			}
			if limit > unlimitedDials && try+1 > limit {
				// Upstream counts the tries before this one, hence "after <limit> failed attempts"
				// although limit+1 attempts failed.
				return true, nil, fmt.Errorf("after %d failed attempts: %w", try, err)
			}
			return false, nil, nil
		},
	})
	if ok && err == nil {
		return data.(T), nil
	}
	if err == nil {
		err = ctx.Err()
	}
	return zero, err
}
