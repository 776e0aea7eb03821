package main

import (
	"context"
	"os"
	"os/exec"
	"strings"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"
)

// localRunner runs commands on this machine: `interpreter` (default /bin/sh -c) with the
// command as last argument, in `dir`, with this process's environment plus `environment`.
type localRunner struct{}

func (localRunner) run(ctx context.Context, in provider.Props, cmd string, env map[string]string) (string, string, error) {
	interp := in.Strings("interpreter")
	if len(interp) == 0 {
		interp = []string{"/bin/sh", "-c"}
	}
	c := exec.CommandContext(ctx, interp[0], append(interp[1:], cmd)...) // #nosec G204 -- running commands is the point
	c.Dir = in.String("dir")
	c.Env = os.Environ()
	for k, v := range in.Object("environment") {
		c.Env = append(c.Env, string(k)+"="+provider.Props{k: v}.String(string(k)))
	}
	for k, v := range env {
		c.Env = append(c.Env, k+"="+v)
	}
	if s := in.String("stdin"); s != "" {
		c.Stdin = strings.NewReader(s)
	}
	var out capture
	c.Stdout, c.Stderr = out.stdoutWriter(), out.stderrWriter()
	if err := c.Run(); err != nil {
		return out.stdout.String(), out.stderr.String(), commandError(err, cmd, &out)
	}
	return out.stdout.String(), out.stderr.String(), nil
}
