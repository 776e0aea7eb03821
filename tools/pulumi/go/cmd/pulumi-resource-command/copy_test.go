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

func TestCopyPlanFolderWithTrailingSlashCopiesItsContents(t *testing.T) {
	local, remote := t.TempDir(), t.TempDir()
	_ = os.WriteFile(filepath.Join(local, "a.txt"), []byte("a"), 0o644)
	arch, err := archive.FromPath(local + "/")
	if err != nil {
		t.Fatal(err)
	}
	runPlan(t, resource.NewArchiveProperty(arch), filepath.Join(remote, "dest"))
	if read(t, filepath.Join(remote, "dest", "a.txt")) != "a" {
		t.Fatal(`"dir/" copies the folder's contents into remotePath`)
	}
}

func TestCopyPlanTextAssetIntoDirectoryFails(t *testing.T) {
	text, _ := asset.FromText("hello")
	cmd, payload, err := copyPlan(resource.NewAssetProperty(text), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command("/bin/sh", "-c", cmd)
	c.Stdin = bytes.NewReader(payload)
	out, err := c.CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("when using a text asset, remotePath must be a file path")) {
		t.Fatalf("want upstream's error, got %v: %s", err, out)
	}
}

// Upstream replaces a CopyToRemote only for triggers; source and remotePath copy again in place.
func TestCopyDiffReplacesOnlyForTriggers(t *testing.T) {
	a, _ := asset.FromText("a")
	b, _ := asset.FromText("b")
	olds := resource.PropertyMap{"source": resource.NewAssetProperty(a), "remotePath": resource.NewStringProperty("/x")}
	news := resource.PropertyMap{"source": resource.NewAssetProperty(b), "remotePath": resource.NewStringProperty("/y")}
	d := copyToRemote{}.Diff(olds, olds, news)
	if len(d.ReplaceKeys) != 0 || len(d.ChangedKeys) != 2 {
		t.Errorf("source/remotePath update in place: %+v", d)
	}
	if !needsCopy(olds, news) || needsCopy(olds, olds) {
		t.Error("a new source or path copies again, nothing else does")
	}
	news = olds.Copy()
	news["triggers"] = resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("1")})
	if d := (copyToRemote{}).Diff(olds, olds, news); len(d.ReplaceKeys) != 1 {
		t.Errorf("triggers replace: %+v", d)
	}
}
