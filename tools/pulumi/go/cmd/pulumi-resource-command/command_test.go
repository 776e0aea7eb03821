package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func TestDiffTriggersReplaceOtherInputsUpdate(t *testing.T) {
	c := command{runner: localRunner{}}
	olds := props(map[string]any{"create": "a", "triggers": []any{"1"}})
	d := c.Diff(olds, nil, props(map[string]any{"create": "b", "triggers": []any{"1"}}))
	if d.Changes != plugin.DiffSome || len(d.ReplaceKeys) != 0 {
		t.Errorf("a new create command updates in place: %+v", d)
	}
	d = c.Diff(olds, nil, props(map[string]any{"create": "a", "triggers": []any{"2"}}))
	if len(d.ReplaceKeys) != 1 || d.ReplaceKeys[0] != "triggers" {
		t.Errorf("triggers replace: %+v", d)
	}
}

func TestLocalLifecycle(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	c := command{runner: localRunner{}}
	ctx := context.Background()
	in, _ := c.Check(props(map[string]any{
		"create": "echo created; echo created >> " + log,
		"delete": `echo "deleted after $PULUMI_COMMAND_STDOUT" >> ` + log,
		"dir":    dir,
	}))
	if _, out, err := c.Create(ctx, in, true); err != nil || !out["stdout"].IsComputed() {
		t.Fatalf("preview runs nothing: %v %v", out, err)
	}
	_, out, err := c.Create(ctx, in, false)
	if err != nil || out["stdout"].StringValue() != "created" {
		t.Fatalf("create: %v %v", out, err)
	}
	// No `update` command: a changed input runs `create` again, with the previous output.
	news := in.Copy()
	news["create"] = resource.NewStringProperty(`echo "again after $PULUMI_COMMAND_STDOUT" >> ` + log + "; echo again")
	out, err = c.Update(ctx, "id", out, news, false)
	if err != nil || out["stdout"].StringValue() != "again" {
		t.Fatalf("update: %v %v", out, err)
	}
	if err := c.Delete(ctx, "id", out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(log)
	want := "created\nagain after created\ndeleted after again\n"
	if string(got) != want {
		t.Errorf("log = %q, want %q", got, want)
	}
}

func TestFailureQuotesCommandButHidesOutputWhenLoggingNone(t *testing.T) {
	c := command{runner: localRunner{}}
	in, _ := c.Check(props(map[string]any{"create": "echo s3cret; exit 3", "logging": "none"}))
	_, _, err := c.Create(context.Background(), in, false)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || strings.Contains(
		strings.ReplaceAll(err.Error(), "echo s3cret", ""), "s3cret") {
		t.Fatalf("error = %v", err)
	}
}
