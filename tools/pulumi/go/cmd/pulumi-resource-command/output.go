package main

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// capture collects a command's stdout and stderr separately (the outputs) and interleaved
// (for the error message), as upstream does.
type capture struct {
	stdout, stderr bytes.Buffer
	mu             sync.Mutex
	both           bytes.Buffer
}

type lockedWriter struct{ c *capture }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	return w.c.both.Write(b)
}

func (c *capture) stdoutWriter() io.Writer { return io.MultiWriter(&c.stdout, lockedWriter{c}) }
func (c *capture) stderrWriter() io.Writer { return io.MultiWriter(&c.stderr, lockedWriter{c}) }

// commandError is upstream's message for a failed command: the error, the quoted command and
// the interleaved stdout and stderr, whatever `logging` says (logging only decides what is
// streamed to the engine's log). Programs must therefore keep secrets out of both the command
// string and the command's output; this project passes keys on stdin only.
func commandError(err error, cmd string, out *capture) error {
	return fmt.Errorf("%w: running %q:\n%s", err, cmd, out.both.String())
}
