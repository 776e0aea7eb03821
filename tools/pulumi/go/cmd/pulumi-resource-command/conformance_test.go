package main

// Runs the command facts of testdata/upstream-facts.json against this plugin.

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"

	"aks-rotate-certs/tools/pulumi/go/internal/facts"
	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var resources = map[tokens.Type]provider.Resource{
	"command:remote:Command":      command{runner: remoteRunner{}},
	"command:local:Command":       command{runner: localRunner{}},
	"command:remote:CopyToRemote": copyToRemote{},
}

// twoValues gives an old and a different new value of an input of the right shape.
func twoValues(t *testing.T, input string) (resource.PropertyValue, resource.PropertyValue) {
	t.Helper()
	switch input {
	case "triggers", "interpreter", "assetPaths", "archivePaths":
		return resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("a")}),
			resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("b")})
	case "connection", "environment":
		return resource.NewObjectProperty(resource.PropertyMap{"host": resource.NewStringProperty("a")}),
			resource.NewObjectProperty(resource.PropertyMap{"host": resource.NewStringProperty("b")})
	case "addPreviousOutputInEnv":
		return resource.NewBoolProperty(true), resource.NewBoolProperty(false)
	case "source":
		a, _ := asset.FromText("a")
		b, _ := asset.FromText("b")
		return resource.NewAssetProperty(a), resource.NewAssetProperty(b)
	}
	return resource.NewStringProperty("a"), resource.NewStringProperty("b")
}

func TestConformanceDiff(t *testing.T) {
	for _, row := range facts.Load(t, "command", "diff") {
		var f struct{ Resource, Input, Effect string }
		row.Decode(t, &f)
		r := resources[tokens.Type(f.Resource)]
		o, n := twoValues(t, f.Input)
		olds := resource.PropertyMap{resource.PropertyKey(f.Input): o}
		news := resource.PropertyMap{resource.PropertyKey(f.Input): n}
		d := r.Diff(olds, olds, news)
		got := "update"
		if len(d.ReplaceKeys) > 0 {
			got = "replace"
		}
		if len(d.ChangedKeys) != 1 || got != f.Effect {
			t.Errorf("%s (%s): a change is %s, upstream: %s", row.ID, row.Source.File, got, f.Effect)
		}
	}
}

func TestConformanceDialSchedule(t *testing.T) {
	for _, row := range facts.Load(t, "command", "retry") {
		var f struct {
			DialErrorLimit, Attempts int
			WaitsMs                  []float64
			Error                    string
		}
		row.Decode(t, &f)
		var waits []time.Duration
		attempts := 0
		_, err := dialWithRetry(context.Background(), f.DialErrorLimit, recordWaits(&waits), func() (int, error) {
			attempts++
			return 0, errors.New("refused")
		})
		want := make([]time.Duration, len(f.WaitsMs))
		for i, ms := range f.WaitsMs {
			want[i] = time.Duration(ms * float64(time.Millisecond))
		}
		if len(waits) == 0 {
			waits = []time.Duration{}
		}
		if attempts != f.Attempts || !reflect.DeepEqual(waits, want) || err == nil || err.Error() != f.Error {
			t.Errorf("%s: %d attempts, waits %v, error %v; upstream: %d, %v, %q",
				row.ID, attempts, waits, err, f.Attempts, want, f.Error)
		}
	}
}

func TestConformanceDialTimeout(t *testing.T) {
	for _, row := range facts.Load(t, "command", "timeout") {
		var f struct {
			TimeoutMs int
			Error     string
		}
		row.Decode(t, &f)
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(f.TimeoutMs)*time.Millisecond)
		_, err := dialWithRetry(ctx, unlimitedDials, nil, func() (int, error) { return 0, errors.New("refused") })
		cancel()
		if err == nil || err.Error() != f.Error {
			t.Errorf("%s: error %v, upstream %q", row.ID, err, f.Error)
		}
	}
}

func TestConformanceErrorText(t *testing.T) {
	for _, row := range facts.Load(t, "command", "errorText") {
		var f struct{ Command, Logging, SetenvKey, Error string }
		row.Decode(t, &f)
		var err error
		if f.SetenvKey != "" {
			err = setenvError(f.SetenvKey, errors.New("refused"))
		} else {
			c := command{runner: localRunner{}}
			in := resource.NewPropertyMapFromMap(map[string]any{"create": f.Command, "logging": f.Logging})
			_, _, err = c.Create(context.Background(), in, false)
		}
		if err == nil || err.Error() != f.Error {
			t.Errorf("%s: error %q, upstream %q", row.ID, err, f.Error)
		}
	}
}

func TestConformanceHostKeyNegotiation(t *testing.T) {
	hk := newHostKeys(t)
	byType := map[string]string{}
	for _, k := range []string{pin(hk.rsa), pin(hk.ecdsa), pin(hk.ed25519)} {
		keys, _ := pinnedHostKeys(k)
		byType[keys[0].Type()] = k
	}
	for _, row := range facts.Load(t, "command", "hostKey") {
		var f struct {
			PinnedType                string
			UpstreamOffers, OwnOffers []string
		}
		row.Decode(t, &f)
		keys, err := pinnedHostKeys(byType[f.PinnedType])
		if err != nil {
			t.Fatal(err)
		}
		got := hostKeyAlgorithms(keys)
		if !reflect.DeepEqual(got, f.OwnOffers) {
			t.Errorf("%s: offers %v, want %v", row.ID, got, f.OwnOffers)
		}
		// What upstream offers must be among what this plugin offers.
		for _, a := range f.UpstreamOffers {
			if !contains(got, a) {
				t.Errorf("%s: upstream offers %s, this plugin does not", row.ID, a)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func TestConformanceIDs(t *testing.T) {
	for _, row := range facts.Load(t, "command", "id") {
		var f struct {
			Resource, Name, Pattern string
			PreviewID               *string
		}
		row.Decode(t, &f)
		r := resources[tokens.Type(f.Resource)]
		ctx := provider.WithResourceNameForTest(f.Name)
		in := resource.PropertyMap{}
		if f.PreviewID != nil {
			id, _, err := r.Create(ctx, in, true)
			if err != nil || id != *f.PreviewID {
				t.Errorf("%s: preview id %q (%v), upstream %q", row.ID, id, err, *f.PreviewID)
			}
			continue // a real copy needs a host; the pattern is checked on resourceID below
		}
		id, _, err := r.Create(ctx, in, false)
		if err != nil || !regexp.MustCompile(f.Pattern).MatchString(id) {
			t.Errorf("%s: id %q (%v), upstream %s", row.ID, id, err, f.Pattern)
		}
	}
	if id := resourceID(); !regexp.MustCompile(`^[0-9a-f]{8}$`).MatchString(id) {
		t.Errorf("random id part %q", id)
	}
}

func TestConformanceCheckDefaultsNothing(t *testing.T) {
	for _, row := range facts.Load(t, "command", "check") {
		var f struct {
			Resource string
			Inputs   map[string]any
		}
		row.Decode(t, &f)
		in := resource.NewPropertyMapFromMap(f.Inputs)
		out, failures := resources[tokens.Type(f.Resource)].Check(in)
		if len(failures) != 0 || !out.DeepEquals(in) {
			t.Errorf("%s: Check returned %v (%v), want the inputs unchanged", row.ID, out, failures)
		}
	}
}
