package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A program in a subdirectory without node_modules resolves its packages from a parent's, and
// only runtime dependencies (transitively) count, each with the plugin version it requests.
func TestFindResourcePackagesWalksDependencyClosure(t *testing.T) {
	root := t.TempDir()
	nm := filepath.Join(root, "node_modules")
	write(t, filepath.Join(root, "app", "package.json"),
		`{"dependencies":{"@pulumi/tls":"*","wrapper":"*"},"devDependencies":{"@pulumi/dev":"*"}}`)
	write(t, filepath.Join(nm, "@pulumi", "tls", "package.json"),
		`{"name":"@pulumi/tls","version":"5.6.1","pulumi":{"resource":true,"name":"tls","version":"5.6.1"}}`)
	write(t, filepath.Join(nm, "wrapper", "package.json"),
		`{"name":"wrapper","version":"1.0.0","dependencies":{"@pulumi/command":"*"}}`)
	write(t, filepath.Join(nm, "wrapper", "node_modules", "@pulumi", "command", "package.json"),
		`{"name":"@pulumi/command","version":"1.2.1","pulumi":{"resource":true}}`)
	write(t, filepath.Join(nm, "@pulumi", "dev", "package.json"),
		`{"name":"@pulumi/dev","version":"9.9.9","pulumi":{"resource":true}}`)

	got, err := findResourcePackages(filepath.Join(root, "app"))
	if err != nil {
		t.Fatal(err)
	}
	want := []resourcePackage{{Name: "command", Version: "1.2.1"}, {Name: "tls", Version: "5.6.1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestLastPositionalIsEngineAddress(t *testing.T) {
	if got := lastPositional([]string{"-v=9", "--logtostderr", "127.0.0.1:1234"}); got != "127.0.0.1:1234" {
		t.Errorf("engine address = %q", got)
	}
}
