package main

import (
	"context"
	"strings"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// runner runs one command line for a Command resource, on this machine or over SSH.
type runner interface {
	// run executes cmd with the resource's inputs and extra environment and returns its output.
	run(ctx context.Context, in provider.Props, cmd string, env map[string]string) (stdout, stderr string, err error)
}

// command is command:remote:Command and command:local:Command, with upstream's lifecycle:
// `create` on create; a change of `triggers` replaces the resource (the SDK also sets
// replaceOnChanges for them); a change of any other input runs `update`, or `create` again when
// there is no `update`; `delete` on delete. Unless addPreviousOutputInEnv is false, the last
// non-empty stdout/stderr are passed as PULUMI_COMMAND_STDOUT / PULUMI_COMMAND_STDERR.
// Unlike upstream, output is never streamed into the engine's log (as logging: "none"); see
// commandError for what a failure reports.
type command struct{ runner runner }

// Check validates `logging` and adds nothing: upstream defaults no command input (the SDK
// itself fills in the connection's defaults).
func (command) Check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	out := news.Copy()
	var failures []plugin.CheckFailure
	p := provider.Props(out)
	if !p.Unknown("logging") {
		switch p.String("logging") {
		case "", "stdout", "stderr", "stdoutAndStderr", "none":
		default:
			failures = append(failures, plugin.CheckFailure{
				Property: "logging", Reason: "logging must be one of stdout, stderr, stdoutAndStderr, none",
			})
		}
	}
	for _, k := range unimplementedInputs {
		if p.Has(k) || p.Unknown(k) {
			failures = append(failures, plugin.CheckFailure{
				Property: resource.PropertyKey(k), Reason: k + " is not implemented by this project's own command plugin",
			})
		}
	}
	return out, failures
}

func (command) Diff(olds, _, news resource.PropertyMap) plugin.DiffResult {
	// Builds before this one stored addPreviousOutputInEnv: true when the program left it out.
	olds = provider.WithoutFormerDefault(olds, news, "addPreviousOutputInEnv", resource.NewBoolProperty(true))
	inPlace := map[string]bool{}
	for k := range news {
		inPlace[string(k)] = k != "triggers"
	}
	for k := range olds {
		inPlace[string(k)] = k != "triggers"
	}
	return provider.DiffInputs(olds, news, inPlace)
}

func (c command) Create(ctx context.Context, in resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	out, err := c.execute(ctx, in, "create", nil, preview)
	if err != nil {
		return "", nil, err
	}
	return provider.ResourceName(ctx) + resourceID(), out, nil
}

func (c command) Update(ctx context.Context, _ string, olds, news resource.PropertyMap, preview bool) (resource.PropertyMap, error) {
	which := "update"
	if !provider.Props(news).Has("update") && !provider.Props(news).Unknown("update") {
		which = "create"
	}
	if !provider.Props(news).Has(which) && !provider.Props(news).Unknown(which) && !preview {
		// Nothing to run: upstream keeps the last run's outputs.
		out := news.Copy()
		out["stdout"], out["stderr"] = keep(olds, "stdout"), keep(olds, "stderr")
		return out, nil
	}
	return c.execute(ctx, news, which, olds, preview)
}

func (c command) Delete(ctx context.Context, _ string, outs resource.PropertyMap) error {
	p := provider.Props(outs)
	if p.String("delete") == "" {
		return nil
	}
	_, _, err := c.runner.run(ctx, p, p.String("delete"), previousOutput(p, outs))
	return err
}

// execute runs the `which` command of the inputs and returns the new outputs.
func (c command) execute(
	ctx context.Context, in resource.PropertyMap, which string, olds resource.PropertyMap, preview bool,
) (resource.PropertyMap, error) {
	out := in.Copy()
	p := provider.Props(in)
	if preview {
		// A preview runs no command; the outputs are known only after `up`.
		out["stdout"] = resource.MakeComputed(resource.NewStringProperty(""))
		out["stderr"] = resource.MakeComputed(resource.NewStringProperty(""))
		return out, nil
	}
	cmd := p.String(which)
	if cmd == "" {
		out["stdout"], out["stderr"] = resource.NewStringProperty(""), resource.NewStringProperty("")
		return out, nil
	}
	stdout, stderr, err := c.runner.run(ctx, p, cmd, previousOutput(p, olds))
	if err != nil {
		return nil, err
	}
	out["stdout"] = resource.NewStringProperty(strings.TrimSuffix(stdout, "\n"))
	out["stderr"] = resource.NewStringProperty(strings.TrimSuffix(stderr, "\n"))
	return out, nil
}

// previousOutput is the environment that carries the last run's output to the next command:
// only non-empty values, as upstream.
func previousOutput(in provider.Props, olds resource.PropertyMap) map[string]string {
	if in.Has("addPreviousOutputInEnv") && !in.Bool("addPreviousOutputInEnv") {
		return nil
	}
	o := provider.Props(olds)
	env := map[string]string{}
	if s := o.String("stdout"); s != "" {
		env["PULUMI_COMMAND_STDOUT"] = s
	}
	if s := o.String("stderr"); s != "" {
		env["PULUMI_COMMAND_STDERR"] = s
	}
	return env
}

// keep is an output of the last run, or "" when there was none.
func keep(olds resource.PropertyMap, key string) resource.PropertyValue {
	if v, ok := olds[resource.PropertyKey(key)]; ok {
		return v
	}
	return resource.NewStringProperty("")
}
