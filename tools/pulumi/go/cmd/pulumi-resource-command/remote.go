package main

import (
	"context"
	"fmt"
	"strings"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"
)

// remoteRunner runs commands over SSH with the resource's `connection`. `environment` is sent
// with SSH setenv, which fails unless sshd's AcceptEnv names the variable (as upstream);
// PULUMI_COMMAND_STDOUT/STDERR are offered the same way but skipped when refused.
type remoteRunner struct{ dialer }

func (r remoteRunner) run(ctx context.Context, in provider.Props, cmd string, env map[string]string) (string, string, error) {
	client, err := r.dial(ctx, in.Object("connection"))
	if err != nil {
		return "", "", err
	}
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		return "", "", err
	}
	defer session.Close()

	for k := range in.Object("environment") {
		v := in.Object("environment").String(string(k))
		if err := session.Setenv(string(k), v); err != nil {
			return "", "", setenvError(string(k), err)
		}
	}
	for k, v := range env {
		// Optional, as upstream (which also logs a warning): most sshd configs refuse it.
		_ = session.Setenv(k, v)
	}
	if s := in.String("stdin"); s != "" {
		session.Stdin = strings.NewReader(s)
	}
	var out capture
	session.Stdout, session.Stderr = out.stdoutWriter(), out.stderrWriter()

	done := make(chan error, 1)
	go func() { done <- session.Run(cmd) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		// The operation's timeout or cancellation: end the command and wait for the session's
		// writers to stop before reading the output.
		_ = session.Close()
		<-done
		err = ctx.Err()
	}
	if err != nil {
		return out.stdout.String(), out.stderr.String(), commandError(err, cmd, &out)
	}
	return out.stdout.String(), out.stderr.String(), nil
}

// setenvError is upstream's text for an environment variable sshd refused (it must be in
// sshd's AcceptEnv).
func setenvError(key string, err error) error {
	return fmt.Errorf("could not set environment variable %q: %w", key, err)
}
