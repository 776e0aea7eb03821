package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

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

// Upstream's error for a failed command quotes the command and appends the interleaved output,
// whatever `logging` says.
func TestFailureQuotesCommandAndOutputEvenWithLoggingNone(t *testing.T) {
	c := command{runner: localRunner{}}
	in, _ := c.Check(props(map[string]any{"create": "echo out; sleep 0.2; echo err >&2; exit 3", "logging": "none"}))
	_, _, err := c.Create(context.Background(), in, false)
	want := "exit status 3: running \"echo out; sleep 0.2; echo err >&2; exit 3\":\nout\nerr\n"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %q, want %q", err, want)
	}
}

func TestCheckAddsNoDefaults(t *testing.T) {
	in := props(map[string]any{"create": "true"})
	out, failures := command{runner: localRunner{}}.Check(in)
	if len(failures) != 0 || !out.DeepEquals(in) {
		t.Fatalf("Check changed the inputs: %v %v", out, failures)
	}
	_, failures = command{}.Check(props(map[string]any{"logging": "loud"}))
	if len(failures) != 1 || failures[0].Property != "logging" {
		t.Fatalf("an unknown logging value fails: %v", failures)
	}
}

// Without update and create commands, an update runs nothing and keeps the last outputs.
func TestUpdateWithoutCommandsKeepsOutputs(t *testing.T) {
	c := command{runner: localRunner{}}
	olds := props(map[string]any{"delete": "true", "stdout": "kept", "stderr": "too"})
	out, err := c.Update(context.Background(), "id", olds, props(map[string]any{"delete": "false"}), false)
	if err != nil || out["stdout"].StringValue() != "kept" || out["stderr"].StringValue() != "too" {
		t.Fatalf("update: %v %v", out, err)
	}
}

func TestPreviousOutputOnlyWhenNonEmptyAndEnabled(t *testing.T) {
	olds := props(map[string]any{"stdout": "o", "stderr": ""})
	env := previousOutput(nil, olds)
	if len(env) != 1 || env["PULUMI_COMMAND_STDOUT"] != "o" {
		t.Errorf("env = %v", env)
	}
	off := previousOutput(provider.Props(props(map[string]any{"addPreviousOutputInEnv": false})), olds)
	if len(off) != 0 {
		t.Errorf("addPreviousOutputInEnv false: env = %v", off)
	}
}

func TestCommandIDIsNamePlusEightHex(t *testing.T) {
	c := command{runner: localRunner{}}
	id, _, err := c.Create(provider.WithResourceNameForTest("step"), props(map[string]any{}), false)
	if err != nil || !regexp.MustCompile(`^step[0-9a-f]{8}$`).MatchString(id) {
		t.Fatalf("id = %q, %v", id, err)
	}
}

// A stack made by the build that defaulted addPreviousOutputInEnv sees no change.
func TestFormerDefaultIsNoChange(t *testing.T) {
	c := command{runner: localRunner{}}
	olds := props(map[string]any{"create": "a", "addPreviousOutputInEnv": true})
	if d := c.Diff(olds, nil, props(map[string]any{"create": "a"})); d.Changes != plugin.DiffNone {
		t.Errorf("former default: %+v", d)
	}
	olds = props(map[string]any{"create": "a", "addPreviousOutputInEnv": false})
	if d := c.Diff(olds, nil, props(map[string]any{"create": "a"})); d.Changes != plugin.DiffSome {
		t.Errorf("an explicit false that is dropped is a change: %+v", d)
	}
}
