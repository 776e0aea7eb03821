package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
)

// runPlan executes a copy plan with a local shell, standing in for the remote one.
func runPlan(t *testing.T, src resource.PropertyValue, remotePath string) {
	t.Helper()
	cmd, payload, err := copyPlan(src, remotePath)
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command("/bin/sh", "-c", cmd)
	c.Stdin = bytes.NewReader(payload)
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCopyPlanFolderLandsUnderItsName(t *testing.T) {
	local, remote := t.TempDir(), t.TempDir()
	folder := filepath.Join(local, "remote")
	if err := os.MkdirAll(filepath.Join(folder, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(folder, "a.sh"), []byte("echo a\n"), 0o755)
	_ = os.WriteFile(filepath.Join(folder, "sub", "b.txt"), []byte("b"), 0o644)
	arch, err := archive.FromPath(folder)
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(remote, "not", "yet", "there")
	runPlan(t, resource.NewArchiveProperty(arch), dest)
	if read(t, filepath.Join(dest, "remote", "a.sh")) != "echo a\n" ||
		read(t, filepath.Join(dest, "remote", "sub", "b.txt")) != "b" {
		t.Fatal("folder not copied to remotePath/<folder name>")
	}
}

func TestCopyPlanFiles(t *testing.T) {
	remote := t.TempDir()
	text, err := asset.FromText("hello")
	if err != nil {
		t.Fatal(err)
	}
	runPlan(t, resource.NewAssetProperty(text), filepath.Join(remote, "new", "greeting"))
	if read(t, filepath.Join(remote, "new", "greeting")) != "hello" {
		t.Error("a StringAsset is written to remotePath")
	}

	local := filepath.Join(t.TempDir(), "ca.crt")
	_ = os.WriteFile(local, []byte("PEM"), 0o644)
	file, err := asset.FromPath(local)
	if err != nil {
		t.Fatal(err)
	}
	runPlan(t, resource.NewAssetProperty(file), remote) // an existing directory
	if read(t, filepath.Join(remote, "ca.crt")) != "PEM" {
		t.Error("a FileAsset goes into an existing remote directory under its name")
	}
}
