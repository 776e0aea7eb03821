package main

import (
	"context"
	"testing"

	"aks-rotate-certs/tools/pulumi/go/internal/sdknames"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Every property name @pulumi/command 1.2.1 sends or reads is known to this plugin.
func TestSDKNamesAreKnown(t *testing.T) {
	dir := sdknames.Dir("command")
	types, err := sdknames.Resources(dir)
	if err != nil {
		t.Fatal(err)
	}
	for tok, names := range types {
		if contains(unimplementedTypes, tok) {
			continue
		}
		known, ok := properties[tok]
		if !ok {
			t.Errorf("the SDK has resource %s, which this plugin neither serves nor lists as unimplemented", tok)
			continue
		}
		if _, served := resources[tokens.Type(tok)]; !served {
			t.Errorf("%s is listed but not served", tok)
		}
		if m := sdknames.Missing(names, known); len(m) > 0 {
			t.Errorf("%s: the SDK uses %v, unknown to this plugin", tok, m)
		}
	}
	ifaces, err := sdknames.Interfaces(dir)
	if err != nil {
		t.Fatal(err)
	}
	for iface, nested := range map[string]string{"ConnectionArgs": "connection", "ProxyConnectionArgs": "proxy"} {
		if len(ifaces[iface]) == 0 {
			t.Fatalf("no interface %s in the SDK", iface)
		}
		if m := sdknames.Missing(ifaces[iface], properties[nested]); len(m) > 0 {
			t.Errorf("%s: the SDK sends %v, unknown to this plugin", iface, m)
		}
	}
}

// A Create writes no property outside the plugin's list: the state keeps upstream's shape.
func TestCreateWritesOnlyKnownNames(t *testing.T) {
	in := resource.NewPropertyMapFromMap(map[string]any{"create": "echo hi", "triggers": []any{"1"}})
	_, out, err := command{runner: localRunner{}}.Create(context.Background(), in, false)
	if err != nil {
		t.Fatal(err)
	}
	for k := range out {
		if !contains(properties["command:local:Command"], string(k)) {
			t.Errorf("state has %s, not in the schema", k)
		}
	}
}
